#!/usr/bin/env bash
# The browser test drives Debian's Chromium with playwright-core (which downloads no browser).
# When neither chromium nor chromium-browser is on PATH, this installs Debian's chromium with apt
# (as root, 600 s at most). Nothing here starts a service.
set -u -o pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
fail() { echo "ensure-chromium: $*" >&2; exit 1; }
command -v apt-get >/dev/null 2>&1 || fail "neither chromium nor chromium-browser is on PATH, and there is no apt-get: install Chromium, or set CHROMIUM_PATH"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "chromium is missing and installing it needs root: run 'apt-get install chromium' as root"
  SUDO="sudo -n"
fi
echo "ensure-chromium: installing Debian's chromium for the browser test (about 100 MB)"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
# A fresh machine may have no package lists yet; update once when the package is unknown.
if ! apt-cache show chromium >/dev/null 2>&1; then
  timeout 300 $SUDO apt-get update -q >"$log" 2>&1 || { tail -5 "$log" >&2; fail "apt-get update failed: the Debian package registry could not be reached"; }
fi
start=$SECONDS
timeout 600 $SUDO apt-get install -y -q --no-install-recommends chromium >"$log" 2>&1
rc=$?
if [ "$rc" -ne 0 ]; then
  tail -5 "$log" >&2
  fail "apt-get install chromium failed (exit $rc): the Debian package registry could not be reached or the install timed out (600 s)"
fi
rm -f "$log"
command -v chromium >/dev/null 2>&1 || fail "chromium is still not on PATH after the install"
echo "ensure-chromium: $(chromium --version 2>/dev/null | head -1) installed in $((SECONDS - start)) s"
