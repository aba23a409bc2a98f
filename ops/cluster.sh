#!/usr/bin/env bash
# Renfort beyond one machine, on this one machine: a PostgreSQL primary that archives its
# WAL, a streaming replica of it, two `renfort serve` processes and HAProxy in front of them
# (ops/haproxy-renfort.cfg), on the demo data.
#
#   ops/cluster.sh start     create what is missing, start it all, print where to connect
#   ops/cluster.sh stop      stop it all (the data stays; start again reuses it)
#   ops/cluster.sh reset     stop it all and delete its data
#   ops/cluster.sh status    what runs
#   ops/cluster.sh promote   fail-over: promote the replica and point HAProxy's primary at it
#   ops/cluster.sh env       the variables of the pieces (ports, URLs, folders), for scripts
#   ops/cluster.sh server N start|stop|kill   one web server (1 or 2)
#   ops/cluster.sh pg primary|replica start|stop|kill   one PostgreSQL server
#
# Only PostgreSQL's own streaming replication, pg_basebackup and WAL archiving, and HAProxy
# from Debian (installed with apt-get when missing). Ports: RENFORT_CLUSTER_PORT (default
# 54350) for the primary, +1 the replica, +2 HAProxy's PostgreSQL frontend; RENFORT_CLUSTER_HTTP
# (default 8180) for HAProxy's web frontend, +1 and +2 the two servers. The server binary:
# RENFORT_BIN (default: the release build, built if missing).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
pgver=15
bindir=/usr/lib/postgresql/$pgver/bin
pg_port=${RENFORT_CLUSTER_PORT:-54350}
replica_port=$((pg_port + 1))
pg_front=$((pg_port + 2))
http_port=${RENFORT_CLUSTER_HTTP:-8180}
server1=$((http_port + 1))
server2=$((http_port + 2))

# shellcheck source=ops/postgres-as.sh
. "$here/ops/postgres-as.sh"
state=${RENFORT_CLUSTER_DIR:-$(pg_folder cluster "$here/.cluster")}
creds=$state/credentials
sock=$state/socket
archive=$state/wal-archive

say() { echo "cluster: $*" >&2; }

