#!/usr/bin/env bash
# `make run`: the private database (unless DATABASE_URL is set), the schema, the demo,
# a release build, and the server on http://127.0.0.1:$PORT in plain HTTP.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null; then
    echo "run: the Swift toolchain (6.2 or later) is needed: https://www.swift.org/install/linux/" >&2
    exit 1
fi
if [ -z "${DATABASE_URL:-}" ]; then
    ops/dev-db.sh start
    eval "$(ops/dev-db.sh env)"
else
    echo "run: using DATABASE_URL; no private cluster is started"
fi
export DATABASE_URL DATABASE_OWNER_URL="${DATABASE_OWNER_URL:-$DATABASE_URL}"

echo "run: building the server in release mode (the first build takes several minutes)"
ops/build-deps.sh
swift build -c release --product renfort
bin="$(swift build -c release --show-bin-path)/renfort"

"$bin" migrate
"$bin" demo --if-empty

port=${PORT:-8080}
echo
echo "run: serving plain HTTP on http://127.0.0.1:$port — the session cookie is not marked"
echo "     Secure and there is no HSTS, since this is loopback without TLS. In production,"
echo "     run 'renfort serve' (TLS settings on by default) behind a TLS reverse proxy."
echo "     Sign in at http://127.0.0.1:$port/login ; Ctrl-C stops the server."
export RENFORT_BASE_URL="${RENFORT_BASE_URL:-http://127.0.0.1:$port}"
exec "$bin" serve --plain-http --hostname 127.0.0.1 --port "$port"
