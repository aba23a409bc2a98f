-- A need's board and the pages of its applications list in one statement, with no
-- transaction of its own: the busiest page of the advisers (twenty applications out of
-- thousands, page after page) took five round trips to PostgreSQL — the session, BEGIN,
-- the centre's scope, the page, COMMIT — and now takes two. Like own_memberships (0010),
-- the function sets the centre and the person for its own statement only (set_config's
-- third argument: the end of the statement's implicit transaction resets them), and its
-- queries run as the caller, so row-level security shows that centre's rows and no others.
--
-- One row: the need's title and business name, its stage counts (need_stage_counts, 0014),
-- the centre's active rejection reasons, then the page as one array per field in the
-- page's order, then the number of all the need's applications (0 for a page at one stage:
-- that stage's count is among the counts). No row when the need is not the centre's.
-- `at_stage` NULL: every stage, by stage then most recently moved; otherwise that stage's
-- applications only, most recently moved first, chosen on the index (need, stage, last
-- move) alone before their candidates are joined.
CREATE FUNCTION need_board(centre bigint, person bigint, need bigint, at_stage text, page_size bigint, skip bigint)
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
                FROM (SELECT x.tenant_id, x.id, x.candidate_id, x.stage, x.employer_answer, x.last_move_at,
                             array_position(ARRAY['sourced','screening','presented','interview','offer','hired','rejected','withdrawn'], x.stage) AS position
                      FROM applications x WHERE x.need_id = n.id
                      ORDER BY position, x.last_move_at DESC, x.id DESC LIMIT page_size OFFSET skip) a
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
