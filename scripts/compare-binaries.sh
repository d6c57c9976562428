#!/usr/bin/env bash
# Compare two inboxlint binaries' output, byte for byte, in every format over the given trees.
# A refactor that must not change behaviour is checked with it:
#   scripts/compare-binaries.sh OLD_BIN NEW_BIN DIR [DIR...]
# Exit 0 when every output (stdout and exit code) is identical, 1 otherwise (diffs kept in
# $OUT, default a temp dir).
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 OLD_BIN NEW_BIN DIR [DIR...]" >&2
  exit 2
fi
old=$(realpath "$1"); new=$(realpath "$2"); shift 2
out=$(realpath -m "${OUT:-$(mktemp -d)}"); mkdir -p "$out"
formats="pretty concise json sarif github junit gitlab markdown"
status=0
for dir in "$@"; do
  # A missing tree would compare two identical "cannot cd" outputs and pass.
  if [ ! -d "$dir" ]; then
    echo "error: $dir is not a directory" >&2
    exit 2
  fi
  dir=$(realpath "$dir")
  name=$(basename "$dir")
  for f in $formats; do
    for bin in old new; do
      exe=$old; [ "$bin" = new ] && exe=$new
      set +e
      (cd "$dir" && "$exe" check --format "$f" --color never . >"$out/$name.$f.$bin" 2>"$out/$name.$f.$bin.err")
      echo "exit $?" >>"$out/$name.$f.$bin"
      set -e
    done
    if cmp -s "$out/$name.$f.old" "$out/$name.$f.new"; then
      echo "same     $name $f ($(wc -c <"$out/$name.$f.new") bytes)"
    else
      echo "DIFFERS  $name $f (diff -u $out/$name.$f.old $out/$name.$f.new)"
      status=1
    fi
  done
done
exit $status
