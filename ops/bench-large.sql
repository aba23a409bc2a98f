-- The large data set of `make bench`, added beside the demo: 50 centres (bench-01 … bench-50),
-- 10 000 businesses, 201 000 candidates, 100 000 needs, 1 005 000 applications and their
-- events, 100 000 placements and their check-ins, from January 2023 to today.
-- Bulk SQL, one committed transaction per centre, progress printed per centre.
-- Run as the owner role: row-level security applies, so each centre is set before its rows.
-- bench-01 also holds one need with 5 000 applications, and 1 000 more candidates.

CREATE OR REPLACE PROCEDURE pg_temp.bench_centre(k int, password_hash text)
LANGUAGE plpgsql AS $$
DECLARE
    c bigint;
    slug text := 'bench-' || lpad(k::text, 2, '0');
    span int := current_date - date '2023-01-01';
BEGIN
    INSERT INTO centres (slug, name, territory) VALUES (slug, 'Centre de mesure ' || k, 'Territoire ' || k) RETURNING id INTO c;
    PERFORM set_config('renfort.tenant_id', c::text, false);

    INSERT INTO businesses (tenant_id, siret, name, naf_code, headcount_band, commune_insee, commune_name, status, member_since)
    SELECT c, '8' || lpad(k::text, 3, '0') || lpad(g::text, 10, '0'), 'Entreprise ' || k || '-' || g,
           (ARRAY['56.10A','01.21Z','43.32A','01.13Z','88.10A','10.39B','55.30Z','49.41A','16.10A','10.71C','47.11B','86.90D'])[1 + g % 12],
           (ARRAY['1-9','10-49','1-9','50-249'])[1 + g % 4],
           '46' || lpad(((k * 20 + g % 20) % 900 + 1)::text, 3, '0'), 'Commune ' || (g % 20),
           'member', date '2022-06-01' + (g % 300)
    FROM generate_series(1, 200) g;

    -- Ten needs per business, submitted over the whole span; most ended, some open.
    INSERT INTO job_needs (tenant_id, business_id, title, description, contract_kind, full_time, hours_per_week, positions, positions_filled,
                           wished_start, end_date, season_start, season_end, place_name, newly_created, hard_to_fill, hard_to_fill_reasons,
                           status, cancel_reason, submitted_at, updated_at)
    SELECT c, b.id, 'Poste ' || n.i, 'Besoin du jeu de mesure', x.kind, true, 35, 1 + n.i % 3,
           CASE WHEN x.status IN ('filled', 'closed') THEN 1 + n.i % 3 WHEN x.status = 'partly_filled' THEN 1 ELSE 0 END,
           x.submitted::date + 30,
           CASE WHEN x.kind IN ('cdd', 'seasonal_cdd', 'temporary') THEN x.submitted::date + 30 + (60 + (n.i * 37) % 240) END,
           CASE WHEN x.kind = 'seasonal_cdd' THEN x.submitted::date + 30 END,
           CASE WHEN x.kind = 'seasonal_cdd' THEN x.submitted::date + 120 END,
           'Commune', n.i % 2 = 0, n.i % 4 = 0,
           CASE WHEN n.i % 4 = 0 THEN ARRAY[(ARRAY['rare_skill','transport','hours','seasonality','housing'])[1 + (b.id + n.i) % 5]] ELSE '{}' END,
           x.status, CASE WHEN x.status = 'cancelled' THEN 'Besoin abandonné' END, x.submitted, x.submitted
    FROM businesses b CROSS JOIN generate_series(0, 9) AS n(i)
    CROSS JOIN LATERAL (SELECT
        (ARRAY['cdi','cdi','cdi','cdi','cdd','cdd','seasonal_cdd','seasonal_cdd','apprenticeship','shared_time'])[1 + (b.id * 7 + n.i) % 10] AS kind,
        (ARRAY['closed','closed','closed','filled','filled','filled','partly_filled','sourcing','submitted','cancelled'])[1 + (b.id * 3 + n.i * 11) % 10] AS status,
        timestamptz '2023-01-01 09:00+01' + ((b.id * 131 + n.i * 977) % span) * interval '1 day' AS submitted) x
    WHERE b.tenant_id = c;

    INSERT INTO job_need_events (tenant_id, need_id, at, kind, from_status, to_status)
    SELECT c, id, submitted_at, 'submitted', NULL, 'submitted' FROM job_needs WHERE tenant_id = c;
    INSERT INTO job_need_events (tenant_id, need_id, at, kind, from_status, to_status)
    SELECT c, id, least(submitted_at + (30 + id % 90) * interval '1 day', now()), 'status', 'sourcing', status
    FROM job_needs WHERE tenant_id = c AND status IN ('filled', 'closed', 'partly_filled', 'cancelled', 'sourcing');

    INSERT INTO candidates (tenant_id, first_name, last_name, email, commune_name, skills, source, wished_contracts, purge_after, created_at, updated_at)
    SELECT c, (ARRAY['Léa','Hugo','Chloé','Lucas','Manon','Élodie','Jérôme','Inès'])[1 + g % 8], 'Mesure' || k || '-' || g,
           'mesure' || k || '-' || g || '@bench.test', 'Commune ' || (g % 20),
           (ARRAY['cuisine, plonge','taille de la vigne','menuiserie, pose','aide à domicile','conduite poids lourd','maraîchage','entretien'])[1 + g % 7],
           (ARRAY['france_travail','france_travail','mission_locale','spontaneous','referral','job_fair','cap_emploi','other'])[1 + g % 8],
           ARRAY['cdi'], current_date + 730, now(), now()
    FROM generate_series(1, CASE WHEN k = 1 THEN 5000 ELSE 4000 END) g;

    -- Ten applications per need: the first is hired when the need was (at least partly) filled, and a
    -- second for a quarter of them; the others stand at every stage or ended.
    CREATE TEMP TABLE IF NOT EXISTS bench_people (n int PRIMARY KEY, id bigint);
    TRUNCATE bench_people;
    INSERT INTO bench_people SELECT (row_number() OVER (ORDER BY id))::int - 1, id FROM candidates WHERE tenant_id = c;
    INSERT INTO applications (tenant_id, need_id, candidate_id, stage, created_at, last_move_at)
    SELECT c, n.id, p.id,
           -- (the positions filled are the placements' count, schema 0080: the hires follow the need's status)
           CASE WHEN j = 0 AND n.status IN ('filled', 'closed', 'partly_filled') THEN 'hired'
                WHEN j = 1 AND n.status IN ('filled', 'closed') AND n.positions > 1 THEN 'hired'
                ELSE (ARRAY['sourced','screening','presented','interview','offer','rejected','rejected','withdrawn'])[1 + (n.id + j) % 8] END,
           n.submitted_at + (1 + j) * interval '1 day', n.submitted_at + (5 + j) * interval '1 day'
    FROM job_needs n CROSS JOIN generate_series(0, 9) j
    JOIN bench_people p ON p.n = ((n.id * 7 + j * 397) % 4000)::int
    WHERE n.tenant_id = c;

    -- Events: every board stage up to the one reached (ended ones reached screening or presented first).
    INSERT INTO application_events (tenant_id, application_id, at, from_stage, to_stage)
    SELECT c, a.id, a.created_at + s.i * interval '1 hour', NULL, (ARRAY['screening','presented','interview','offer','hired'])[s.i]
    FROM applications a
    CROSS JOIN LATERAL generate_series(1, CASE a.stage WHEN 'screening' THEN 1 WHEN 'presented' THEN 2 WHEN 'interview' THEN 3 WHEN 'offer' THEN 4
                                                      WHEN 'hired' THEN 5 WHEN 'rejected' THEN 1 + a.id::int % 2 WHEN 'withdrawn' THEN 1 ELSE 0 END) s(i)
    WHERE a.tenant_id = c;
    INSERT INTO application_events (tenant_id, application_id, at, from_stage, to_stage)
    SELECT c, id, last_move_at, NULL, stage FROM applications WHERE tenant_id = c AND stage IN ('rejected', 'withdrawn');

    -- Placements from the hires; some ended (in the trial, resignations), fixed-term ones have their end.
    INSERT INTO placements (tenant_id, business_id, candidate_id, need_id, application_id, contract_kind, start_date, end_date,
                            hours_per_week, full_time, newly_created, created_at, ended_on, end_reason)
    SELECT c, n.business_id, a.candidate_id, n.id, a.id, n.contract_kind, s.start,
           CASE WHEN n.contract_kind IN ('cdd', 'seasonal_cdd', 'temporary') THEN s.start + (n.end_date - n.wished_start) END,
           35, true, n.newly_created, a.last_move_at,
           CASE WHEN a.id % 9 = 0 AND s.start + 40 < current_date THEN s.start + 40 WHEN a.id % 13 = 0 AND s.start + 200 < current_date THEN s.start + 200 END,
           CASE WHEN a.id % 9 = 0 AND s.start + 40 < current_date THEN 'trial_by_employee' WHEN a.id % 13 = 0 AND s.start + 200 < current_date THEN 'resignation' END
    FROM applications a JOIN job_needs n ON n.tenant_id = a.tenant_id AND n.id = a.need_id
    CROSS JOIN LATERAL (SELECT (a.last_move_at + interval '15 days')::date AS start) s
    WHERE a.tenant_id = c AND a.stage = 'hired';

    INSERT INTO check_ins (tenant_id, placement_id, due_on, label, done_on, status, contacted, channel, created_at)
    SELECT c, p.id, p.start_date + o.days, o.label,
           CASE WHEN p.start_date + o.days < current_date - 3 THEN p.start_date + o.days + 1 END,
           CASE WHEN p.start_date + o.days < current_date - 3 THEN 'on_track' END,
           CASE WHEN p.start_date + o.days < current_date - 3 THEN 'employee' END,
           CASE WHEN p.start_date + o.days < current_date - 3 THEN 'phone' END,
           p.created_at
    FROM placements p
    CROSS JOIN (VALUES (7, 'Une semaine'), (30, 'Un mois'), (60, 'Fin de la période d''essai'), (91, 'Trois mois'), (182, 'Six mois'), (365, 'Un an')) o(days, label)
    WHERE p.tenant_id = c AND (p.end_date IS NULL OR p.start_date + o.days <= p.end_date);

    IF k = 1 THEN
        -- The need whose 5 000 applications the adviser pages through.
        INSERT INTO job_needs (tenant_id, business_id, title, description, contract_kind, full_time, hours_per_week, positions, wished_start,
                               place_name, newly_created, status, submitted_at, updated_at)
        SELECT c, min(id), 'Besoin témoin (5 000 candidatures)', 'Mesure de la liste des candidatures', 'cdi', true, 35, 5, current_date + 30,
               'Commune', true, 'sourcing', now() - interval '40 days', now()
        FROM businesses WHERE tenant_id = c;
        INSERT INTO applications (tenant_id, need_id, candidate_id, stage, created_at, last_move_at)
        SELECT c, (SELECT id FROM job_needs WHERE tenant_id = c AND title LIKE 'Besoin témoin%'), p.id,
               (ARRAY['sourced','screening','presented','interview','offer','rejected'])[1 + p.n % 6],
               now() - (p.n % 30) * interval '1 day', now() - (p.n % 30) * interval '1 day'
        FROM bench_people p WHERE p.n < 5000;
    END IF;

    -- The people who use it: an adviser of bench-01, an employer of its first business, an
    -- observer of bench-01 … bench-05 (a département's DDETS).
    IF k = 1 THEN
        INSERT INTO users (email, display_name, password_hash) VALUES
            ('conseiller@bench.test', 'Conseillère de mesure', password_hash), ('employeur@bench.test', 'Employeur de mesure', password_hash),
            ('observateur@bench.test', 'Observatrice de mesure', password_hash);
        INSERT INTO memberships (tenant_id, user_id, role) SELECT c, id, 'adviser' FROM users WHERE email = 'conseiller@bench.test';
        INSERT INTO memberships (tenant_id, user_id, role, business_id)
        SELECT c, u.id, 'employer', (SELECT min(id) FROM businesses WHERE tenant_id = c) FROM users u WHERE email = 'employeur@bench.test';
    END IF;
    IF k <= 5 THEN
        INSERT INTO memberships (tenant_id, user_id, role) SELECT c, id, 'observer' FROM users WHERE email = 'observateur@bench.test';
    END IF;
    RAISE NOTICE 'bench: centre % of 50 loaded (%)', k, clock_timestamp()::time(0);
END $$;

DO $$ BEGIN RAISE NOTICE 'bench: generating 50 centres (%)', clock_timestamp()::time(0); END $$;
SELECT set_config('bench.password_hash', (SELECT password_hash FROM users WHERE email = 'conseiller1@cahors.renfort.test'), false);
\set ON_ERROR_STOP 1
SELECT format('CALL pg_temp.bench_centre(%s, current_setting(''bench.password_hash''))', k) FROM generate_series(1, 50) k \gexec
ANALYZE centres, businesses, job_needs, job_need_events, candidates, applications, application_events, placements, check_ins, users, memberships;
