#!/usr/bin/env bash
# Stages the npm packages for publishing or testing: copies npm/ to OUT, sets every package's
# version (and the launcher's optionalDependencies) to VERSION, and puts each binary given
# into its platform package's bin/.
#
# Usage: scripts/npm-stage.sh --out DIR [--version V] [PLATFORM=BINARY]...
#   PLATFORM is a package suffix: linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64
#   --version defaults to Cargo.toml's version.
# Then `npm pack` (or `npm publish`) in OUT/inboxlint and OUT/cli-PLATFORM. Platform packages
# without a binary are left unstaged: publishing one of those is refused by the check below.
set -euo pipefail
cd "$(dirname "$0")/.."
out="" version=""
bins=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *=*) bins+=("$1"); shift ;;
    *) echo "npm-stage.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || { echo "npm-stage.sh: --out DIR is required" >&2; exit 2; }
[ -n "$version" ] || version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"
rm -rf "$out"
mkdir -p "$out"
cp -R npm/. "$out/"
VERSION="$version" node -e '
  const fs = require("fs"), path = require("path");
  for (const dir of fs.readdirSync(process.argv[1])) {
    const file = path.join(process.argv[1], dir, "package.json");
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
    pkg.version = process.env.VERSION;
    for (const dep of Object.keys(pkg.optionalDependencies || {})) pkg.optionalDependencies[dep] = process.env.VERSION;
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
  }' "$out"
for pair in ${bins[@]+"${bins[@]}"}; do
  platform="${pair%%=*}" bin="${pair#*=}"
  dir="$out/cli-$platform"
  [ -d "$dir" ] || { echo "npm-stage.sh: no package npm/cli-$platform" >&2; exit 2; }
  exe=inboxlint
  [ "$platform" != win32-x64 ] || exe=inboxlint.exe
  mkdir -p "$dir/bin"
  cp "$bin" "$dir/bin/$exe"
  chmod 755 "$dir/bin/$exe"
done
echo "$out"
