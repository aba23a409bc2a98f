#!/usr/bin/env bash
# The last part of `make bench` (or alone: ops/bench-replica.sh BIN): on the cluster of
# ops/cluster.sh (the demo and ops/bench-volume.sql's 100 000 candidates in Cahors, a streaming
# replica, two servers behind HAProxy), observers read their dashboards — each request another
# twelve months, so every figure is computed — while employers submit needs, at the same time,
# through HAProxy: once with the observers on the replica, once with everything on the primary.
# Prints both workloads of both runs. The cluster is deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:?the server binary}
duration=${BENCH_DURATION:-10s}
export RENFORT_BIN=$bin
ops/cluster.sh reset >/dev/null 2>&1 || true
ops/cluster.sh start >/dev/null
trap 'ops/cluster.sh reset >/dev/null 2>&1 || true' EXIT
eval "$(ops/cluster.sh env)"
psql -X -q -v ON_ERROR_STOP=1 "$CLUSTER_PRIMARY_URL" -f ops/bench-volume.sql >/dev/null
psql -X -q "$CLUSTER_PRIMARY_URL" -c "VACUUM (ANALYZE)" 2>&1 | grep -v "only superuser" || true
# Wait for the replica to have replayed the load.
for _ in $(seq 1 120); do
    [ "$(psql -X -At "$CLUSTER_REPLICA_URL" -c "SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()")" = t ] && break
    sleep 0.5
done
jar=$(mktemp)
session_of() {
    rm -f "$jar"
    local csrf
    csrf=$(curl -s -c "$jar" -b "$jar" "$CLUSTER_HTTP/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
    curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" --data-urlencode "email=$1" \
        --data-urlencode "password=demo-renfort-2026" "$CLUSTER_HTTP/login"
    awk '$6 == "renfort_session" {print "renfort_session=" $7}' "$jar"
}
field_of() { grep -o "name=\"$1\" value=\"[^\"]*\"" | head -1 | sed 's/.*value="//;s/"$//'; }
observer=$(session_of observateur@dreets.renfort.test)
employer=$(session_of employeur1@cahors.renfort.test)
form=$(curl -s -H "Cookie: $employer" "$CLUSTER_HTTP/c/cahors/besoins/nouveau")
vary=$(mktemp --suffix=.lua)
cat >"$vary" <<LUA
local threads = 0
function setup(thread) threads = threads + 1; thread:set("id", threads) end
local n = 0
request = function()
  n = n + 1
  local start = 1672531200 + ((n * 2 + id) % 1080) * 86400
  return wrk.format(nil, wrk.path .. "?du=" .. os.date("!%Y-%m-%d", start) .. "&au=" .. os.date("!%Y-%m-%d", start + 364 * 86400))
end
LUA
post=$(mktemp --suffix=.lua)
cat >"$post" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "$employer"
local body = "_csrf=$(echo "$form" | field_of _csrf)&title=Plongeur&description=Plonge+et+entretien&contract_kind=cdi&full_time=oui&hours_per_week=35&positions=1&wished_start=$(date -d '+30 days' +%F)&place_name=Cahors&newly_created=creation&hard_to_fill=non&pay_min=1900&pay_max=2000"
local threads = 0
function setup(thread) threads = threads + 1; thread:set("id", threads) end
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, body .. string.format("&_form=replica$(date +%s%N)t%04dn%010d", id, n))
end
LUA
mix() {
    echo
    echo "== $1: observers (8 connections) and employers (8 connections) at once, $duration, through HAProxy"
    wrk -t1 -c8 -d"$duration" --latency -s "$vary" -H "Cookie: $observer" "$CLUSTER_HTTP/observateur" > "$jar.observers" &
    wrk -t1 -c8 -d"$duration" --latency -s "$post" "$CLUSTER_HTTP/c/cahors/besoins" > "$jar.employers"
    wait
    echo "   observers: GET /observateur, each request another twelve months"
    grep -E 'Requests/sec|50%|99%|Non-2xx' "$jar.observers" | sed 's/^/   /'
    echo "   employers: POST /c/cahors/besoins, a new need each time"
    grep -E 'Requests/sec|50%|99%|Non-2xx' "$jar.employers" | sed 's/^/   /'
}
echo "replica: $(nproc) cores; the demo and 100 000 candidates in Cahors; primary, replica, two servers, HAProxy and wrk on this machine"
mix "observers on the replica"
for n in 1 2; do ops/cluster.sh server $n stop; RENFORT_CLUSTER_REPLICA_READS=0 ops/cluster.sh server $n start; done
sleep 2
mix "everything on the primary"
rm -f "$jar" "$jar.observers" "$jar.employers" "$vary" "$post"
