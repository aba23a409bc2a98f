#!/usr/bin/env bash
# Backups of the Renfort database by PostgreSQL's own means: base backups (pg_basebackup)
# and the WAL the primary archives (archive_command, see ops/cluster.sh), so that the
# database can be restored to any point in time since the oldest base kept.
#
#   ops/backup.sh base                 take a base backup into $BACKUP_DIR/base-<time>/
#   ops/backup.sh prune                keep the bases of the last $BACKUP_DAYS days (14), and
#                                      the archived WAL the oldest of them needs
#   ops/backup.sh restore DIR PORT (--time 'YYYY-MM-DD HH:MM:SS+00' | --name POINT | --latest)
#                                      restore the newest base taken before the target into
#                                      DIR, replay the archive up to the target, and start it
#                                      on PORT (as its own server, beside the primary)
#   ops/backup.sh checksums PORT       each table's row count and the md5 of its rows, sorted,
#                                      on the server listening on PORT: two equal outputs mean
#                                      two equal databases
#
# Settings: BACKUP_DIR (bases), WAL_ARCHIVE (the primary's archive folder), BACKUP_SOURCE (a
# libpq connection string of a role with REPLICATION, e.g. "host=127.0.0.1 port=54350
# user=replicator", password in PGPASSWORD or ~/.pgpass), PGSOCKET (the servers' socket
# folder, for the checksums and the restored server). As root, PostgreSQL's tools run as the
# postgres user.
set -euo pipefail
bindir=/usr/lib/postgresql/15/bin
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=ops/postgres-as.sh
. "$here/ops/postgres-as.sh"
say() { echo "backup: $*" >&2; }
dir=${BACKUP_DIR:-/var/backups/renfort}
archive=${WAL_ARCHIVE:-/var/lib/postgresql/wal-archive}

base() {
    as_pg mkdir -p "$dir"
    local target; target="$dir/base-$(date -u +%Y%m%dT%H%M%SZ)"
    # Tar format, compressed; the WAL it needs comes from the archive (-X none would leave it
    # out; fetch keeps the base usable alone too).
    as_pg env PGPASSWORD="${PGPASSWORD:-}" "$bindir/pg_basebackup" -d "${BACKUP_SOURCE:?set BACKUP_SOURCE}" -D "$target.partial" \
        -Ft -z -X fetch --checkpoint=fast --label="renfort $(date -u +%FT%TZ)"
    date -u +"%Y-%m-%d %H:%M:%S+00" | as_pg tee "$target.partial/taken_at" >/dev/null
    as_pg mv "$target.partial" "$target"
    say "base backup: $target"
    echo "$target"
}

prune() {
    local days=${BACKUP_DAYS:-14}
    find "$dir" -maxdepth 1 -name 'base-*' -type d -mtime +"$days" -exec rm -rf {} +
    local oldest; oldest=$(find "$dir" -maxdepth 1 -name 'base-*' -type d | sort | head -1)
    [ -n "$oldest" ] || { say "no base backup kept: the archive is left as it is"; return; }
    # The first WAL segment the oldest base needs, from its backup label.
    local first; first=$(tar -xzOf "$oldest/base.tar.gz" backup_label | sed -n 's/^START WAL LOCATION: .*(file \(.*\))$/\1/p')
    [ -n "$first" ] && as_pg "$bindir/pg_archivecleanup" "$archive" "$first"
    say "kept the bases of the last $days days; archive cleaned up to $first"
}

restore() {
    local into=$1 port=$2 kind=${3:-} value=${4:-}
    [ ! -e "$into/PG_VERSION" ] || { say "$into already holds a database"; exit 1; }
    local target_line
    case "$kind" in
        --time) target_line="recovery_target_time = '$value'" ;;
        --name) target_line="recovery_target_name = '$value'" ;;
        --latest) target_line="" ;;
        *) say "restore DIR PORT --time T | --name POINT | --latest"; exit 2 ;;
    esac
    # The newest base taken before a target time; for a named point or the latest, the newest base.
    local chosen=""
    for b in $(find "$dir" -maxdepth 1 -name 'base-*' -type d | sort -r); do
        if [ "$kind" = --time ] && [[ "$(cat "$b/taken_at")" > "$value" ]]; then continue; fi
        chosen=$b; break
    done
    [ -n "$chosen" ] || { say "no base backup taken before $value in $dir"; exit 1; }
    say "restoring $chosen into $into"
    as_pg mkdir -p "$into"; as_pg chmod 700 "$into"
    as_pg tar -xzf "$chosen/base.tar.gz" -C "$into"
    # The restored server is a server of its own: its own port, no archiving of its own, no replica.
    cat <<CONF | as_pg tee -a "$into/postgresql.conf" >/dev/null
port = $port
unix_socket_directories = '${PGSOCKET:-/tmp}'
archive_mode = off
restore_command = 'cp $archive/%f %p'
$target_line
recovery_target_action = 'promote'
CONF
    as_pg rm -f "$into/standby.signal" "$into/postmaster.pid"
    as_pg touch "$into/recovery.signal"
    as_pg "$bindir/pg_ctl" -D "$into" -l "$into/restore.log" -w -t 300 start >/dev/null
    for _ in $(seq 1 300); do
        [ "$(as_pg "$bindir/psql" -X -tA -h "${PGSOCKET:-/tmp}" -p "$port" -U "$pguser" -d postgres -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] && break
        sleep 0.5
    done
    say "restored and started on port $port (stop it: pg_ctl -D $into stop)"
}

checksums() {
    local port=$1
    as_pg "$bindir/psql" -X -q -tA -v ON_ERROR_STOP=1 -h "${PGSOCKET:-/tmp}" -p "$port" -U "$pguser" -d "${PGDATABASE:-renfort}" <<'SQL'
DO $$
DECLARE t record; n bigint; h text;
BEGIN
  FOR t IN SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2 LOOP
    EXECUTE format('SELECT count(*), coalesce(md5(string_agg(r::text, E''\n'' ORDER BY r::text)), '''') FROM %I.%I r', t.schemaname, t.tablename) INTO n, h;
    RAISE NOTICE '%.% % %', t.schemaname, t.tablename, n, h;
  END LOOP;
END $$;
SQL
}

case "${1:-}" in
    base) base ;;
    prune) prune ;;
    restore) shift; restore "$@" ;;
    checksums) checksums "${2:?PORT}" 2>&1 | sed 's/^NOTICE:  //' ;;
    *) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
