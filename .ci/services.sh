#!/usr/bin/env bash
# Start PostgreSQL, MariaDB and Redis on 127.0.0.1 and write their URLs to .ci/services.env.
set -euo pipefail
cd "$(dirname "$0")"
pg_version=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_ctlcluster "$pg_version" main start 2>/dev/null || pg_ctlcluster "$pg_version" main status >/dev/null
for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
pg_isready -h 127.0.0.1
su postgres -c "psql -q -c \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'flaskpick') THEN CREATE ROLE flaskpick LOGIN SUPERUSER PASSWORD 'flaskpick'; END IF; END \\\$\\\$;\""
su postgres -c "psql -q -tc \"SELECT 1 FROM pg_database WHERE datname = 'flaskpick'\" | grep -q 1 || createdb -O flaskpick flaskpick"

if ! mariadb-admin ping --silent 2>/dev/null; then
  mkdir -p /run/mysqld /var/lib/mysql-tmp && chown mysql:mysql /run/mysqld /var/lib/mysql-tmp
  # Its own temporary folder: MariaDB must not depend on how /tmp is mounted or permitted.
  (mariadbd-safe --bind-address=127.0.0.1 --tmpdir=/var/lib/mysql-tmp >/dev/null 2>&1 &)
  for _ in $(seq 30); do mariadb-admin ping --silent 2>/dev/null && break; sleep 1; done
fi
mariadb-admin ping
mariadb -e "CREATE DATABASE IF NOT EXISTS flaskpick; CREATE USER IF NOT EXISTS 'flaskpick'@'%' IDENTIFIED BY 'flaskpick'; CREATE USER IF NOT EXISTS 'flaskpick'@'localhost' IDENTIFIED BY 'flaskpick'; GRANT ALL ON *.* TO 'flaskpick'@'%'; GRANT ALL ON *.* TO 'flaskpick'@'localhost'; FLUSH PRIVILEGES;"

if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no
  for _ in $(seq 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done
fi
redis-cli -h 127.0.0.1 ping

cat > services.env <<'ENV'
export FLASK_PICK_TEST_POSTGRES_URL=postgresql://flaskpick:flaskpick@127.0.0.1:5432/flaskpick
export FLASK_PICK_TEST_MYSQL_URL=mysql://flaskpick:flaskpick@127.0.0.1:3306/flaskpick
export FLASK_PICK_TEST_REDIS_URL=redis://127.0.0.1:6379/0
ENV
