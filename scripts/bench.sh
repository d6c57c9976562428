#!/usr/bin/env bash
# Whole-run benchmark: inboxlint against its peers on the same ~100 MB corpus, in ONE hyperfine
# run so the figures are comparable (the machine may be shared), plus peak RSS and MB/s.
#
#   scripts/bench.sh [--runs N] [--corpus DIR] [--no-install] [--no-build]
#
# Installs what it needs on a fresh machine: hyperfine and GNU time (apt), the peers through
# ../shared/tools/install_peers.sh. Peers are invoked exactly as ../shared/tools/peers.sh does.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/../shared/tools"
RULES="$TOOLS/peer-rules"
RUNS=5
CORPUS="${TMPDIR:-/tmp}/inboxlint-bench/corpus2000"
INSTALL=1
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --corpus) CORPUS="$2"; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    --no-build) BUILD=0; shift ;;
    *) echo "usage: $0 [--runs N] [--corpus DIR] [--no-install] [--no-build]" >&2; exit 2 ;;
  esac
done
[ -d "$TOOLS" ] || { echo "error: $TOOLS not found (the shared measurement harness)" >&2; exit 2; }

have() { command -v "$1" >/dev/null 2>&1; }
if [ "$INSTALL" = 1 ]; then
  if ! have hyperfine || [ ! -x /usr/bin/time ]; then
    apt-get update -qq && apt-get install -y -qq hyperfine time >/dev/null
  fi
  if ! have rg || ! have ast-grep || ! have htmlhint || ! have semgrep; then
    (cd "$TOOLS" && ./install_peers.sh)
  fi
fi
have hyperfine || { echo "error: hyperfine is missing (apt-get install hyperfine)" >&2; exit 2; }

if [ "$BUILD" = 1 ]; then
  echo "== building release" >&2
  (cd "$ROOT" && cargo build --release --quiet)
fi
BIN="$ROOT/target/release/inboxlint"
[ -x "$BIN" ] || { echo "error: $BIN is missing (run without --no-build)" >&2; exit 2; }

if [ ! -f "$CORPUS/manifest.json" ]; then
  echo "== generating corpus in $CORPUS" >&2
  mkdir -p "$(dirname "$CORPUS")"
  python3 "$TOOLS/gen_corpus.py" "$CORPUS" -n 2000 --seed 42 --force >/dev/null
fi
FILES=$(find "$CORPUS" -type f ! -name manifest.json | wc -l)
BYTES=$(find "$CORPUS" -type f ! -name manifest.json -printf '%s\n' | awk '{s+=$1} END {print s}')
ONE=$(find "$CORPUS/templates" -name '*.html' | sort | sed -n 1p)
THREADS=$(nproc)

q() { printf '%q' "$1"; }
names=(inboxlint "inboxlint --threads 1" rg)
cmds=("$(q "$BIN") check $(q "$CORPUS") --format json"
      "$(q "$BIN") check $(q "$CORPUS") --format json --threads 1"
      "rg -c unsubscribe $(q "$CORPUS")")
if have ast-grep; then
  names+=(ast-grep)
  cmds+=("ast-grep scan -c $(q "$RULES/ast-grep/sgconfig.yml") --json=stream $(q "$CORPUS")")
fi
if have htmlhint; then
  names+=(htmlhint)
  cmds+=("htmlhint --rulesdir $(q "$RULES/htmlhint/rules") --config $(q "$RULES/htmlhint/htmlhintrc.json") -f json --nocolor $(q "$CORPUS")")
fi
if have semgrep; then
  names+=(semgrep)
  cmds+=("env SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off semgrep scan --config $(q "$RULES/semgrep/email-rules.yml") --metrics=off --disable-version-check --json --quiet -j $THREADS $(q "$CORPUS")")
fi
names+=("inboxlint one file")
cmds+=("$(q "$BIN") check $(q "$ONE") --format json")

OUT="$(mktemp -d)"
args=()
for i in "${!names[@]}"; do args+=(--command-name "${names[$i]}" "${cmds[$i]}"); done
echo "== hyperfine: ${#names[@]} commands, $RUNS runs each, $THREADS cores" >&2
# Findings make linters exit 1: that is a result, not a failure of the benchmark.
hyperfine --warmup 1 --runs "$RUNS" --ignore-failure --style basic --export-json "$OUT/hyperfine.json" "${args[@]}" >&2

echo "== peak RSS (/usr/bin/time -v, one run each)" >&2
for i in "${!names[@]}"; do
  /usr/bin/time -v bash -c "${cmds[$i]} > /dev/null 2>&1" 2> "$OUT/time-$i.txt" || true
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/time-$i.txt")
  printf '%s\t%s\n' "${names[$i]}" "${rss:-0}" >> "$OUT/rss.tsv"
done

python3 - "$OUT/hyperfine.json" "$OUT/rss.tsv" "$FILES" "$BYTES" "$THREADS" "$(uptime)" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
rss = dict(line.rstrip("\n").split("\t") for line in open(sys.argv[2]))
files, size, threads, load = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
by = {r["command"]: r for r in results}
ours = by["inboxlint"]["mean"]
print(f"corpus: {files} files, {size / 1e6:.1f} MB; {threads} cores (inboxlint default threads = cores); {load.strip()}")
print(f"{'tool':<24} {'mean s':>8} {'± s':>7} {'min s':>7} {'MB/s':>8} {'peak RSS MB':>12} {'vs inboxlint':>13}")
for r in results:
    name = r["command"]
    mbs = "" if name == "inboxlint one file" else f"{size / 1e6 / r['mean']:.0f}"
    ratio = "" if name == "inboxlint one file" else f"{r['mean'] / ours:.2f}x"
    print(f"{name:<24} {r['mean']:>8.3f} {r['stddev'] or 0:>7.3f} {r['min']:>7.3f} {mbs:>8} "
          f"{int(rss.get(name, 0)) / 1024:>12.1f} {ratio:>13}")
print("targets: inboxlint <= 0.7 s, >= 140 MB/s, peak RSS <= 64 MB, one file <= 15 ms; "
      "ast-grep >= 10x, htmlhint >= 4x, semgrep >= 20x (ratios > 1 mean the tool is slower than inboxlint)")
one = by.get("inboxlint one file")
checks = [("inboxlint wall <= 0.7 s", ours <= 0.7), ("inboxlint >= 140 MB/s", size / 1e6 / ours >= 140),
          ("inboxlint peak RSS <= 64 MB", int(rss.get("inboxlint", 0)) / 1024 <= 64)]
if one:
    checks.append(("one file <= 15 ms", one["mean"] <= 0.015))
for peer, want in (("ast-grep", 10), ("htmlhint", 4), ("semgrep", 20)):
    if peer in by:
        checks.append((f"{peer} >= {want}x slower", by[peer]["mean"] / ours >= want))
for name, ok in checks:
    print(f"  {'hit ' if ok else 'MISS'} {name}")
PY
rm -rf "$OUT"
