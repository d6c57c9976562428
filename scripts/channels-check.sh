#!/usr/bin/env bash
# Every install channel end to end on this machine, timed from nothing to a first lint:
# the wheel (`pip wheel .`, then `pip install` into a fresh venv), the npm launcher with this
# platform's package, the Action's install script with an uncached and a cached archive (served
# from a loopback HTTP server), and the pre-commit python hook (the mirror, its wheel dependency
# taken from the wheel built here). Needs a release build, so it is not part of .ci/run;
# `--cargo-install` also times `cargo install --path .` into a scratch root and target dir.
#
# Usage: scripts/channels-check.sh [--cargo-install] [--keep]
# Prints one line per channel: `channel  seconds  result`, and exits 1 if any channel failed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
cargo_install=0 keep=0
for a in "$@"; do
  case "$a" in
    --cargo-install) cargo_install=1 ;;
    --keep) keep=1 ;;
    *) echo "usage: $0 [--cargo-install] [--keep]" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d /tmp/inboxlint-channels.XXXXXX)"
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2> /dev/null || true
  [ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
results=()
failed=0
now() { date +%s.%N; }
secs() { printf '%.1f' "$(echo "$2 - $1" | bc -l)"; }
record() {  # record CHANNEL T0 T1 RESULT
  results+=("$(printf '%-36s %7s s  %s' "$1" "$(secs "$2" "$3")" "$4")")
  echo "== $1: $(secs "$2" "$3") s, $4" >&2
}

# The first lint every channel ends with: a template with a PII merge tag in a link.
mkdir -p "$work/project"
printf '%s\n' '<html><body><p>Sale</p><a href="https://shop.example.com/?e={{ email }}">Shop</a></body></html>' \
  > "$work/project/sale.html"
first_lint() {  # first_lint BINARY...: exit 1 with the pii finding is the expected verdict
  local out rc=0
  out="$(cd "$work/project" && "$@" check --format concise sale.html 2>&1)" || rc=$?
  [ "$rc" = 1 ] && grep -q 'privacy/pii-in-url' <<< "$out"
}

target_dir="${CARGO_TARGET_DIR:-$repo/target}"
if [ "$cargo_install" = 1 ]; then
  # The wheel build below reuses this target dir, so the release compile happens once.
  target_dir="$work/cargo-target"
  t0=$(now)
  cargo install --locked --quiet --path . --root "$work/cargo-root" --target-dir "$target_dir"
  first_lint "$work/cargo-root/bin/inboxlint" && r=ok || { r=FAILED; failed=1; }
  record "cargo install --path . (cold)" "$t0" "$(now)" "$r"
fi

echo "== building the wheel (release build)" >&2
t0=$(now)
CARGO_TARGET_DIR="$target_dir" python3 -m pip wheel --quiet --no-deps --wheel-dir "$work/wheels" .
record "pip wheel . (build, not a user step)" "$t0" "$(now)" "$(basename "$work"/wheels/inboxlint-*.whl)"
wheel="$(ls "$work"/wheels/inboxlint-*.whl)"
bin="$target_dir/release/inboxlint"
[ -x "$bin" ] || { echo "no release binary at $bin after the wheel build" >&2; exit 1; }

# pip: a fresh venv, the wheel, a lint.
t0=$(now)
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --no-index "$wheel"
t1=$(now)
PATH="$work/venv/bin:$PATH" first_lint inboxlint && r="ok (venv + pip install $(secs "$t1" "$(now)") s lint)" || { r=FAILED; failed=1; }
record "pip: venv + install wheel + lint" "$t0" "$(now)" "$r"

# npm: launcher + this platform's package, packed as they would be published.
if command -v npm > /dev/null; then
  case "$(uname -s) $(uname -m)" in
    "Linux x86_64") platform=linux-x64 ;;
    "Linux aarch64") platform=linux-arm64 ;;
    "Darwin arm64") platform=darwin-arm64 ;;
    "Darwin x86_64") platform=darwin-x64 ;;
    *) platform="" ;;
  esac
  if [ -n "$platform" ]; then
    scripts/npm-stage.sh --out "$work/npm" "$platform=$bin" > /dev/null
    (cd "$work/npm/inboxlint" && npm pack --silent --pack-destination "$work" > /dev/null)
    (cd "$work/npm/cli-$platform" && npm pack --silent --pack-destination "$work" > /dev/null)
    mkdir -p "$work/npm-project"
    echo '{"name": "scratch", "private": true}' > "$work/npm-project/package.json"
    t0=$(now)
    (cd "$work/npm-project" && npm install --offline --no-audit --no-fund --loglevel=error \
      "$work"/inboxlint-[0-9]*.tgz "$work"/inboxlint-cli-"$platform"-*.tgz)
    first_lint "$work/npm-project/node_modules/.bin/inboxlint" && r=ok || { r=FAILED; failed=1; }
    record "npm install (launcher + $platform) + lint" "$t0" "$(now)" "$r"
  fi
