#!/usr/bin/env bash
# System packages the tests start on loopback: PostgreSQL (answer log, review and shared state on
# a real server), redis-server (shared state in Redis) and nginx (the loopback cluster test).
# Installed from Debian with apt-get when missing (CI runs as root); otherwise the tests that
# need them skip with the reason, except under CI, where they fail.
set -euo pipefail
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 \
    || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
if [ ${#missing[@]} -eq 0 ]; then
    echo "test servers: postgresql, redis-server and nginx are installed"
    exit 0
fi
echo "test servers: installing ${missing[*]} from Debian (apt-get) for the database, Redis and cluster tests"
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
    command -v sudo >/dev/null 2>&1 || { echo "test servers: not root and no sudo: the tests that need ${missing[*]} will skip"; exit 0; }
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# policy-rc.d: install only, do not start the system services (the tests start their own)
made_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
    $SUDO sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
    made_policy=1
fi
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
[ -z "$made_policy" ] || $SUDO rm -f /usr/sbin/policy-rc.d
echo "test servers: installed ${missing[*]}"
