#!/usr/bin/env bash
# Installs the Chromium the HTML report's browser test drives (Debian's package; no browser download of
# Playwright's own). Idempotent: does nothing when /usr/bin/chromium (or $KSPAN_CHROMIUM) is already there.
set -euo pipefail
browser="${KSPAN_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$browser" ]; then
  echo "chromium: $("$browser" --version 2>/dev/null | head -1)"
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "install-browser: no $browser and no apt-get; install Chromium and set KSPAN_CHROMIUM to its path" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "chromium: $("$browser" --version 2>/dev/null | head -1)"