fi

# The Action's install script against the archive dist.sh makes, from a loopback server.
archive="$(scripts/dist.sh --bin "$bin" --out "$work/release" 2> /dev/null)"
target="$(basename "$archive" .tar.gz)"
target="${target#inboxlint-}"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$work/release" > "$work/http.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 300); do
  port="$(sed -n 's/.* port \([0-9]*\) .*/\1/p' "$work/http.log" | head -n 1)"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "http.server did not start" >&2; exit 1; }
# dist.sh could not make a musl archive here; serve the one it made under the name the
# script asks for on this runner, so the real download-verify-unpack path runs.
arch_label=X64
[ "$(uname -m)" = x86_64 ] || arch_label=ARM64
action() {
  RUNNER_OS=Linux RUNNER_ARCH="$arch_label" VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)" \
    INSTALL_ROOT="$work/tool-cache" INBOXLINT_RELEASE_URL="http://127.0.0.1:$port" bash scripts/action-install.sh
}
want="$(uname -m | sed 's/arm64/aarch64/')-unknown-linux-musl"
if [ "$target" != "$want" ]; then
  (cd "$work/release" && mv "inboxlint-$target.tar.gz" x.tar.gz && mkdir -p r && tar -xzf x.tar.gz -C r &&
    mv "r/inboxlint-$target" "r/inboxlint-$want" && tar -C r -czf "inboxlint-$want.tar.gz" "inboxlint-$want" &&
    rm -rf r x.tar.gz "inboxlint-$target.tar.gz.sha256" && sha256sum "inboxlint-$want.tar.gz" > checksums.txt)
fi
t0=$(now)
action > "$work/action1.log"
first_lint "$work/tool-cache/bin/inboxlint" && r=ok || { r=FAILED; failed=1; }
record "Action install (uncached archive) + lint" "$t0" "$(now)" "$r"
t0=$(now)
action > "$work/action2.log"
grep -q 'restored from cache' "$work/action2.log" && first_lint "$work/tool-cache/bin/inboxlint" && r=ok || { r=FAILED; failed=1; }
record "Action install (cached) + lint" "$t0" "$(now)" "$r"

# pre-commit: the mirror as its own repository, the wheel dependency from the wheel built here.
if command -v pre-commit > /dev/null; then
  mkdir -p "$work/mirror"
  cp -R precommit-mirror/. "$work/mirror/"
  git -C "$work/mirror" init -q
  git -C "$work/mirror" add -A
  git -C "$work/mirror" -c user.name=t -c user.email=t@example.invalid -c commit.gpgsign=false commit -qm mirror
  t0=$(now)
  if PRE_COMMIT_HOME="$work/pre-commit-home" PIP_FIND_LINKS="$work/wheels" \
    "${SHARED_TOOLS:-../shared/tools}/precommit_check.sh" "$work/mirror" inboxlint > "$work/precommit.log" 2>&1; then
    r="ok (bad fails, good passes)"
  else
    r=FAILED; failed=1
  fi
  cat "$work/precommit.log" >&2
  record "pre-commit python hook (fresh env, 2 runs)" "$t0" "$(now)" "$r"
fi

printf '\n%-36s %9s  %s\n' channel time result
printf '%s\n' "${results[@]}"
[ "$keep" = 0 ] || echo "kept: $work"
exit "$failed"
