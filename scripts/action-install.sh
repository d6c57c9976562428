#!/usr/bin/env bash
# The install step of action.yml: puts a pinned inboxlint into INSTALL_ROOT/bin.
#   VERSION        a crates.io version (`0.1.0`), or `action` to build the action's own
#                  checkout (the ref in `uses: inboxlint/inboxlint@<ref>` pins it)
#   INSTALL_ROOT   cargo install --root (cached by the action between runs)
#   ACTION_PATH    the action's checkout (for VERSION=action)
set -euo pipefail
: "${VERSION:?}" "${INSTALL_ROOT:?}"
if ! command -v cargo > /dev/null; then
  echo "::error title=inboxlint action::cargo is needed to install inboxlint (add dtolnay/rust-toolchain before this step)"
  exit 2
fi
case "$VERSION" in
  action) cargo install --locked --root "$INSTALL_ROOT" --path "${ACTION_PATH:?}" ;;
  *) cargo install --locked --root "$INSTALL_ROOT" inboxlint --version "=$VERSION" ;;
esac
