-- The pool's pages at a real pool's size (issue 19: 100 000 candidates in a centre). A search
-- matching thousands of people counted and ranked every match (« vigne », 14 000 of them:
-- 400 ms at p99 with 16 connections), and a far page read every page before it (page 2 000:
-- 1.2 s). Now the count stops at 1 001 (« plus de 1 000 »); beyond 1 000 matches the list is by
-- name, read from these indexes from where the page before ended (keyset), never ranked.

-- The active records by name, as the pool lists them (the page after a given record).
CREATE INDEX candidates_active_name_idx ON candidates (tenant_id, last_name, first_name, id)
    WHERE merged_into IS NULL AND erased_at IS NULL;
-- The searchable records by name: a search of many matches walks it, its words tested as it goes.
CREATE INDEX candidate_search_name_idx ON candidate_search (tenant_id, last_name, first_name, candidate_id);

-- How many of the caller's centre's candidates `query` matches, up to `cap`: the matches
-- not ranked, the count stopped at the cap. Like `candidate_search_matches`, the owner's
-- function keeps to the transaction's centre. Planned at each call with the centre and the
-- words as values (EXECUTE … USING), so that PostgreSQL reads the centre's rows until the cap
-- when the words are common there and the GIN index when they are rare: planned once for any
-- value, it always built the index's bitmap of every centre's matches (« vigne »: 43 000 in the
-- bench, 9 ms; now 2.7 ms, and 0.7 ms for one person among 100 000).
CREATE FUNCTION candidate_search_count(query tsquery, cap integer) RETURNS integer
    LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL SAFE
    SET search_path = pg_catalog, public
    AS $$
DECLARE
    found integer;
BEGIN
    EXECUTE 'SELECT count(*)::integer FROM (SELECT 1 FROM public.candidate_search s
             WHERE s.vector @@ $1 AND s.tenant_id = $3 LIMIT $2) found'
        INTO found USING query, cap, public.app_tenant_id();
    RETURN found;
END $$;

-- A search's words as before (0060), each word once when its family's root is the stem itself
-- (« vigne »: vign:* instead of vign:* | vign:*, which read the index's matches twice: the count
-- of 43 000 matches in all centres, 7 → 4 ms).
CREATE OR REPLACE FUNCTION search_query(words text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$
    SELECT string_agg(CASE WHEN root = stem THEN format('%s:*', quote_literal(stem))
                           ELSE format('(%s:* | %s:*)', quote_literal(stem), quote_literal(root)) END, ' & ')::tsquery
    FROM unnest(tsvector_to_array(to_tsvector('public.renfort_fr', words))) AS stem,
         LATERAL (SELECT coalesce(substring(stem FROM '^(.{4,}?)(ier|er|eur|eux|ag|ur|i)$'), stem) AS root) r
    $$;
