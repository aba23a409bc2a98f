#!/usr/bin/env bash
# `make check-axe`: axe-core on every page of every demo role. A database of its own
# (renfort_axe, made anew: the schema and the demo), the debug server on a free loopback port,
# then ops/check-axe.py in headless Chromium. Exits non-zero on any violation.
# RENFORT_BIN names the server binary (default: the debug build's); AXE_ROLES a subset of roles.
set -euo pipefail
cd "$(dirname "$0")/.."
ops/a11y-tools.sh
python=$(ops/a11y-tools.sh path python)
export PYTHONDONTWRITEBYTECODE=1
if [ -z "${DATABASE_URL:-}" ]; then ops/dev-db.sh start; eval "$(ops/dev-db.sh env)"; fi
export DATABASE_OWNER_URL="${DATABASE_OWNER_URL:-$DATABASE_URL}"
bin=${RENFORT_BIN:-.build/debug/renfort}
[ -x "$bin" ] || { echo "check-axe: no server binary at $bin (swift build first)" >&2; exit 1; }

db=renfort_axe
log=.build/check-axe-server.log
mkdir -p .build
# The owner cannot end the server role's sessions: a previous run's may take a moment to close.
for try in $(seq 1 20); do
    PGOPTIONS="-c client_min_messages=warning" psql -X -q "$DATABASE_OWNER_URL" \
        -c "DROP DATABASE IF EXISTS $db" 2>/dev/null && break
    [ "$try" = 20 ] && { echo "check-axe: the database $db is still in use" >&2; exit 1; }
    sleep 0.5
done
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_OWNER_URL" -c "CREATE DATABASE $db"
export DATABASE_URL="${DATABASE_URL%/*}/$db" DATABASE_OWNER_URL="${DATABASE_OWNER_URL%/*}/$db"
{ "$bin" migrate && "$bin" demo; } >"$log" 2>&1 || { cat "$log" >&2; echo "check-axe: the schema or the demo failed" >&2; exit 1; }

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RENFORT_BASE_URL="http://127.0.0.1:$port" "$bin" serve --plain-http --hostname 127.0.0.1 --port "$port" >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
    kill -0 "$server" 2>/dev/null || { cat "$log" >&2; echo "check-axe: the server did not start" >&2; exit 1; }
    sleep 0.2
done
"$python" ops/check-axe.py --base "http://127.0.0.1:$port" --axe "$(ops/a11y-tools.sh path axe)" \
    --pages-out .build/check-axe-pages.txt ${AXE_ROLES:+--roles "$AXE_ROLES"} ${AXE_WIDTHS:+--widths "$AXE_WIDTHS"}
