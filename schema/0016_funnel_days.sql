-- The funnel of a period counted each application created in it (about 5 000 a year in a
-- busy centre, a fifth of a centre's figures on the bench set). Its counts per day of
-- creation (in Paris) and furthest stage reached add up to any period: 365 rows a year.
-- Kept by statement-level triggers on applications in the same transaction as every change
-- (as need_stage_counts, schema 0014); tests check that the counts always equal a recount of
-- the applications. A filtered funnel (a business, a sector…) still counts the applications.
CREATE TABLE funnel_days (
    tenant_id   bigint NOT NULL,
    day         date NOT NULL,
    -- Applications created that day whose furthest stage (applications.furthest_rank) is 1 … 6.
    furthest_1  integer NOT NULL,
    furthest_2  integer NOT NULL,
    furthest_3  integer NOT NULL,
    furthest_4  integer NOT NULL,
    furthest_5  integer NOT NULL,
    furthest_6  integer NOT NULL,
    CONSTRAINT funnel_days_pkey PRIMARY KEY (tenant_id, day)
        INCLUDE (furthest_1, furthest_2, furthest_3, furthest_4, furthest_5, furthest_6)
);

-- Adds moves (one per application counted: +1 where it now stands, -1 where it stood) to
-- the days, in key order (two statements on the same days lock them in the same order).
CREATE FUNCTION funnel_days_add(tenants bigint[], days date[], ranks smallint[], deltas integer[]) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO funnel_days AS f (tenant_id, day, furthest_1, furthest_2, furthest_3, furthest_4, furthest_5, furthest_6)
    SELECT tenant, day, coalesce(sum(n) FILTER (WHERE rank = 1), 0), coalesce(sum(n) FILTER (WHERE rank = 2), 0),
           coalesce(sum(n) FILTER (WHERE rank = 3), 0), coalesce(sum(n) FILTER (WHERE rank = 4), 0),
           coalesce(sum(n) FILTER (WHERE rank = 5), 0), coalesce(sum(n) FILTER (WHERE rank = 6), 0)
    FROM (SELECT tenant, day, rank, sum(delta) AS n FROM unnest(tenants, days, ranks, deltas) AS m (tenant, day, rank, delta)
          GROUP BY 1, 2, 3 HAVING sum(delta) <> 0) moves
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (tenant_id, day) DO UPDATE SET
        furthest_1 = f.furthest_1 + excluded.furthest_1, furthest_2 = f.furthest_2 + excluded.furthest_2,
        furthest_3 = f.furthest_3 + excluded.furthest_3, furthest_4 = f.furthest_4 + excluded.furthest_4,
        furthest_5 = f.furthest_5 + excluded.furthest_5, furthest_6 = f.furthest_6 + excluded.furthest_6
$$;

-- Existing rows: the owner counts every centre's applications while the tables are not forced.
ALTER TABLE applications NO FORCE ROW LEVEL SECURITY;
SELECT funnel_days_add(array_agg(tenant_id), array_agg((created_at AT TIME ZONE 'Europe/Paris')::date), array_agg(furthest_rank), array_agg(1))
FROM applications;
ALTER TABLE applications FORCE ROW LEVEL SECURITY;

ALTER TABLE funnel_days ENABLE ROW LEVEL SECURITY;
ALTER TABLE funnel_days FORCE ROW LEVEL SECURITY;
CREATE POLICY funnel_days_tenant ON funnel_days
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

CREATE FUNCTION funnel_days_apply() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM funnel_days_add(array_agg(tenant_id), array_agg((created_at AT TIME ZONE 'Europe/Paris')::date), array_agg(furthest_rank), array_agg(1))
        FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM funnel_days_add(array_agg(tenant_id), array_agg((created_at AT TIME ZONE 'Europe/Paris')::date), array_agg(furthest_rank), array_agg(-1))
        FROM old_rows;
    ELSE
        PERFORM funnel_days_add(array_agg(tenant_id), array_agg(day), array_agg(furthest_rank), array_agg(n)) FROM (
            SELECT tenant_id, (created_at AT TIME ZONE 'Europe/Paris')::date AS day, furthest_rank, -1 AS n FROM old_rows
            UNION ALL
            SELECT tenant_id, (created_at AT TIME ZONE 'Europe/Paris')::date, furthest_rank, 1 FROM new_rows) moves;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER applications_funnel_days_insert AFTER INSERT ON applications
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION funnel_days_apply();
CREATE TRIGGER applications_funnel_days_update AFTER UPDATE ON applications
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION funnel_days_apply();
CREATE TRIGGER applications_funnel_days_delete AFTER DELETE ON applications
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION funnel_days_apply();

-- The needs' parts of the figures read from their indexes alone: the columns they read (and
-- those the filters test) beside the keys of the indexes they replace.
CREATE INDEX job_needs_first_start_figures_idx ON job_needs (tenant_id, first_start)
    INCLUDE (submitted_at, business_id, contract_kind) WHERE first_start IS NOT NULL;
DROP INDEX job_needs_first_start_idx;
CREATE INDEX job_needs_ended_figures_idx ON job_needs (tenant_id, ended_at)
    INCLUDE (status, positions, positions_filled, hard_to_fill, business_id, contract_kind) WHERE ended_at IS NOT NULL;
DROP INDEX job_needs_ended_idx;
CREATE INDEX job_needs_hard_figures_idx ON job_needs (tenant_id, submitted_at)
    INCLUDE (status, ended_at, positions, positions_filled, hard_to_fill_reasons, business_id, contract_kind) WHERE hard_to_fill;
DROP INDEX job_needs_hard_idx;
-- Seasonal workers hired again: each seasonal placement's earlier ones, from the index.
CREATE INDEX placements_candidate_figures_idx ON placements (tenant_id, candidate_id, start_date)
    INCLUDE (id, contract_kind, ended_on, end_date);
DROP INDEX placements_candidate_idx;
