#!/usr/bin/env bash
# The project's private PostgreSQL cluster, for development and tests.
#
#   ops/dev-db.sh start   install PostgreSQL 15 if missing, create the cluster,
#                         its roles and databases if missing, start it
#   ops/dev-db.sh stop    stop it
#   ops/dev-db.sh reset   stop it and delete its data
#   ops/dev-db.sh env     print the DATABASE_* variables for it (after start)
#
# Never touches the system cluster. The cluster listens on 127.0.0.1 on its own
# port (RENFORT_PG_PORT, default 54329) and on a socket in its own folder.
# As root, PostgreSQL runs as the `postgres` user with its data under
# /var/tmp/renfort-pg-<hash of this checkout> (root's home is closed to it);
# as an ordinary user, it runs as that user with its data in .pg/.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
port=${RENFORT_PG_PORT:-54329}
pgver=15
bindir=/usr/lib/postgresql/$pgver/bin

# shellcheck source=ops/postgres-as.sh
. "$here/ops/postgres-as.sh"
state=${RENFORT_PG_DIR:-$(pg_folder pg "$here/.pg")}
data=$state/data
sock=$state/socket
creds=$here/.pg-credentials

say() { echo "dev-db: $*" >&2; }

install_postgres() {
    [ -x "$bindir/initdb" ] && [ -x "$bindir/pg_ctl" ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "PostgreSQL $pgver is missing: installing it with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        # Only the server binaries: no system cluster is needed.
        mkdir -p /etc/postgresql-common
        grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf \
            || echo 'create_main_cluster = false' >> /etc/postgresql-common/createcluster.conf
        apt-get update -q >/dev/null
        apt-get install -y -q postgresql-$pgver postgresql-contrib >/dev/null
    else
        say "PostgreSQL $pgver is missing. Install it, then run this again:"
        say "    sudo apt-get install -y postgresql-$pgver postgresql-contrib"
        exit 1
    fi
}

psql_super() { as_pg "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U "$pguser" "$@"; }

running() { as_pg "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; }

ensure_credentials() {
    if [ ! -s "$creds" ]; then
        umask 077
        {
            echo "owner_password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
            echo "app_password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
        } > "$creds"
    fi
    # shellcheck disable=SC1090
    . "$creds"
}

start() {
    install_postgres
    ensure_credentials
    if [ ! -s "$data/PG_VERSION" ]; then
        say "creating the private cluster in $data"
        mkdir -p "$state"
        [ "$(id -u)" = 0 ] && chown postgres:postgres "$state" && chmod 700 "$state"
        as_pg mkdir -p "$data" "$sock"
        as_pg "$bindir/initdb" -D "$data" -U "$pguser" --auth-local=peer --auth-host=scram-sha-256 \
            -E UTF8 --locale=C.UTF-8 >/dev/null
        cat <<CONF | as_pg tee -a "$data/postgresql.conf" >/dev/null
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
max_connections = 500
shared_buffers = 256MB
fsync = on
log_min_messages = warning
CONF
    fi
    # A cluster made before for this folder (a clone made again at the same path) keeps the port
    # it was made with: RENFORT_PG_PORT wins, or the tests would look for it where it is not.
    made_for=$(as_pg sed -n 's/^port = \([0-9]*\)$/\1/p' "$data/postgresql.conf" | tail -1)
    if [ -n "$made_for" ] && [ "$made_for" != "$port" ]; then
        if running; then as_pg "$bindir/pg_ctl" -D "$data" -w -t 60 stop -m fast >/dev/null; fi
        as_pg sed -i "s/^port = $made_for\$/port = $port/" "$data/postgresql.conf"
        say "the cluster of this folder listened on port $made_for: moved to $port"
    fi
    if ! running; then
        if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
            say "port $port is taken by another server; set RENFORT_PG_PORT to a free port"
            exit 1
        fi
        as_pg "$bindir/pg_ctl" -D "$data" -l "$state/server.log" -w -t 60 start >/dev/null
        say "private cluster started on 127.0.0.1:$port"
    fi
    # The tests run in parallel, each with its own pools: 200 connections were no longer enough
    # once the suite passed 300 tests ("too many clients"). A cluster made before is raised too.
    if [ "$(psql_super -d postgres -Atc 'SHOW max_connections')" -lt 500 ]; then
        psql_super -d postgres -c "ALTER SYSTEM SET max_connections = 500" >/dev/null
        as_pg "$bindir/pg_ctl" -D "$data" -l "$state/server.log" -w -t 60 restart >/dev/null
        say "max_connections raised to 500 (cluster restarted)"
    fi
    psql_super -d postgres <<SQL
SELECT 'CREATE ROLE renfort_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'renfort_owner') \gexec
SELECT 'CREATE ROLE renfort_app' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'renfort_app') \gexec
ALTER ROLE renfort_owner LOGIN NOSUPERUSER CREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '$owner_password';
ALTER ROLE renfort_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '$app_password';
SELECT 'CREATE DATABASE renfort OWNER renfort_owner' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'renfort') \gexec
SQL
}

env_lines() {
    ensure_credentials
    echo "export DATABASE_URL='postgres://renfort_app:$app_password@127.0.0.1:$port/renfort'"
    echo "export DATABASE_OWNER_URL='postgres://renfort_owner:$owner_password@127.0.0.1:$port/renfort'"
    echo "export RENFORT_TEST_APP_URL='postgres://renfort_app:$app_password@127.0.0.1:$port/postgres'"
    echo "export RENFORT_TEST_OWNER_URL='postgres://renfort_owner:$owner_password@127.0.0.1:$port/postgres'"
}

case "${1:-}" in
    start) start ;;
    stop) if [ -s "$data/PG_VERSION" ] && running; then as_pg "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null; say "stopped"; else say "not running"; fi ;;
    reset)
        if [ -s "$data/PG_VERSION" ] && running; then as_pg "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
        rm -rf "$state" "$creds"; say "private cluster deleted" ;;
    env) env_lines ;;
    psql) shift; psql_super "$@" ;;
    *) echo "usage: ops/dev-db.sh start|stop|reset|env|psql" >&2; exit 2 ;;
esac
