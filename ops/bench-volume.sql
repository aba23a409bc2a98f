-- Volume for `make bench`: 100 000 candidates in the Cahors centre and 5 000 applications
-- on one of its needs. Run as the owner role (row-level security applies: the centre is set first).
SELECT set_config('renfort.tenant_id', (SELECT id::text FROM centres WHERE slug = 'cahors'), false);

INSERT INTO candidates (tenant_id, first_name, last_name, email, commune_name, skills, notes, source, driving_licence,
                        own_vehicle, wished_contracts, purge_after, created_at, updated_at)
SELECT current_setting('renfort.tenant_id')::bigint,
       (ARRAY['Léa','Hugo','Chloé','Lucas','Manon','Élodie','Jérôme','Inès'])[1 + g % 8],
       'Volume' || g,
       'volume' || g || '@bench.test',
       (ARRAY['Cahors','Pradines','Luzech','Lalbenque','Prayssac','Gourdon'])[1 + g % 6],
       (ARRAY['cuisine, plonge','taille de la vigne','menuiserie, pose','aide à domicile','conduite poids lourd','maraîchage','entretien'])[1 + g % 7],
       CASE WHEN g % 10 = 0 THEN 'disponible pour les vendanges' ELSE '' END,
       (ARRAY['france_travail','mission_locale','spontaneous','referral','job_fair','other'])[1 + g % 6],
       g % 3 <> 0, g % 4 <> 0, ARRAY['cdi'], current_date + 90, now(), now()
FROM generate_series(1, 100000) AS g;

INSERT INTO applications (tenant_id, need_id, candidate_id, stage, presented_at, created_at, last_move_at)
SELECT current_setting('renfort.tenant_id')::bigint,
       (SELECT id FROM job_needs WHERE title = 'Aide à domicile'),
       c.id, s.stage,
       CASE WHEN s.stage IN ('presented', 'interview', 'offer') THEN now() - (c.id % 30) * interval '1 day' END,
       now() - (c.id % 30) * interval '1 day', now() - (c.id % 30) * interval '1 day'
FROM (SELECT id FROM candidates WHERE email LIKE 'volume%@bench.test' ORDER BY id LIMIT 5000) AS c,
     LATERAL (SELECT (ARRAY['sourced','screening','presented','interview','offer','rejected'])[1 + c.id::int % 6] AS stage) AS s;

-- Each volume candidate looks for the job of their skills (the ROME code of each trade above),
-- one in ten is free every summer: the pool the matching of a need reads (Matching).
INSERT INTO candidate_jobs (tenant_id, candidate_id, position, rome_code)
SELECT c.tenant_id, c.id, 1,
       (ARRAY['G1602','A1405','F1607','K1304','N4101','A1414','K2204'])[1 + substring(c.last_name FROM 7)::int % 7]
FROM candidates c WHERE c.email LIKE 'volume%@bench.test';
INSERT INTO candidate_availability (tenant_id, candidate_id, position, starts_on, ends_on, every_year)
SELECT c.tenant_id, c.id, 1, make_date(extract(year FROM current_date)::int, 6, 15), make_date(extract(year FROM current_date)::int, 9, 15), true
FROM candidates c WHERE c.email LIKE 'volume%@bench.test' AND substring(c.last_name FROM 7)::int % 10 = 0;
UPDATE job_needs SET rome_code = 'K1304' WHERE title = 'Aide à domicile' AND rome_code IS NULL;

ANALYZE candidates;
ANALYZE applications;
ANALYZE candidate_jobs;
ANALYZE candidate_availability;
