#!/usr/bin/env bash
# `make bench`: the release server on the demo data plus a large data set (ops/bench-large.sql:
# 50 centres, 10 000 businesses, 201 000 candidates, 1 million applications, 100 000 placements
# and their check-ins), loaded from loopback with wrk. Prints requests/s and p50/p99 latency for
# each page with the data size. About ten minutes after the release build; BENCH_ONLY=large
# skips the demo-sized runs.
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
# BENCH_BIN: a server binary built beforehand (to measure an earlier version beside this one).
if [ -n "${BENCH_BIN:-}" ]; then
    bin=$BENCH_BIN
else
    ops/build-deps.sh
    build_log=$(mktemp)
    if ! swift build -c release --product renfort >"$build_log" 2>&1; then
        grep -E "error:" -A3 "$build_log" | head -40 >&2
        echo "bench: the release build failed" >&2
        exit 1
    fi
    bin="$(swift build -c release --show-bin-path)/renfort"
fi

# A database of its own: the demo, 100 000 more candidates and 5 000 applications on one of its
# needs, and the large data set of 50 more centres. BENCH_REUSE=1 keeps the one a previous run
# generated (only the new migrations are applied): two or three minutes saved per run.
# BENCH_DB names another database (a copy of an earlier version's, for BENCH_BIN).
bench_db=${BENCH_DB:-renfort_bench}
bench_url="${DATABASE_OWNER_URL%/*}/$bench_db"
if [ "${BENCH_REUSE:-}" = 1 ] && [ "$(psql -X -At "$bench_url" -c "SELECT count(*) >= 50 FROM centres" 2>/dev/null)" = t ]; then
    export DATABASE_URL="${DATABASE_URL%/*}/$bench_db" DATABASE_OWNER_URL="$bench_url"
    echo "bench: reusing the database $bench_db of a previous run"
    "$bin" migrate >/dev/null
else
    psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_OWNER_URL" -c "DROP DATABASE IF EXISTS $bench_db WITH (FORCE)" -c "CREATE DATABASE $bench_db"
    export DATABASE_URL="${DATABASE_URL%/*}/$bench_db" DATABASE_OWNER_URL="$bench_url"
    "$bin" migrate >/dev/null
    "$bin" demo >/dev/null
    echo "bench: loading 100 000 candidates and 5 000 applications in the demo's Cahors centre…"
    psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_OWNER_URL" -f ops/bench-volume.sql >/dev/null
    echo "bench: generating the large data set (two to three minutes)…"
    started=$(date +%s)
    psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_OWNER_URL" -f ops/bench-large.sql 2>&1 | grep -E "^(psql:.*)?NOTICE|ERROR" | sed 's/.*NOTICE: *//'
    echo "bench: data set generated in $(( $(date +%s) - started )) s"
