#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are not installed yet, e.g.
#   bash scripts/system-packages.sh victoria-metrics
# Tests that need a system program (the real VictoriaMetrics as a differential oracle) call
# this. It needs root and apt-get; when it cannot install it prints one line saying why and
# exits non-zero, so the caller can report it.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "system-packages: name at least one Debian package" >&2
  exit 2
fi

missing=()
for pkg in "$@"; do
  if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$pkg")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-packages: cannot install ${missing[*]}: apt-get is not available on this machine" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "system-packages: cannot install ${missing[*]}: must run as root (try: sudo bash $0 ${missing[*]})" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq >/dev/null 2>&1; then
  echo "system-packages: cannot install ${missing[*]}: apt-get update failed" >&2
  exit 1
fi
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  echo "system-packages: cannot install ${missing[*]}: apt-get install failed" >&2
  exit 1
fi
echo "system-packages: installed ${missing[*]}" >&2
