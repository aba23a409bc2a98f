-- A need's board showed its first hundred applications in stage order: with 5 000 of them
-- (the bench's Cahors need, 834 at each stage) every card was "Repéré" and the other columns
-- stood empty beside their counts. With `per_stage`, each column gets its own first
-- `page_size` cards (the most recently moved), for the board's stages only; the list view
-- (`per_stage` false) pages through all of them as before. Otherwise schema 0021's function.
DROP FUNCTION need_board(bigint, bigint, bigint, text, bigint, bigint);
CREATE FUNCTION need_board(centre bigint, person bigint, need bigint, at_stage text, page_size bigint, skip bigint, per_stage boolean)
    RETURNS TABLE (
        title text, business_name text, stages text[], stage_counts bigint[], reason_ids bigint[], reason_labels text[],
        ids bigint[], candidate_ids bigint[], names text[], communes text[], card_stages text[], answers text[],
        moves timestamptz[], total bigint)
    LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
    PERFORM set_config('renfort.tenant_id', centre::text, true), set_config('renfort.user_id', coalesce(person::text, ''), true);
    IF at_stage IS NULL THEN
        RETURN QUERY
            SELECT n.title, b.name,
                   array(SELECT c.stage FROM need_stage_counts c WHERE c.need_id = n.id AND c.applications > 0 ORDER BY c.stage),
                   array(SELECT c.applications::bigint FROM need_stage_counts c WHERE c.need_id = n.id AND c.applications > 0 ORDER BY c.stage),
                   array(SELECT r.id FROM rejection_reasons r WHERE r.active ORDER BY r.position, r.id),
                   array(SELECT r.label FROM rejection_reasons r WHERE r.active ORDER BY r.position, r.id),
                   p.*,
                   coalesce((SELECT sum(c.applications) FROM need_stage_counts c WHERE c.need_id = n.id), 0)::bigint
            FROM job_needs n JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            CROSS JOIN LATERAL (
                SELECT coalesce(array_agg(a.id ORDER BY a.position, a.last_move_at DESC, a.id DESC), '{}'),
                       coalesce(array_agg(a.candidate_id ORDER BY a.position, a.last_move_at DESC, a.id DESC), '{}'),
                       coalesce(array_agg(c.first_name || ' ' || c.last_name ORDER BY a.position, a.last_move_at DESC, a.id DESC), '{}'),
                       coalesce(array_agg(c.commune_name ORDER BY a.position, a.last_move_at DESC, a.id DESC), '{}'),
                       coalesce(array_agg(a.stage ORDER BY a.position, a.last_move_at DESC, a.id DESC), '{}'),
                       coalesce(array_agg(coalesce(a.employer_answer, '') ORDER BY a.position, a.last_move_at DESC, a.id DESC), '{}'),
                       coalesce(array_agg(a.last_move_at ORDER BY a.position, a.last_move_at DESC, a.id DESC), '{}')
                FROM (SELECT x.tenant_id, x.id, x.candidate_id, x.stage, x.employer_answer, x.last_move_at, s.position
                      FROM unnest(ARRAY['sourced','screening','presented','interview','offer','hired','rejected','withdrawn'])
                           WITH ORDINALITY AS s (stage, position)
                      CROSS JOIN LATERAL (
                          SELECT y.tenant_id, y.id, y.candidate_id, y.stage, y.employer_answer, y.last_move_at
                          FROM applications y WHERE y.need_id = n.id AND y.stage = s.stage
                          ORDER BY y.last_move_at DESC, y.id DESC
                          LIMIT CASE WHEN per_stage THEN page_size ELSE page_size + skip END) x
                      WHERE NOT per_stage OR s.stage NOT IN ('rejected', 'withdrawn')
                      ORDER BY s.position, x.last_move_at DESC, x.id DESC
                      LIMIT CASE WHEN per_stage THEN NULL ELSE page_size END OFFSET CASE WHEN per_stage THEN 0 ELSE skip END) a
                JOIN candidates c ON c.tenant_id = a.tenant_id AND c.id = a.candidate_id) p
            WHERE n.id = need;
    ELSE
        RETURN QUERY
            SELECT n.title, b.name,
                   array(SELECT c.stage FROM need_stage_counts c WHERE c.need_id = n.id AND c.applications > 0 ORDER BY c.stage),
                   array(SELECT c.applications::bigint FROM need_stage_counts c WHERE c.need_id = n.id AND c.applications > 0 ORDER BY c.stage),
                   array(SELECT r.id FROM rejection_reasons r WHERE r.active ORDER BY r.position, r.id),
                   array(SELECT r.label FROM rejection_reasons r WHERE r.active ORDER BY r.position, r.id),
                   p.*,
                   0::bigint
            FROM job_needs n JOIN businesses b ON b.tenant_id = n.tenant_id AND b.id = n.business_id
            CROSS JOIN LATERAL (
                SELECT coalesce(array_agg(a.id ORDER BY a.last_move_at DESC, a.id DESC), '{}'),
                       coalesce(array_agg(a.candidate_id ORDER BY a.last_move_at DESC, a.id DESC), '{}'),
                       coalesce(array_agg(c.first_name || ' ' || c.last_name ORDER BY a.last_move_at DESC, a.id DESC), '{}'),
                       coalesce(array_agg(c.commune_name ORDER BY a.last_move_at DESC, a.id DESC), '{}'),
                       coalesce(array_agg(a.stage ORDER BY a.last_move_at DESC, a.id DESC), '{}'),
                       coalesce(array_agg(coalesce(a.employer_answer, '') ORDER BY a.last_move_at DESC, a.id DESC), '{}'),
                       coalesce(array_agg(a.last_move_at ORDER BY a.last_move_at DESC, a.id DESC), '{}')
                FROM (SELECT x.tenant_id, x.id, x.candidate_id, x.stage, x.employer_answer, x.last_move_at
                      FROM applications x WHERE x.need_id = n.id AND x.stage = at_stage
                      ORDER BY x.last_move_at DESC, x.id DESC LIMIT page_size OFFSET skip) a
                JOIN candidates c ON c.tenant_id = a.tenant_id AND c.id = a.candidate_id) p
            WHERE n.id = need;
    END IF;
END $$;
