#!/usr/bin/env bash
# Makes sure Debian's chromium and chromium-driver are installed (browser tests need them).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "chromium/chromedriver missing: install the Debian packages 'chromium chromium-driver' (needs root)" >&2
  exit 0  # browser tests will skip with this message
fi
echo "installing chromium and chromium-driver from Debian's packages..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium chromium-driver >/dev/null
