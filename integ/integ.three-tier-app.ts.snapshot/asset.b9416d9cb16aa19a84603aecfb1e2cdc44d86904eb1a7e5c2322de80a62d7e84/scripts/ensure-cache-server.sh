#!/usr/bin/env bash
# The cache tests (test/cache.test.js) start a real Valkey or Redis server of their own. Debian 12
# has no Valkey, so when neither is on PATH this installs Debian's redis-server (as root, with apt).
# The tests start and stop the server themselves: nothing here starts a service.
set -u -o pipefail
if command -v valkey-server >/dev/null 2>&1 || command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
fail() { echo "ensure-cache-server: $*" >&2; exit 1; }
command -v apt-get >/dev/null 2>&1 || fail "neither valkey-server nor redis-server is on PATH, and there is no apt-get: install one of them"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "redis-server is missing and installing it needs root: run 'apt-get install redis-server' as root"
  SUDO="sudo -n"
fi
echo "ensure-cache-server: installing Debian's redis-server for the cache tests"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
# A fresh machine may have no package lists yet; update once when the package is unknown.
if ! apt-cache show redis-server >/dev/null 2>&1; then
  timeout 300 $SUDO apt-get update -q >"$log" 2>&1 || { tail -5 "$log" >&2; fail "apt-get update failed: the Debian package registry could not be reached"; }
fi
# policy-rc.d: don't start the packaged service (there may be no init system; the tests run their own).
policy=/usr/sbin/policy-rc.d
created_policy=""
if [ ! -e "$policy" ] && [ -z "$SUDO" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && created_policy=1
fi
timeout 300 $SUDO apt-get install -y -q --no-install-recommends redis-server >"$log" 2>&1
rc=$?
[ -n "$created_policy" ] && rm -f "$policy"
if [ "$rc" -ne 0 ]; then
  tail -5 "$log" >&2
  fail "apt-get install redis-server failed (exit $rc): the Debian package registry could not be reached or the install timed out"
fi
rm -f "$log"
command -v redis-server >/dev/null 2>&1 || fail "redis-server is still not on PATH after the install"
echo "ensure-cache-server: $(redis-server --version | cut -d' ' -f1-3)"
