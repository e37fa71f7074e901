#!/usr/bin/env bash
# Installs what the tests drive from Debian's packages when it is missing: chromium and
# chromium-driver (browser tests), docker-compose (validates docker-compose.yml) and Pango (PDF briefs).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
# WeasyPrint (the chair's brief as PDF) loads Pango at run time.
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "missing Debian packages: ${missing[*]} (install them as root; the tests that need them skip outside CI)" >&2
  exit 0
fi
echo "installing ${missing[*]} from Debian's packages..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq "${missing[@]}" >/dev/null
