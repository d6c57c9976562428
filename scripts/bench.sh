#!/usr/bin/env bash
# Whole-run benchmark: inboxlint against its peers on the same ~100 MB corpus, in ONE hyperfine
# run so the figures are comparable (the machine may be shared), plus peak RSS and MB/s.
#
#   scripts/bench.sh [--runs N] [--corpus DIR] [--big-corpus DIR] [--before BIN]
#                    [--no-install] [--no-build]
#
# --before BIN adds an older build to the same run (whole corpus, one file, 4x corpus RSS), so a
# change is judged against its base under the same load. The second-run figure is the cache's:
# a warm `.inboxlint_cache` on a copy of the corpus, nothing changed.
#
# Installs what it needs on a fresh machine: hyperfine and GNU time (apt), the peers through
# ../shared/tools/install_peers.sh. Peers are invoked exactly as ../shared/tools/peers.sh does.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/../shared/tools"
RULES="$TOOLS/peer-rules"
RUNS=5
CORPUS="${TMPDIR:-/tmp}/inboxlint-bench/corpus2000"
BIG="${TMPDIR:-/tmp}/inboxlint-bench/corpus8000"
BEFORE=""
INSTALL=1
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --corpus) CORPUS="$2"; shift 2 ;;
    --big-corpus) BIG="$2"; shift 2 ;;
    --before) BEFORE="$2"; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    --no-build) BUILD=0; shift ;;
    *) echo "usage: $0 [--runs N] [--corpus DIR] [--big-corpus DIR] [--before BIN] [--no-install] [--no-build]" >&2; exit 2 ;;
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
if [ ! -f "$BIG/manifest.json" ]; then
  echo "== generating the 4x corpus in $BIG" >&2
  mkdir -p "$(dirname "$BIG")"
  python3 "$TOOLS/gen_corpus.py" "$BIG" -n 8000 --seed 7 --force >/dev/null
fi
# The cache lives in the linted project: a copy, so the measured corpus stays cache-free.
WARM="$(dirname "$CORPUS")/warm-$(basename "$CORPUS")"
rm -rf "$WARM" && cp -r "$CORPUS" "$WARM"
"$BIN" check "$WARM" --format json >/dev/null 2>&1 || true
FILES=$(find "$CORPUS" -type f ! -name manifest.json | wc -l)
BYTES=$(find "$CORPUS" -type f ! -name manifest.json -printf '%s\n' | awk '{s+=$1} END {print s}')
ONE=$(find "$CORPUS/templates" -name '*.html' | sort | sed -n 1p)
THREADS=$(nproc)

q() { printf '%q' "$1"; }
names=(inboxlint "inboxlint --threads 1" rg)
cmds=("$(q "$BIN") check --no-cache $(q "$CORPUS") --format json"
      "$(q "$BIN") check --no-cache $(q "$CORPUS") --format json --threads 1"
      "rg -c unsubscribe $(q "$CORPUS")")
if [ -n "$BEFORE" ]; then
  names+=("before")
  cmds+=("$(q "$BEFORE") check $(q "$CORPUS") --format json")
fi
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
names+=("inboxlint second run")
cmds+=("$(q "$BIN") check $(q "$WARM") --format json")
names+=("inboxlint one file")
cmds+=("$(q "$BIN") check --no-cache $(q "$ONE") --format json")
if [ -n "$BEFORE" ]; then
  names+=("before one file")
  cmds+=("$(q "$BEFORE") check $(q "$ONE") --format json")
fi
# Memory only (not timed): the 4x corpus in every format, now and before.
mem_names=() mem_cmds=()
for f in json sarif pretty concise github junit gitlab; do
  mem_names+=("4x $f"); mem_cmds+=("$(q "$BIN") check --no-cache $(q "$BIG") --format $f")
done
if [ -n "$BEFORE" ]; then
  for f in json sarif; do
    mem_names+=("before 4x $f"); mem_cmds+=("$(q "$BEFORE") check $(q "$BIG") --format $f")
  done
fi

