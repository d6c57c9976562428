#!/usr/bin/env node
// Runs the inboxlint binary of this machine's platform package. npm installs only the
// optionalDependency whose `os`/`cpu` match, so each install downloads one binary (the
// esbuild/biome scheme); this launcher finds it and passes arguments, stdio and exit code.
"use strict";

const { spawnSync } = require("child_process");
const fs = require("fs");

// `${process.platform} ${process.arch}` -> the package carrying that binary.
const PACKAGES = {
  "darwin arm64": "@inboxlint/cli-darwin-arm64",
  "darwin x64": "@inboxlint/cli-darwin-x64",
  "linux arm64": "@inboxlint/cli-linux-arm64",
  "linux x64": "@inboxlint/cli-linux-x64",
  "win32 x64": "@inboxlint/cli-win32-x64",
};

function fail(message) {
  process.stderr.write(`inboxlint (npm): ${message}\n`);
  process.exit(2);
}

function binaryPath() {
  // An explicit binary (a local build, a distro package) wins over the bundled one.
  if (process.env.INBOXLINT_BINARY) return process.env.INBOXLINT_BINARY;
  const platform = `${process.platform} ${process.arch}`;
  const pkg = PACKAGES[platform];
  if (!pkg) {
    fail(
      `no prebuilt binary for ${platform}; prebuilt binaries exist for: ` +
        `${Object.keys(PACKAGES).join(", ")}. Build one with \`cargo install inboxlint\` ` +
        "and point INBOXLINT_BINARY at it."
    );
  }
  const exe = process.platform === "win32" ? "inboxlint.exe" : "inboxlint";
  try {
    return require.resolve(`${pkg}/bin/${exe}`);
  } catch (_) {
    return fail(
      `the package ${pkg} with this platform's binary is not installed. npm skips optional ` +
        "dependencies with --omit=optional or --no-optional, and some lockfiles made on another " +
        "platform leave it out: reinstall inboxlint without those."
    );
  }
}

const bin = binaryPath();
let result = spawnSync(bin, process.argv.slice(2), { stdio: "inherit", windowsHide: true });
if (result.error && result.error.code === "EACCES") {
  // Some package managers unpack files without their executable bit.
  try {
    fs.chmodSync(bin, 0o755);
    result = spawnSync(bin, process.argv.slice(2), { stdio: "inherit", windowsHide: true });
  } catch (_) {
    // Reported below with the original error.
  }
}
if (result.error) fail(`cannot run ${bin}: ${result.error.message}`);
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status === null ? 2 : result.status);
