# Sourced by ops/dev-db.sh, ops/cluster.sh and ops/backup.sh: how they run PostgreSQL.
# As root, PostgreSQL runs as the `postgres` user (it refuses root, and root's home is closed
# to it) with its folders under /var/tmp; as an ordinary user, as that user, in the checkout.
if [ "$(id -u)" = 0 ]; then
    as_pg() { runuser -u postgres -- "$@"; }
    pguser=postgres
else
    as_pg() { "$@"; }
    pguser=$(id -un)
fi

# pg_folder NAME LOCAL: where a cluster of this checkout lives — as root
# /var/tmp/renfort-NAME-<hash of the checkout's path>, else LOCAL.
pg_folder() {
    if [ "$(id -u)" = 0 ]; then
        echo "/var/tmp/renfort-$1-$(printf '%s' "$here" | sha256sum | cut -c1-12)"
    else
        echo "$2"
    fi
}