need_packages() {
    local missing=()
    [ -x "$bindir/pg_basebackup" ] || missing+=(postgresql-$pgver postgresql-contrib)
    command -v haproxy >/dev/null || missing+=(haproxy)
    command -v socat >/dev/null || missing+=(socat)
    command -v curl >/dev/null || missing+=(curl)
    [ ${#missing[@]} = 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing ${missing[*]} with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        mkdir -p /etc/postgresql-common
        grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf \
            || echo 'create_main_cluster = false' >> /etc/postgresql-common/createcluster.conf
        apt-get install -y -q "${missing[@]}" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
        # Debian starts its own haproxy service on install: ours is started by this script.
        command -v systemctl >/dev/null && systemctl disable --now haproxy >/dev/null 2>&1 || true
    else
        say "missing: ${missing[*]}. Install them (sudo apt-get install -y ${missing[*]}), then run this again."
        exit 1
    fi
}

credentials() {
    mkdir -p "$state"
    if [ ! -s "$creds" ]; then
        umask 077
        {
            echo "owner_password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
            echo "app_password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
            echo "replication_password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
        } > "$creds"
    fi
    # shellcheck disable=SC1090
    . "$creds"
}

data_of() { echo "$state/$1/data"; }
port_of() { if [ "$1" = primary ]; then echo "$pg_port"; else echo "$replica_port"; fi; }
pg_running() { [ -s "$(data_of "$1")/PG_VERSION" ] && as_pg "$bindir/pg_ctl" -D "$(data_of "$1")" status >/dev/null 2>&1; }
pg_start() {
    pg_running "$1" || as_pg "$bindir/pg_ctl" -D "$(data_of "$1")" -l "$state/$1/server.log" -w -t 120 start >/dev/null
}
pg_stop() { pg_running "$1" && as_pg "$bindir/pg_ctl" -D "$(data_of "$1")" -m "${2:-fast}" -w stop >/dev/null || true; }
psql_on() { local port=$1; shift; as_pg "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U "$pguser" "$@"; }

init_primary() {
    local data; data=$(data_of primary)
    [ -s "$data/PG_VERSION" ] && return 0
    say "creating the primary in $data"
    mkdir -p "$state/primary" "$sock" "$archive"
    if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$state"; chmod 700 "$state"; fi
    as_pg "$bindir/initdb" -D "$data" -U "$pguser" --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    cat <<CONF | as_pg tee -a "$data/postgresql.conf" >/dev/null
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$sock'
max_connections = 200
shared_buffers = 256MB
log_min_messages = warning
# Streaming replication and point-in-time recovery.
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
wal_keep_size = 256MB
hot_standby = on
hot_standby_feedback = on
archive_mode = on
archive_command = 'test ! -f $archive/%f && cp %p $archive/%f.partial && mv $archive/%f.partial $archive/%f'
archive_timeout = 60
CONF
    echo "host replication replicator 127.0.0.1/32 scram-sha-256" | as_pg tee -a "$data/pg_hba.conf" >/dev/null
    pg_start primary
    psql_on "$pg_port" -d postgres <<SQL
CREATE ROLE replicator LOGIN REPLICATION PASSWORD '$replication_password';
CREATE ROLE renfort_owner LOGIN NOSUPERUSER CREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '$owner_password';
CREATE ROLE renfort_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '$app_password';
CREATE DATABASE renfort OWNER renfort_owner;
SELECT pg_create_physical_replication_slot('replica');
SQL
}

init_replica() {
    local data; data=$(data_of replica)
    [ -s "$data/PG_VERSION" ] && return 0
    say "creating the replica in $data (pg_basebackup of the primary)"
    as_pg mkdir -p "$state/replica"
    as_pg env PGPASSWORD="$replication_password" "$bindir/pg_basebackup" -h 127.0.0.1 -p "$pg_port" -U replicator \
        -D "$data" -X stream -S replica -R --checkpoint=fast
    # --checkpoint=fast: the default spread checkpoint paced the few pages of a fresh primary
    # over 90 s before the copy began.
    # The copied configuration is the primary's: this one listens on its own port.
    echo "port = $replica_port" | as_pg tee -a "$data/postgresql.conf" >/dev/null
}

bin() {
    if [ -n "${RENFORT_BIN:-}" ]; then echo "$RENFORT_BIN"; return; fi
    local release="$here/.build/release/renfort"
    if [ ! -x "$release" ]; then
        say "building the server in release mode (the first build takes several minutes)"
        (cd "$here" && swift build -c release --product renfort >&2)
    fi
    echo "$release"
}

app_url() { echo "postgres://renfort_app:$app_password@127.0.0.1:$1/renfort"; }
owner_url() { echo "postgres://renfort_owner:$owner_password@127.0.0.1:$1/renfort"; }

# A fake relay for mail and texts: each message a file, so that the drills count them.
fake_senders() {
    mkdir -p "$state/mail" "$state/sms"
    cat > "$state/sendmail" <<SH
#!/bin/sh
t=\$(mktemp "$state/mail/partial-XXXXXX"); cat > "\$t"; mv "\$t" "\$t.eml"
SH
    cat > "$state/send-sms" <<SH
#!/bin/sh
t=\$(mktemp "$state/sms/partial-XXXXXX"); cat > "\$t"; mv "\$t" "\$t-\$1.sms"
SH
    chmod 755 "$state/sendmail" "$state/send-sms"
}

server_pidfile() { echo "$state/server$1.pid"; }
server_port() { if [ "$1" = 1 ]; then echo "$server1"; else echo "$server2"; fi; }
server_running() { [ -s "$(server_pidfile "$1")" ] && kill -0 "$(cat "$(server_pidfile "$1")")" 2>/dev/null; }

server_start() {
    server_running "$1" && return 0
    local port; port=$(server_port "$1")
    (
        export DATABASE_URL; DATABASE_URL=$(app_url "$pg_front")
        # RENFORT_CLUSTER_REPLICA_READS=0: everything on the primary (to compare, in make bench).
        if [ "${RENFORT_CLUSTER_REPLICA_READS:-1}" != 0 ]; then export DATABASE_REPLICA_URL; DATABASE_REPLICA_URL=$(app_url "$replica_port"); fi
        export RENFORT_BASE_URL="http://127.0.0.1:$http_port" RENFORT_TRUST_FORWARDED_FOR=1 LOG_LEVEL=${LOG_LEVEL:-notice}
        export RENFORT_SENDMAIL="$state/sendmail" RENFORT_MAIL_FROM="renfort@cluster.renfort.test" RENFORT_SMS_COMMAND="$state/send-sms"
        export RENFORT_DB_WAIT_SECONDS=${RENFORT_DB_WAIT_SECONDS:-4}
        nohup "$(bin)" serve --plain-http --hostname 127.0.0.1 --port "$port" >> "$state/server$1.log" 2>&1 &
        echo $! > "$(server_pidfile "$1")"
    )
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "http://127.0.0.1:$port/health/live" 2>/dev/null && return 0
        sleep 0.2
    done
    say "server $1 did not start: see $state/server$1.log"; exit 1
}

server_stop() {
    server_running "$1" || return 0
    local pid; pid=$(cat "$(server_pidfile "$1")")
    kill -"${2:-TERM}" "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || { rm -f "$(server_pidfile "$1")"; return 0; }; sleep 0.1; done
    say "server $1 still running 15 s after SIGTERM: SIGKILL"; kill -9 "$pid" 2>/dev/null || true
    rm -f "$(server_pidfile "$1")"
}

haproxy_env() {
    export RENFORT_HTTP_BIND="127.0.0.1:$http_port" RENFORT_SERVER_1="127.0.0.1:$server1" RENFORT_SERVER_2="127.0.0.1:$server2"
    export RENFORT_PG_BIND="127.0.0.1:$pg_front" RENFORT_PG_PRIMARY="127.0.0.1:$pg_port" RENFORT_PG_STANDBY="127.0.0.1:$replica_port"
    export RENFORT_HAPROXY_SOCKET="$state/haproxy.sock"
}
haproxy_running() { [ -s "$state/haproxy.pid" ] && kill -0 "$(cat "$state/haproxy.pid")" 2>/dev/null; }
haproxy_start() {
    haproxy_running && return 0
    haproxy_env
    haproxy -c -q -f "$here/ops/haproxy-renfort.cfg"
    haproxy -D -p "$state/haproxy.pid" -f "$here/ops/haproxy-renfort.cfg" >> "$state/haproxy.log" 2>&1
}
haproxy_admin() { echo "$*" | socat stdio "unix-connect:$state/haproxy.sock"; }

start() {
    need_packages
    credentials
    init_primary
    pg_start primary
    init_replica
    pg_start replica
    fake_senders
    haproxy_start
    local b; b=$(bin)
    DATABASE_URL=$(app_url "$pg_port") DATABASE_OWNER_URL=$(owner_url "$pg_port") "$b" migrate
    DATABASE_URL=$(app_url "$pg_port") DATABASE_OWNER_URL=$(owner_url "$pg_port") "$b" demo --if-empty
    server_start 1
    server_start 2
    for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$http_port/health/ready" 2>/dev/null && break; sleep 0.2; done
    cat <<TXT
cluster: running on the demo data
  web, through HAProxy:   http://127.0.0.1:$http_port   (sign in: see the README's demo accounts)
  the two servers:        http://127.0.0.1:$server1  http://127.0.0.1:$server2
  PostgreSQL primary:     127.0.0.1:$pg_port   (the servers reach it through HAProxy: 127.0.0.1:$pg_front)
  streaming replica:      127.0.0.1:$replica_port   (observers' dashboards, CSV exports, the API)
  mail and texts sent:    $state/mail  $state/sms
  logs:                   $state/*.log
  stop:                   make cluster-stop
TXT
}

stop() {
    server_stop 1; server_stop 2
    haproxy_running && kill "$(cat "$state/haproxy.pid")" 2>/dev/null || true
    rm -f "$state/haproxy.pid"
    pg_stop replica; pg_stop primary
    say "stopped"
}

status() {
    for n in 1 2; do if server_running $n; then echo "server $n: running on $(server_port $n)"; else echo "server $n: stopped"; fi; done
    if haproxy_running; then echo "haproxy: running on $http_port (PostgreSQL frontend $pg_front)"; else echo "haproxy: stopped"; fi
    for p in primary replica; do
        if pg_running $p; then
            echo "$p: running on $(port_of $p), in recovery: $(psql_on "$(port_of $p)" -d postgres -tA -c 'SELECT pg_is_in_recovery()')"
        else echo "$p: stopped"; fi
    done
}

# Fail-over: the replica becomes the primary; HAProxy's PostgreSQL frontend then leads to it,
# and closes the connections to the old one, so the servers' pools reconnect there.
promote() {
    say "promoting the replica"
    as_pg "$bindir/pg_ctl" -D "$(data_of replica)" -w promote >/dev/null
    haproxy_admin "enable server renfort_postgres/standby" >/dev/null
    haproxy_admin "disable server renfort_postgres/primary" >/dev/null
    haproxy_admin "shutdown sessions server renfort_postgres/primary" >/dev/null
    say "the replica is the primary; HAProxy leads the servers to it"
}

env_lines() {
    credentials
    cat <<ENV
export CLUSTER_STATE='$state' CLUSTER_HTTP='http://127.0.0.1:$http_port'
export CLUSTER_SERVER1='http://127.0.0.1:$server1' CLUSTER_SERVER2='http://127.0.0.1:$server2'
export CLUSTER_PRIMARY_URL='$(owner_url "$pg_port")' CLUSTER_REPLICA_URL='$(owner_url "$replica_port")'
export CLUSTER_PRIMARY_PORT=$pg_port CLUSTER_REPLICA_PORT=$replica_port CLUSTER_SOCKET='$sock' CLUSTER_ARCHIVE='$archive'
ENV
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    reset) stop; rm -rf "$state"; say "deleted $state" ;;
    status) credentials; status ;;
    promote) promote ;;
    env) env_lines ;;
    server)
        credentials
        case "${3:-}" in
            start) server_start "$2" ;;
            stop) server_stop "$2" TERM ;;
            kill) server_stop "$2" KILL ;;
            *) echo "usage: ops/cluster.sh server 1|2 start|stop|kill" >&2; exit 2 ;;
        esac ;;
    pg)
        case "${3:-}" in
            start) pg_start "$2" ;;
            stop) pg_stop "$2" fast ;;
            kill) pg_stop "$2" immediate ;;
            *) echo "usage: ops/cluster.sh pg primary|replica start|stop|kill" >&2; exit 2 ;;
        esac ;;
    *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
