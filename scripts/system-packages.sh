#!/usr/bin/env bash
# Installs the Debian packages the tests run for real, when they are missing: zsh (setup.sh
# is sourced under it), docker-compose (checks the compose file without a Docker engine),
# victoria-metrics (the oracle for the receiver's PromQL), chromium (the receiver's page).
# Needs root and apt-get; says so in one line and fails otherwise.
set -euo pipefail
packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(zsh docker-compose victoria-metrics chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "system-packages: the tests need the Debian packages ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "system-packages: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
fail() { tail -n 20 "$log" >&2; echo "system-packages: $1" >&2; exit 1; }
apt-get update -qq >"$log" 2>&1 || fail "apt-get update failed; cannot install ${missing[*]}"
apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1 || fail "apt-get install ${missing[*]} failed"