OUT="$(mktemp -d)"
args=()
for i in "${!names[@]}"; do args+=(--command-name "${names[$i]}" "${cmds[$i]}"); done
echo "== hyperfine: ${#names[@]} commands, $RUNS runs each, $THREADS cores" >&2
# Findings make linters exit 1: that is a result, not a failure of the benchmark.
hyperfine --warmup 1 --runs "$RUNS" --ignore-failure --style basic --export-json "$OUT/hyperfine.json" "${args[@]}" >&2

echo "== peak RSS (/usr/bin/time -v, one run each)" >&2
all_names=("${names[@]}" "${mem_names[@]}") all_cmds=("${cmds[@]}" "${mem_cmds[@]}")
for i in "${!all_names[@]}"; do
  /usr/bin/time -v bash -c "${all_cmds[$i]} > /dev/null 2>&1" 2> "$OUT/time-$i.txt" || true
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/time-$i.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$OUT/time-$i.txt")
  printf '%s\t%s\t%s\n' "${all_names[$i]}" "${rss:-0}" "${wall:-?}" >> "$OUT/rss.tsv"
done

python3 - "$OUT/hyperfine.json" "$OUT/rss.tsv" "$FILES" "$BYTES" "$THREADS" "$(uptime)" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
rss, walls = {}, {}
for line in open(sys.argv[2]):
    name, kb, wall = line.rstrip("\n").split("\t")
    rss[name], walls[name] = int(kb) / 1024, wall
files, size, threads, load = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
by = {r["command"]: r for r in results}
ours = by["inboxlint"]["mean"]
single = {"inboxlint one file", "before one file", "inboxlint second run"}
print(f"corpus: {files} files, {size / 1e6:.1f} MB; {threads} cores (inboxlint default threads = cores); {load.strip()}")
print(f"{'tool':<24} {'mean s':>8} {'± s':>7} {'min s':>7} {'MB/s':>8} {'peak RSS MB':>12} {'vs inboxlint':>13}")
for r in results:
    name = r["command"]
    mbs = "" if name in single else f"{size / 1e6 / r['mean']:.0f}"
    ratio = "" if name in single else f"{r['mean'] / ours:.2f}x"
    print(f"{name:<24} {r['mean']:>8.3f} {r['stddev'] or 0:>7.3f} {r['min']:>7.3f} {mbs:>8} "
          f"{rss.get(name, 0):>12.1f} {ratio:>13}")
print("4x corpus (-n 8000 --seed 7), one run each:")
for name in rss:
    if name.startswith("4x") or name.startswith("before 4x"):
        print(f"  {name:<22} wall {walls[name]:>8}  peak RSS {rss[name]:6.1f} MB")
one = by.get("inboxlint one file")
warm = by.get("inboxlint second run")
per_core = size / 1e6 / by["inboxlint --threads 1"]["mean"]
big_rss = max((v for k, v in rss.items() if k.startswith("4x")), default=0)
checks = [(f"whole corpus >= 150 MB/s per core ({per_core:.0f} MB/s with --threads 1)", per_core >= 150),
          (f"peak RSS <= 64 MB on the 4x corpus, every format (max {big_rss:.1f} MB)", 0 < big_rss <= 64)]
if one:
    checks.append((f"one file <= 10 ms ({one['mean'] * 1000:.1f} ms)", one["mean"] <= 0.010))
if warm:
    checks.append((f"second run, nothing changed <= 0.1 s ({warm['mean']:.3f} s)", warm["mean"] <= 0.1))
if "ast-grep" in by:
    checks.append((f"ast-grep >= 12x slower ({by['ast-grep']['mean'] / ours:.1f}x)", by["ast-grep"]["mean"] / ours >= 12))
if "before" in by:
    print(f"before -> now: whole corpus {by['before']['mean']:.3f} -> {ours:.3f} s "
          f"({by['before']['mean'] / ours:.2f}x)")
if "before one file" in by and one:
    print(f"before -> now: one file {by['before one file']['mean'] * 1000:.1f} -> {one['mean'] * 1000:.1f} ms")
for name, ok in checks:
    print(f"  {'hit ' if ok else 'MISS'} {name}")
PY
rm -rf "$OUT" "$WARM"
