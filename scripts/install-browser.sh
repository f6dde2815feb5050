#!/usr/bin/env bash
# Installs Debian's Chromium for the playground's browser test (internal/playground's
# TestPlaygroundInBrowser). Idempotent: does nothing when /usr/bin/chromium is already there.
# CI (.ci/run) calls it before the tests; run it by hand to try the test locally.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium is installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "installing chromium needs root (or sudo)" >&2; exit 1; }
  sudo="sudo"
fi

# Another apt run on the machine holds the dpkg lock for a while; wait for it instead of failing.
apt_opts=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)
export DEBIAN_FRONTEND=noninteractive
start=$(date +%s)
$sudo apt-get "${apt_opts[@]}" update -qq
$sudo apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "installed $(/usr/bin/chromium --version) in $(( $(date +%s) - start ))s"
