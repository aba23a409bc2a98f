#!/usr/bin/env bash
# `make bench`: the release server on the demo data, loaded from loopback with wrk.
# Prints requests/s and latency for the main pages; bounded in time (about a minute).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-8089}
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-16}

if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" = 0 ]; then apt-get install -y -q wrk >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
    else echo "bench: wrk is missing: sudo apt-get install -y wrk" >&2; exit 1; fi
fi
if [ -z "${DATABASE_URL:-}" ]; then ops/dev-db.sh start; eval "$(ops/dev-db.sh env)"; fi
export DATABASE_OWNER_URL="${DATABASE_OWNER_URL:-$DATABASE_URL}"
build_log=$(mktemp)
if ! swift build -c release --product renfort >"$build_log" 2>&1; then
    grep -E "error:" -A3 "$build_log" | head -40 >&2
    echo "bench: the release build failed" >&2
    exit 1
fi
bin="$(swift build -c release --show-bin-path)/renfort"

# A database of its own: the demo plus 100 000 candidates and 5 000 applications on one need.
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_OWNER_URL" -c "DROP DATABASE IF EXISTS renfort_bench WITH (FORCE)" -c "CREATE DATABASE renfort_bench"
export DATABASE_URL="${DATABASE_URL%/*}/renfort_bench" DATABASE_OWNER_URL="${DATABASE_OWNER_URL%/*}/renfort_bench"
"$bin" migrate >/dev/null
"$bin" demo >/dev/null
echo "bench: loading 100 000 candidates and 5 000 applications…"
psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_OWNER_URL" -f ops/bench-volume.sql >/dev/null
need=$(psql -X -At "$DATABASE_OWNER_URL" -c "SELECT set_config('renfort.tenant_id', (SELECT id::text FROM centres WHERE slug = 'cahors'), false)" -c "SELECT id FROM job_needs WHERE title = 'Aide à domicile'" | tail -1)
LOG_LEVEL=warning "$bin" serve --plain-http --port "$port" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/health/live" >/dev/null && break; sleep 0.2; done

jar=$(mktemp)
sign_in() {
    rm -f "$jar"
    csrf=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
    curl -s -o /dev/null -c "$jar" -b "$jar" -w '%{time_total}' --data-urlencode "_csrf=$csrf" \
        --data-urlencode "email=$1" --data-urlencode "password=demo-renfort-2026" "http://127.0.0.1:$port/login"
}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; data: the demo + 100 000 candidates, 5 000 applications on one need"
echo "sign-in (bcrypt cost 12), one request: $(sign_in conseiller1@cahors.renfort.test) s"
cookie=$(awk '$6 == "renfort_session" {print "renfort_session=" $7}' "$jar")

run() {
    echo
    echo "== $1 ($duration, $connections connections)"
    shift
    wrk -t2 -c"$connections" -d"$duration" --latency "$@" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx'
}
run "GET /health/live" "http://127.0.0.1:$port/health/live"
run "GET /static/renfort.css" "http://127.0.0.1:$port/static/renfort.css"
run "GET /login (anonymous: creates a session row each time)" "http://127.0.0.1:$port/login"
run "GET /c/cahors/entreprises (business list, signed in)" -H "Cookie: $cookie" "http://127.0.0.1:$port/c/cahors/entreprises"
run "GET /c/cahors/besoins (needs list with filters and counts, signed in)" -H "Cookie: $cookie" "http://127.0.0.1:$port/c/cahors/besoins"
run "GET /c/cahors/candidats?q=vigne (search in 100 000 candidates)" -H "Cookie: $cookie" "http://127.0.0.1:$port/c/cahors/candidats?q=vigne"
run "GET /c/cahors/candidats?q=volume4242 (one person among 100 000)" -H "Cookie: $cookie" "http://127.0.0.1:$port/c/cahors/candidats?q=volume4242"
run "GET /c/cahors/candidats?page=2000 (a far page)" -H "Cookie: $cookie" "http://127.0.0.1:$port/c/cahors/candidats?page=2000"
run "GET /c/cahors/besoins/$need/candidatures (board of 5 000 applications)" -H "Cookie: $cookie" "http://127.0.0.1:$port/c/cahors/besoins/$need/candidatures"
run "GET /c/cahors (adviser worklist)" -H "Cookie: $cookie" "http://127.0.0.1:$port/c/cahors"
rm -f "$jar"
