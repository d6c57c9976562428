#!/usr/bin/env bash
# Makes the release archive of inboxlint for one target, exactly as the release workflow
# (.github/workflows/release.yml) publishes it, plus its .sha256 and the release's
# checksums.txt (re-made over every archive in the output directory).
#
# Usage: scripts/dist.sh [--target TRIPLE] [--bin PATH] [--docs-bin PATH] [--out DIR]
#   --target    Rust target triple. Default: x86_64-unknown-linux-musl when rustup has that
#               target installed (a static binary that runs on any Linux), else the host's
#               triple, with a notice (the musl std cannot be fetched everywhere).
#   --bin       package this already built binary instead of running cargo build (give
#               --target with it, as the archive is named after it; the
#               workflow builds once with maturin and packages that binary; tests package the
#               debug build)
#   --docs-bin  a binary of the same version that runs here, to write the completions and
#               man pages (default: the packaged binary; a cross-compiled one cannot run)
#   --out       output directory (default: target/dist)
#
# Archive: inboxlint-TRIPLE.tar.gz (.zip for Windows) holding inboxlint-TRIPLE/ with the
# binary, README.md, completions/ (bash, zsh, fish, elvish, powershell) and man/ pages.
# Prints the archive's path on stdout; progress goes to stderr. DIST_GZIP_LEVEL (default 9)
# trades size for time: the tests, which pack a debug build several times, use 1.
set -euo pipefail
cd "$(dirname "$0")/.."

target="" bin="" docs_bin="" out="target/dist"
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --docs-bin) docs_bin="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "dist.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

host="$(rustc -vV 2>/dev/null | sed -n 's/^host: //p' || true)"
if [ -z "$target" ] && [ -n "$bin" ]; then
  # A binary built elsewhere is named after the host unless told: never call a glibc build musl.
  target="${host:?rustc is needed to know the host target; pass --target}"
elif [ -z "$target" ]; then
  if rustup target list --installed 2>/dev/null | grep -qx x86_64-unknown-linux-musl; then
    target=x86_64-unknown-linux-musl
  else
    target="${host:?rustc is needed to know the host target; pass --target}"
    echo "dist.sh: the x86_64-unknown-linux-musl target is not installed (rustup target add" \
      "x86_64-unknown-linux-musl); packaging $target instead" >&2
  fi
fi

exe=""
case "$target" in *windows*) exe=".exe" ;; esac

if [ -z "$bin" ]; then
  echo "dist.sh: cargo build --release --locked --target $target" >&2
  cargo build --release --locked --target "$target" >&2
  bin="${CARGO_TARGET_DIR:-target}/$target/release/inboxlint$exe"
fi
[ -x "$bin" ] || { echo "dist.sh: no executable at $bin" >&2; exit 2; }
[ -n "$docs_bin" ] || docs_bin="$bin"

sha256() {  # sha256 FILE: prints the hex digest (coreutils on Linux/Windows, shasum on macOS)
  if command -v sha256sum > /dev/null; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

name="inboxlint-$target"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
dir="$stage/$name"
mkdir -p "$dir/completions" "$dir/man"
cp "$bin" "$dir/inboxlint$exe"
chmod 755 "$dir/inboxlint$exe"
cp README.md "$dir/"
"$docs_bin" completions bash > "$dir/completions/inboxlint.bash"
"$docs_bin" completions zsh > "$dir/completions/_inboxlint"
"$docs_bin" completions fish > "$dir/completions/inboxlint.fish"
"$docs_bin" completions elvish > "$dir/completions/inboxlint.elv"
"$docs_bin" completions powershell > "$dir/completions/_inboxlint.ps1"
"$docs_bin" man --dir "$dir/man"

# Same bytes for the same inputs where GNU tar allows it: sorted, no owner, fixed time.
epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}"
case "$target" in
  *windows*)
    archive="$out/$name.zip"
    rm -f "$archive"
    if command -v zip > /dev/null; then
      (cd "$stage" && zip -qrX "$archive" "$name")
    elif command -v 7z > /dev/null; then
      (cd "$stage" && 7z a -tzip -bd "$archive" "$name" > /dev/null)
    else
      (cd "$stage" && powershell -NoProfile -Command "Compress-Archive -Path '$name' -DestinationPath '$archive'")
    fi
    ;;
  *)
    archive="$out/$name.tar.gz"
    if tar --version 2> /dev/null | grep -q 'GNU tar'; then
      tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -cf - "$name" | gzip "-${DIST_GZIP_LEVEL:-9}n" > "$archive"
    else
      tar -C "$stage" -cf - "$name" | gzip "-${DIST_GZIP_LEVEL:-9}n" > "$archive"
    fi
    ;;
esac

base="$(basename "$archive")"
echo "$(sha256 "$archive")  $base" > "$archive.sha256"
# checksums.txt covers every archive here, so per-target jobs' outputs merge into one file.
(
  cd "$out"
  for a in inboxlint-*.tar.gz inboxlint-*.zip; do
    if [ -f "$a" ]; then echo "$(sha256 "$a")  $a"; fi
  done
) | LC_ALL=C sort -k2 > "$out/checksums.txt"
echo "dist.sh: $archive ($(wc -c < "$archive" | tr -d ' ') bytes)" >&2
echo "$archive"
