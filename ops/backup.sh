#!/usr/bin/env bash
# Nightly logical backup of the Renfort database, kept 14 days.
#   DATABASE_OWNER_URL=postgres://… BACKUP_DIR=/var/backups/renfort ops/backup.sh
# Restore into an empty database: pg_restore --no-owner -d "$URL" renfort-YYYYMMDD.dump
set -euo pipefail
dir=${BACKUP_DIR:-/var/backups/renfort}
mkdir -p "$dir"
file="$dir/renfort-$(date +%Y%m%d-%H%M%S).dump"
pg_dump --format=custom --file="$file.partial" "${DATABASE_OWNER_URL:?set DATABASE_OWNER_URL}"
mv "$file.partial" "$file"
find "$dir" -name 'renfort-*.dump' -mtime +14 -delete
echo "backup: $file"
