#!/usr/bin/env bash
# Builds the VS Code extension into inboxlint.vsix, offline apart from `npm ci` fetching the
# locked dependencies, and checks the package holds the compiled extension. .ci/run calls it.
# Optional: BUNDLE_BIN=/path/to/inboxlint bundles that binary in bin/ (platform-specific vsix).
set -euo pipefail
cd "$(dirname "$0")"
rm -rf out bin inboxlint.vsix
npm ci --no-audit --no-fund --loglevel=error
npm run compile --silent
if [ -n "${BUNDLE_BIN:-}" ]; then
  mkdir -p bin
  cp "$BUNDLE_BIN" bin/
fi
npx --no-install vsce package --out inboxlint.vsix > vsce.log 2>&1 || { cat vsce.log >&2; exit 1; }
rm -f vsce.log
# A .vsix is a zip: the manifest and the compiled entry point must be in it.
listing="$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' inboxlint.vsix)"
for f in extension/package.json extension/out/extension.js extension/node_modules/vscode-languageclient/package.json; do
  grep -qx "$f" <<< "$listing" || { echo "build.sh: $f missing from inboxlint.vsix" >&2; exit 1; }
done
echo "vsix: $(pwd)/inboxlint.vsix ($(wc -c < inboxlint.vsix | tr -d ' ') bytes)"
