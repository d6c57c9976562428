#!/usr/bin/env bash
# Editor set-ups with the clients this machine has: headless Neovim through
# ../shared/tools/lsp_nvim_check.sh (the built-in LSP client running `inboxlint lsp` on a bad
# template: diagnostics must arrive), and the VS Code extension packaged into a .vsix.
# Usage: scripts/editors-check.sh [BINARY]   (default: target/debug/inboxlint, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/debug/inboxlint}"
[ -x "$bin" ] || cargo build --locked --quiet
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
tools=../shared/tools
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '%s\n' '<html><body><p>Sale</p><a href="https://shop.example.com/?e={{ email }}">Shop</a></body></html>' > "$work/sale.html"
status=0
if command -v nvim > /dev/null && [ -x "$tools/lsp_nvim_check.sh" ]; then
  if LINTER="$bin" "$tools/lsp_nvim_check.sh" "$work/sale.html" --timeout 20 > "$work/nvim.out" 2> "$work/nvim.err" &&
    grep -q 'privacy/pii-in-url' "$work/nvim.out"; then
    echo "[ok  ] Neovim $(nvim --version | head -n 1 | cut -d' ' -f2): $(tail -n 1 "$work/nvim.err")"
  else
    echo "[FAIL] Neovim:"; cat "$work/nvim.out" "$work/nvim.err"; status=1
  fi
else
  echo "[skip] Neovim or $tools/lsp_nvim_check.sh not installed"
fi
if command -v npm > /dev/null; then
  if editors/vscode/build.sh > "$work/vsix.log" 2>&1; then
    echo "[ok  ] VS Code: $(tail -n 1 "$work/vsix.log")"
  else
    echo "[FAIL] VS Code extension:"; cat "$work/vsix.log"; status=1
  fi
else
  echo "[skip] npm not installed: no .vsix"
fi
exit "$status"
