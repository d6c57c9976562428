#!/usr/bin/env bash
# The install step of action.yml: puts a pinned inboxlint into INSTALL_ROOT/bin, from the
# release's prebuilt archive for this runner, verified against the release's checksums.txt
# before anything in it runs. No Rust toolchain is needed.
#
# Inputs (environment; action.yml passes its inputs this way, never inside the script):
#   VERSION         release to install (`0.1.0`, `v0.1.0` or `latest`), or `action` to build the action's
#                   own checkout with cargo (the ref in `uses: inboxlint/inboxlint@<ref>`)
#   INSTALL_ROOT    where bin/inboxlint goes; the action caches this directory
#   CARGO_FALLBACK  `true`: when this runner has no prebuilt archive or the release cannot be
#                   reached, `cargo install` instead (needs a Rust toolchain). Default false.
#                   A checksum mismatch never falls back: that archive is refused outright.
#   ACTION_PATH     the action's checkout (for VERSION=action)
#   RUNNER_OS, RUNNER_ARCH  set by the runner (Linux/macOS/Windows, X64/ARM64); `uname` otherwise
#   INBOXLINT_RELEASE_URL   base URL of the release's files (default: the GitHub release of
#                   VERSION); tests serve archives from a loopback server through it
# Exit status: 0 installed (or already there), 1 refused or failed.
set -euo pipefail
: "${VERSION:?}" "${INSTALL_ROOT:?}"
version="${VERSION#v}"
repo_url="https://github.com/inboxlint/inboxlint"
release_url="$repo_url/releases/download/v$version"
# `latest` follows GitHub's redirect to the newest release, so a cached binary is not trusted
# to be it and the archive is always checked against that release's checksums.
[ "$version" != latest ] || release_url="$repo_url/releases/latest/download"
base="${INBOXLINT_RELEASE_URL:-$release_url}"
base="${base%/}"

fail() {  # fail MESSAGE: an error annotation on the run, then exit 1
  echo "::error title=inboxlint action::$1"
  exit 1
}

exe=""
os="${RUNNER_OS:-$(uname -s)}"
arch="${RUNNER_ARCH:-$(uname -m)}"
case "$os" in
  Linux) os_part=unknown-linux-musl ;;
  macOS | Darwin) os_part=apple-darwin ;;
  Windows | MINGW* | MSYS* | CYGWIN*) os_part=pc-windows-msvc; exe=".exe" ;;
  *) os_part="unknown-$os" ;;
esac
case "$arch" in
  X64 | x86_64 | amd64) arch_part=x86_64 ;;
  ARM64 | aarch64 | arm64) arch_part=aarch64 ;;
  *) arch_part="$arch" ;;
esac
target="$arch_part-$os_part"
bin="$INSTALL_ROOT/bin/inboxlint$exe"

cargo_install() {  # cargo_install WHY: the opt-in fallback, or VERSION=action
  command -v cargo > /dev/null ||
    fail "$1, and cargo is not installed to build inboxlint instead (add dtolnay/rust-toolchain before this step)"
  echo "inboxlint: $1; building it with cargo install"
  if [ "$VERSION" = action ]; then
    cargo install --locked --root "$INSTALL_ROOT" --path "${ACTION_PATH:?}"
  elif [ "$version" = latest ]; then
    cargo install --locked --root "$INSTALL_ROOT" inboxlint
  else
    cargo install --locked --root "$INSTALL_ROOT" inboxlint --version "=$version"
  fi
}

if [ "$VERSION" = action ]; then
  cargo_install "version 'action' builds the action's own source"
  exit 0
fi

# A cache hit restores INSTALL_ROOT as it was after a verified install of this version.
if [ -x "$bin" ] && [ "$("$bin" --version 2> /dev/null)" = "inboxlint $version" ]; then
  echo "inboxlint $version for $target restored from cache: $bin"
  exit 0
fi

fallback_allowed() {
  case "${CARGO_FALLBACK:-false}" in
    true | TRUE | True | 1 | yes) return 0 ;;
    false | FALSE | False | 0 | no | "") return 1 ;;
    *) fail "cargo-fallback must be true or false, not '${CARGO_FALLBACK}'" ;;
  esac
}

sha256() {  # sha256 FILE: hex digest (coreutils on Linux and Git Bash, shasum on macOS)
  if command -v sha256sum > /dev/null; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

download() {  # download URL FILE
  curl --fail --silent --show-error --location --retry 3 --proto '=https,http' --output "$2" "$1"
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! download "$base/checksums.txt" "$work/checksums.txt" 2> "$work/curl.log"; then
  why="cannot download $base/checksums.txt ($(tr '\n' ' ' < "$work/curl.log"))"
  if fallback_allowed; then cargo_install "$why"; exit 0; fi
  fail "$why. Check that version '$version' is a published release, or set cargo-fallback: true"
fi

archive="inboxlint-$target.tar.gz"
[ -z "$exe" ] || archive="inboxlint-$target.zip"
expected="$(awk -v a="$archive" '$2 == a || $2 == "*" a { print $1 }' "$work/checksums.txt")"
if [ -z "$expected" ]; then
  available="$(awk '{ n = $2; sub(/^\*/, "", n); sub(/^inboxlint-/, "", n); sub(/\.(tar\.gz|zip)$/, "", n); printf "%s%s", sep, n; sep = ", " }' "$work/checksums.txt")"
  why="inboxlint $version has no prebuilt archive for this runner ($os $arch, target $target); the release has: ${available:-nothing}"
  if fallback_allowed; then cargo_install "$why"; exit 0; fi
  fail "$why. Use a runner of one of those platforms, or set cargo-fallback: true to build it with cargo"
fi

download "$base/$archive" "$work/$archive" || fail "cannot download $base/$archive"
actual="$(sha256 "$work/$archive")"
if [ "$actual" != "$expected" ]; then
  rm -f "$work/$archive"
  fail "SHA-256 mismatch for $archive: checksums.txt says $expected, the download is $actual. The archive was refused and nothing from it ran; do not use this release until it is fixed"
fi
echo "inboxlint: $archive SHA-256 $actual matches checksums.txt"

case "$archive" in
  *.zip)
    if command -v unzip > /dev/null; then unzip -q "$work/$archive" -d "$work/x"
    else 7z x -bd -o"$work/x" "$work/$archive" > /dev/null; fi
    ;;
  *) mkdir -p "$work/x" && tar -xzf "$work/$archive" -C "$work/x" ;;
esac
unpacked="$work/x/inboxlint-$target/inboxlint$exe"
[ -f "$unpacked" ] || fail "$archive does not hold inboxlint-$target/inboxlint$exe"
mkdir -p "$INSTALL_ROOT/bin"
# Replace, never write through, a binary a cache may have restored.
rm -f "$bin"
cp "$unpacked" "$bin"
chmod 755 "$bin"
if [ -d "$work/x/inboxlint-$target/man" ]; then
  mkdir -p "$INSTALL_ROOT/share/man/man1"
  cp "$work/x/inboxlint-$target/man/"*.1 "$INSTALL_ROOT/share/man/man1/" 2> /dev/null || true
fi
installed="$("$bin" --version 2>&1)" || fail "the installed $bin does not run: $installed"
echo "inboxlint: installed $installed for $target into $INSTALL_ROOT/bin"
