#!/usr/bin/env bash
# Part of `make bench`: the purge of 100 000 candidate records past their date, timed, in a
# database of its own (renfort_purge: the demo, then 100 000 expired records in its Cahors centre,
# a fifth of them with an application and its events, a tenth with a document and a message).
# `renfort purge` shows its progress as it goes; the demo's own records (dates to come) stay.
# Usage: ops/bench-purge.sh BIN (with DATABASE_URL and DATABASE_OWNER_URL of the private cluster).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1
db=${BENCH_PURGE_DB:-renfort_purge}
count=${BENCH_PURGE_COUNT:-100000}
owner="${DATABASE_OWNER_URL%/*}/$db"
psql -X -q -v ON_ERROR_STOP=1 "${DATABASE_OWNER_URL%/*}/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
export DATABASE_URL="${DATABASE_URL%/*}/$db" DATABASE_OWNER_URL="$owner"
"$bin" migrate >/dev/null
"$bin" demo >/dev/null
echo "bench-purge: loading $count records past their date in the demo's Cahors centre…"
psql -X -q -v ON_ERROR_STOP=1 "$owner" >/dev/null <<SQL
SELECT set_config('renfort.tenant_id', (SELECT id::text FROM centres WHERE slug = 'cahors'), false);
INSERT INTO candidates (tenant_id, first_name, last_name, email, phone, commune_name, skills, notes, source, wished_contracts,
                        consent_at, consent_scope, purge_after, created_at, updated_at)
SELECT current_setting('renfort.tenant_id')::bigint, 'Purge', 'Expirée' || g, 'expiree' || g || '@bench.test',
       '07 ' || lpad((g % 100000000)::text, 8, '0'), 'Cahors', 'cuisine', 'notes ' || g, 'france_travail', ARRAY['cdi'],
       current_date - 800, 'autres postes', current_date - 1 - g % 60, now() - interval '800 days', now() - interval '800 days'
FROM generate_series(1, $count) AS g;
INSERT INTO applications (tenant_id, need_id, candidate_id, stage, employer_note, created_at, last_move_at)
SELECT c.tenant_id, (SELECT id FROM job_needs WHERE title = 'Aide à domicile'), c.id, 'rejected', 'vu', c.created_at, c.created_at
FROM candidates c WHERE c.email LIKE 'expiree%@bench.test' AND c.id % 5 = 0;
INSERT INTO application_events (tenant_id, application_id, at, from_stage, to_stage, comment)
SELECT a.tenant_id, a.id, a.created_at, NULL, 'rejected', 'Ne correspond pas'
FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE c.email LIKE 'expiree%@bench.test';
INSERT INTO candidate_documents (tenant_id, candidate_id, filename, content, size, sha256, uploaded_at)
SELECT tenant_id, id, 'cv.pdf', convert_to('%PDF-1.4 cv ' || id, 'UTF8'), 20, md5(id::text), created_at
FROM candidates WHERE email LIKE 'expiree%@bench.test' AND id % 10 = 0;
INSERT INTO candidate_messages (tenant_id, candidate_id, kind, channel, recipient, subject, body, has_attachment, sent_at, dedupe_key)
SELECT tenant_id, id, 'libre', 'email', email, 'Bonjour', 'Bonjour ' || first_name || ' ' || last_name, false, created_at, 'purge-' || id
FROM candidates WHERE email LIKE 'expiree%@bench.test' AND id % 10 = 0;
ANALYZE candidates, applications, application_events, candidate_documents, candidate_messages;
SQL
echo "bench-purge: renfort purge --dry-run"
started=$(date +%s%N)
"$bin" purge --dry-run
echo "bench-purge: dry run in $(( ($(date +%s%N) - started) / 1000000 )) ms"
echo "bench-purge: renfort purge"
started=$(date +%s%N)
"$bin" purge
elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
left=$(psql -X -At "$owner" -c "SELECT set_config('renfort.tenant_id', (SELECT id::text FROM centres WHERE slug = 'cahors'), false)" \
    -c "SELECT count(*) FROM candidates WHERE email LIKE 'expiree%@bench.test' OR last_name LIKE 'Expirée%'" | tail -1)
echo "bench-purge: $count records purged in $elapsed ms ($(( count * 1000 / (elapsed > 0 ? elapsed : 1) )) a second); records still named: $left"
