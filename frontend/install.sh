#!/bin/sh
# Install the browser libraries from npm (package-lock.json pins them) and copy the built
# files the pages load into app/static/vendor/ (git-ignored). Idempotent: with the locked
# packages already in node_modules it touches no network, so it also works offline.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
vendor="$here/../app/static/vendor"
cd "$here"

installed() {
  [ -f node_modules/cytoscape/package.json ] &&
    node -e 'const l=require("./package-lock.json").packages["node_modules/cytoscape"].version;
             const i=require("./node_modules/cytoscape/package.json").version;
             process.exit(l===i?0:1)'
}

if ! installed; then
  command -v npm >/dev/null || { echo "npm is missing: install Node.js (Debian: nodejs npm)" >&2; exit 1; }
  npm ci --no-audit --no-fund --loglevel=error
fi

mkdir -p "$vendor/cytoscape"
copy() {  # copy only when changed, so repeated runs leave timestamps alone
  cmp -s "$1" "$2" 2>/dev/null || cp "$1" "$2"
}
copy node_modules/cytoscape/dist/cytoscape.min.js "$vendor/cytoscape/cytoscape.min.js"
copy node_modules/cytoscape/LICENSE "$vendor/cytoscape/LICENSE"