fi
# The funnel's rollup (schema 0008) must equal the recomputation from the events.
mismatches=$(psql -X -At "$DATABASE_OWNER_URL" -c "SELECT set_config('renfort.tenant_id', (SELECT id::text FROM centres WHERE slug = 'bench-01'), false)" -c "
    SELECT count(*) FILTER (WHERE a.furthest_rank <> greatest(stage_rank(a.stage), coalesce(
        (SELECT max(stage_rank(e.to_stage)) FROM application_events e WHERE e.tenant_id = a.tenant_id AND e.application_id = a.id), 1))) || ' of ' || count(*)
    FROM applications a" | tail -1)
echo "bench: funnel rollup differing from the events in bench-01: $mismatches applications"
# So must the stage counts of every need (schema 0014) a recount of the applications.
differing=$(psql -X -At "$DATABASE_OWNER_URL" -c "SELECT set_config('renfort.tenant_id', (SELECT id::text FROM centres WHERE slug = 'bench-01'), false)" -c "
    SELECT count(*) FROM (SELECT need_id, stage, count(*)::int AS n FROM applications GROUP BY 1, 2) r
    FULL JOIN (SELECT need_id, stage, applications AS n FROM need_stage_counts WHERE applications <> 0) k USING (need_id, stage)
    WHERE r.n IS DISTINCT FROM k.n" | tail -1)
echo "bench: stage counts differing from a recount in bench-01: $differing (need, stage) pairs"
# Where the funnel's counts per day (schema 0016) and the placements' copies of their candidate's
# source and commune (0015) are kept, each must equal a recount.
if [ "$(psql -X -At "$DATABASE_OWNER_URL" -c "SELECT to_regclass('funnel_days') IS NOT NULL")" = t ]; then
    # And the funnel's counts per day (schema 0016) a recount of the applications.
    days=$(psql -X -At "$DATABASE_OWNER_URL" -c "SELECT set_config('renfort.tenant_id', (SELECT id::text FROM centres WHERE slug = 'bench-01'), false)" -c "
        SELECT count(*) FILTER (WHERE r IS DISTINCT FROM k) || ' of ' || count(*) FROM (
            SELECT (created_at AT TIME ZONE 'Europe/Paris')::date AS day,
                   ARRAY[$(for r in 1 2 3 4 5 6; do printf "count(*) FILTER (WHERE furthest_rank = $r)::int%s" "$([ $r = 6 ] || echo ,)"; done)] AS r
            FROM applications GROUP BY 1) recount
        FULL JOIN (SELECT day, ARRAY[furthest_1, furthest_2, furthest_3, furthest_4, furthest_5, furthest_6] AS k FROM funnel_days
                   WHERE ARRAY[furthest_1, furthest_2, furthest_3, furthest_4, furthest_5, furthest_6] <> '{0,0,0,0,0,0}') kept USING (day)" | tail -1)
    echo "bench: funnel days differing from a recount in bench-01: $days days"
    # And each placement's copy of its candidate's source and commune (schema 0015) the candidate's.
    copies=$(psql -X -At "$DATABASE_OWNER_URL" -c "SELECT set_config('renfort.tenant_id', (SELECT id::text FROM centres WHERE slug = 'bench-01'), false)" -c "
        SELECT count(*) FILTER (WHERE p.candidate_source <> c.source OR p.candidate_commune <> c.commune_name) || ' of ' || count(*)
        FROM placements p JOIN candidates c ON c.tenant_id = p.tenant_id AND c.id = p.candidate_id" | tail -1)
    echo "bench: placements whose copy of the candidate's source and commune differs in bench-01: $copies"
fi
# Measure a settled database, as a server's usually is, not one still writing out the
# gigabyte just generated: vacuum (hint bits, visibility maps, statistics), then a checkpoint
# (on the private cluster, where we are superuser). Without this, autovacuum and the spread
# checkpoint ran under the first minutes of the runs (the applications list's p99 at 64 ms
# in one run, 20 ms in the next).
echo "bench: settling the data set (VACUUM ANALYZE, then a checkpoint)…"
settled=$(date +%s)
psql -X -q "$DATABASE_OWNER_URL" -c "VACUUM (ANALYZE)" 2>&1 | grep -v "only superuser can vacuum it" || true
ops/dev-db.sh psql -d "$bench_db" -c CHECKPOINT 2>/dev/null || echo "bench: no checkpoint (the database is not on the private cluster)"
echo "bench: settled in $(( $(date +%s) - settled )) s"
sizes=$(psql -X -At -F ' ' "$DATABASE_OWNER_URL" -c "SELECT (SELECT count(*) FROM centres), pg_size_pretty(pg_database_size(current_database()))")
need=$(psql -X -At "$DATABASE_OWNER_URL" -c "SELECT set_config('renfort.tenant_id', (SELECT id::text FROM centres WHERE slug = 'cahors'), false)" -c "SELECT id FROM job_needs WHERE title = 'Aide à domicile'" | tail -1)
LOG_LEVEL=warning RENFORT_API_RATE_LIMIT=100000000 "$bin" serve --plain-http --port "$port" &
server=$!
# Stop the server at the end as systemd does, with SIGTERM, and say how long it took; if it
# is still running 15 s later, kill it and say so (the run then fails).
stop_server() {
    kill -0 "$server" 2>/dev/null || return 0
    local asked status=0
    asked=$(date +%s%N)
    kill -TERM "$server"
    for _ in $(seq 150); do
        if ! kill -0 "$server" 2>/dev/null; then
            wait "$server" || status=$?
            echo "bench: the server stopped $(( ($(date +%s%N) - asked) / 1000000 )) ms after SIGTERM (exit status $status)"
            return 0
        fi
        sleep 0.1
    done
    kill -KILL "$server" 2>/dev/null || true
    echo "bench: the server was still running 15 s after SIGTERM: killed with SIGKILL" >&2
    exit 1
}
trap stop_server EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/health/live" >/dev/null && break; sleep 0.2; done

jar=$(mktemp)
sign_in() {
    rm -f "$jar"
    csrf=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
    curl -s -o /dev/null -c "$jar" -b "$jar" -w '%{time_total}' --data-urlencode "_csrf=$csrf" \
        --data-urlencode "email=$1" --data-urlencode "password=demo-renfort-2026" "http://127.0.0.1:$port/login"
}
session_of() { sign_in "$1" >/dev/null; awk '$6 == "renfort_session" {print "renfort_session=" $7}' "$jar"; }
field_of() { grep -o "name=\"$1\" value=\"[^\"]*\"" | head -1 | sed 's/.*value="//;s/"$//'; }
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "data: $(set -- $sizes; echo "$1 centres, database $2 $3"): the demo + 100 000 candidates in Cahors; 50 centres with 10 000 businesses,"
echo "      201 000 candidates, 100 000 needs, 1 005 000 applications (2.4 million events), 106 000 placements, 565 000 check-ins"
echo "sign-in (bcrypt cost 12), one request: $(sign_in conseiller1@cahors.renfort.test) s"
cookie=$(awk '$6 == "renfort_session" {print "renfort_session=" $7}' "$jar")

run() {
    echo
    echo "== $1 ($duration, $connections connections)"
    shift
    wrk -t2 -c"$connections" -d"$duration" --latency "$@" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx'
}
if [ "${BENCH_ONLY:-}" != large ]; then
run "GET /health/live" "http://127.0.0.1:$port/health/live"
run "GET /static/renfort.css" "http://127.0.0.1:$port/static/renfort.css"
run "GET /login (anonymous: creates a session row each time)" "http://127.0.0.1:$port/login"
run "GET /c/cahors/entreprises (business list, signed in)" -H "Cookie: $cookie" "http://127.0.0.1:$port/c/cahors/entreprises"
run "GET /c/cahors/besoins (needs list with filters and counts, signed in)" -H "Cookie: $cookie" "http://127.0.0.1:$port/c/cahors/besoins"
run "GET /c/cahors/candidats?q=vigne (search in 100 000 candidates)" -H "Cookie: $cookie" "http://127.0.0.1:$port/c/cahors/candidats?q=vigne"
run "GET /c/cahors/candidats?q=volume4242 (one person among 100 000)" -H "Cookie: $cookie" "http://127.0.0.1:$port/c/cahors/candidats?q=volume4242"
# A far page: the one after the 50 000th record by name, as its « Page suivante » link reads it.
far=$(psql -X -At "$DATABASE_OWNER_URL" -c "SELECT set_config('renfort.tenant_id', (SELECT id::text FROM centres WHERE slug = 'cahors'), false)" \
    -c "SELECT id FROM candidates WHERE merged_into IS NULL AND erased_at IS NULL ORDER BY last_name, first_name, id OFFSET 49999 LIMIT 1" | tail -1)
run "GET /c/cahors/candidats?apres=$far&page=2001 (a far page, after the 50 000th by name)" -H "Cookie: $cookie" "http://127.0.0.1:$port/c/cahors/candidats?apres=$far&page=2001"
run "GET /c/cahors/besoins/$need/candidatures (board of 5 000 applications)" -H "Cookie: $cookie" "http://127.0.0.1:$port/c/cahors/besoins/$need/candidatures"
run "GET the applications of a Cahors need, 20 a page of 5 000, at one stage (page 10)" -H "Cookie: $cookie" \
    "http://127.0.0.1:$port/c/cahors/besoins/$need/candidatures?vue=liste&etape=interview&page=10"
run "GET /c/cahors (adviser worklist)" -H "Cookie: $cookie" "http://127.0.0.1:$port/c/cahors"
run "GET the pool's matches for a Cahors need (K1304, 14 000 candidates of its family among 100 000)" -H "Cookie: $cookie" \
    "http://127.0.0.1:$port/c/cahors/besoins/$need/vivier"
fi

# The large data set: bench-01 has 200 businesses, ~2 100 placements, ~20 000 applications.
echo
echo "== large data set: dashboards at 8 connections, the adviser's pages at 16"
adviser=$(session_of conseiller@bench.test)
observer=$(session_of observateur@bench.test)
employer=$(session_of employeur@bench.test)
# A personal API token for the observer, created on the profile page as a person would.
profile=$(curl -s -H "Cookie: $observer" "http://127.0.0.1:$port/profil")
token=$(curl -s -H "Cookie: $observer" --data-urlencode "_csrf=$(echo "$profile" | field_of _csrf)" --data-urlencode "_form=$(echo "$profile" | field_of _form)" \
    --data-urlencode "name=bench $(date +%s)" "http://127.0.0.1:$port/profil/jetons" | grep -o 'rnf_[A-Za-z0-9_-]*' | head -1)
witness=$(psql -X -At "$DATABASE_OWNER_URL" -c "SELECT set_config('renfort.tenant_id', (SELECT id::text FROM centres WHERE slug = 'bench-01'), false)" \
    -c "SELECT id FROM job_needs WHERE title LIKE 'Besoin témoin%'" | tail -1)
connections=8
run "observer: GET /c/bench-01/tableau-de-bord (the dashboard, last 12 months)" -H "Cookie: $observer" "http://127.0.0.1:$port/c/bench-01/tableau-de-bord"
run "observer: GET /c/bench-01/tableau-de-bord?du=2023-01-01&secteur=I&contrat=cdi (filtered, four years)" -H "Cookie: $observer" "http://127.0.0.1:$port/c/bench-01/tableau-de-bord?du=2023-01-01&secteur=I&contrat=cdi"
run "observer: GET /c/bench-01/tableau-de-bord/export/entreprises (per-business table, CSV)" -H "Cookie: $observer" "http://127.0.0.1:$port/c/bench-01/tableau-de-bord/export/entreprises"
run "observer: GET /observateur (5 centres side by side and their total)" -H "Cookie: $observer" "http://127.0.0.1:$port/observateur"
run "API, token: GET /api/v1/centres/bench-01/metrics" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/centres/bench-01/metrics"
run "API, token: GET /api/v1/metrics (5 centres)" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/metrics"
# The same home while its centres change: a placement of one of the five centres is updated
# five times a second (each centre once a second), so each centre's figures are computed again
# about once a second, by the first request that asks after the change.
changes() {
    for _ in $(seq 12); do
        for centre in 01 02 03 04 05; do
            echo "BEGIN; SELECT set_config('renfort.tenant_id', (SELECT id::text FROM centres WHERE slug = 'bench-$centre'), true);"
            echo "UPDATE placements SET hours_per_week = hours_per_week WHERE id = (SELECT max(id) FROM placements); COMMIT; SELECT pg_sleep(0.2);"
        done
    done | psql -X -q -o /dev/null "$DATABASE_OWNER_URL"
}
versions_before=$(psql -X -At "$DATABASE_OWNER_URL" -c "SELECT sum(version) FROM centre_versions v JOIN centres c ON c.id = v.centre_id WHERE c.slug BETWEEN 'bench-01' AND 'bench-05'")
changes &
changer=$!
run "observer: GET /observateur while its 5 centres change (each once a second)" -H "Cookie: $observer" "http://127.0.0.1:$port/observateur"
wait "$changer"
versions_after=$(psql -X -At "$DATABASE_OWNER_URL" -c "SELECT sum(version) FROM centre_versions v JOIN centres c ON c.id = v.centre_id WHERE c.slug BETWEEN 'bench-01' AND 'bench-05'")
echo "   changes committed meanwhile: $((versions_after - versions_before))"
run "adviser: GET /c/bench-01/tableau-de-bord (with links)" -H "Cookie: $adviser" "http://127.0.0.1:$port/c/bench-01/tableau-de-bord"
# The runs above serve figures kept from their first request (the data does not change
# meanwhile; FigureStore computes again after any change). Below, every request asks for
# another period, so every figure is computed: what the first view after a change costs.
# wrk's Lua: each thread gets its own number (`id`), so that requests built from it differ.
lua_threads='local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end'
vary=$(mktemp --suffix=.lua)
cat >"$vary" <<LUA
-- The path ends with vary=<from>-<to>-<first day>: each request asks for another period of
-- about twelve months within the data set's years (2023 to 2026), each thread on its own.
$lua_threads
local n = 0
request = function()
  n = n + 1
  local from, to, first = string.match(wrk.path, "vary=(%a+)%-(%a+)%-(%d+)")
  local path = string.gsub(wrk.path, "[?&]vary=[%w-]+", "")
  local sep = string.find(path, "?", 1, true) and "&" or "?"
  local k = tonumber(first) + n * 2 + id
  local start = 1672531200 + (k % 1080) * 86400
  local length = 364 - math.floor(k / 1080)
  return wrk.format(nil, path .. sep .. from .. "=" .. os.date("!%Y-%m-%d", start) .. "&" .. to .. "=" .. os.date("!%Y-%m-%d", start + length * 86400))
end
LUA
run "observer: GET /c/bench-01/tableau-de-bord, each request another twelve months (computed every time)" -s "$vary" -H "Cookie: $observer" \
    "http://127.0.0.1:$port/c/bench-01/tableau-de-bord?vary=du-au-0"
run "observer: GET /observateur, each request another twelve months (5 centres computed every time)" -s "$vary" -H "Cookie: $observer" \
    "http://127.0.0.1:$port/observateur?vary=du-au-300"
run "API, token: GET /api/v1/metrics, each request another twelve months (5 centres computed every time)" -s "$vary" -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v1/metrics?vary=from-to-600"
rm -f "$vary"
connections=16
run "adviser: GET the applications of a need, 20 a page of 5 000, at one stage (page 10)" -H "Cookie: $adviser" \
    "http://127.0.0.1:$port/c/bench-01/besoins/$witness/candidatures?vue=liste&etape=interview&page=10"
run "adviser: GET /c/bench-01/candidats?q=vigne (search in 5 000 candidates)" -H "Cookie: $adviser" "http://127.0.0.1:$port/c/bench-01/candidats?q=vigne"
# The employer's need form: each request a new submission (its own one-time form token).
form=$(curl -s -H "Cookie: $employer" "http://127.0.0.1:$port/c/bench-01/besoins/nouveau")
lua=$(mktemp --suffix=.lua)
cat >"$lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "$employer"
local body = "_csrf=$(echo "$form" | field_of _csrf)&title=Plongeur&description=Plonge+et+entretien&contract_kind=cdi&full_time=oui&hours_per_week=35&positions=1&wished_start=$(date -d '+30 days' +%F)&place_name=Cahors&newly_created=creation&hard_to_fill=non&pay_min=1900&pay_max=2000"
-- Each wrk thread numbers its own submissions: a form token never sent twice (the run's
-- start time keeps them apart from an earlier run's).
$lua_threads
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, body .. string.format("&_form=bench$(date +%s)t%04dn%010d", id, n))
end
LUA
before=$(psql -X -At "$DATABASE_OWNER_URL" -c "SELECT set_config('renfort.tenant_id', (SELECT id::text FROM centres WHERE slug = 'bench-01'), false)" -c "SELECT count(*) FROM job_needs" | tail -1)
run "employer: POST /c/bench-01/besoins (a new need each time)" -s "$lua" "http://127.0.0.1:$port/c/bench-01/besoins"
after=$(psql -X -At "$DATABASE_OWNER_URL" -c "SELECT set_config('renfort.tenant_id', (SELECT id::text FROM centres WHERE slug = 'bench-01'), false)" -c "SELECT count(*) FROM job_needs" | tail -1)
echo "   needs created: $((after - before))"
rm -f "$jar" "$lua"
# Observers on a streaming replica while employers write on the primary, against the same mix
# with everything on the primary (ops/bench-replica.sh; BENCH_REPLICA=0 skips it).
stop_server
if [ "${BENCH_REPLICA:-1}" != 0 ]; then ops/bench-replica.sh "$bin"; fi
# The purge of 100 000 records past their date (ops/bench-purge.sh; BENCH_PURGE=0 skips it).
if [ "${BENCH_PURGE:-1}" != 0 ]; then ops/bench-purge.sh "$bin"; fi
