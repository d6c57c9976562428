#!/usr/bin/env bash
# The run step of action.yml, kept in the repository so tests can run it (tests/action.rs).
#
# Inputs arrive as environment variables (never interpolated into the script, so a crafted
# input cannot inject shell code):
#   INBOXLINT_BIN           the binary (default: inboxlint on PATH)
#   INPUT_PATHS             whitespace-separated paths to lint (default: .)
#   INPUT_ARGS              extra whitespace-separated arguments for `inboxlint check`
#   INPUT_FORMAT            format printed to the log (default: github = annotations)
#   INPUT_SARIF_FILE        also write SARIF to this file (empty: do not)
#   INPUT_FAIL_ON_WARNINGS  `true`: warnings fail the step too (--max-warnings 0)
# Runner variables used: GITHUB_STEP_SUMMARY (Markdown job summary), GITHUB_OUTPUT
# (outputs `exit-code` and `sarif-file`).
# Exit status: inboxlint's (0 clean, 1 findings that fail the run, 2 usage or config errors).
set -uo pipefail

bin="${INBOXLINT_BIN:-inboxlint}"
read -r -a paths <<< "${INPUT_PATHS:-}"
[ "${#paths[@]}" -gt 0 ] || paths=(.)
read -r -a extra <<< "${INPUT_ARGS:-}"
format="${INPUT_FORMAT:-github}"
[ -n "$format" ] || format=github
sarif="${INPUT_SARIF_FILE:-}"

fail_args=()
case "${INPUT_FAIL_ON_WARNINGS:-false}" in
  true | TRUE | True | 1 | yes) fail_args=(--max-warnings 0) ;;
  false | FALSE | False | 0 | no | "") ;;
  *) echo "::error title=inboxlint action::fail-on-warnings must be true or false, not '${INPUT_FAIL_ON_WARNINGS}'"; exit 2 ;;
esac

output() {  # output NAME VALUE: a step output, when the runner asks for them
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >> "$GITHUB_OUTPUT"; fi
}

check() {  # check ARGS...: inboxlint check over the configured paths
  # The ${a[@]+...} form: bash 3.2 (macOS runners) calls an empty array unbound under set -u.
  "$bin" check "${paths[@]}" ${extra[@]+"${extra[@]}"} "$@"
}

# Side reports first, with --exit-zero: only a usage or config error (exit 2) stops here,
# and the same error will show in the log run below.
if [ -n "$sarif" ]; then
  mkdir -p "$(dirname -- "$sarif")"
  check --format sarif --exit-zero > "$sarif"
  rc=$?
  if [ "$rc" -ne 0 ]; then output exit-code "$rc"; exit "$rc"; fi
  # Absolute, so a later upload step finds it whatever its working directory.
  output sarif-file "$(cd "$(dirname -- "$sarif")" && pwd)/$(basename -- "$sarif")"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  summary="$(check --format markdown --exit-zero)"
  rc=$?
  if [ "$rc" -ne 0 ]; then output exit-code "$rc"; exit "$rc"; fi
  printf '%s\n' "$summary" >> "$GITHUB_STEP_SUMMARY"
fi

check --format "$format" ${fail_args[@]+"${fail_args[@]}"}
rc=$?
output exit-code "$rc"
exit "$rc"
