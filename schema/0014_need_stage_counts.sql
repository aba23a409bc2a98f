-- How many applications of each need stand at each stage: the board's column counts and the
-- list's pages read them on every view (counting a need's 5 000 applications each time was
-- most of the database's work there). Kept by statement-level triggers on applications in
-- the same transaction as every change (one aggregated upsert per statement, so a bulk
-- insert or a bulk rejection costs one statement, not one per row); tests check that the
-- counts always equal a recount of the applications.
CREATE TABLE need_stage_counts (
    tenant_id     bigint NOT NULL,
    need_id       bigint NOT NULL,
    stage         text NOT NULL,
    applications  integer NOT NULL,
    CONSTRAINT need_stage_counts_pkey PRIMARY KEY (tenant_id, need_id, stage),
    CONSTRAINT need_stage_counts_need_fkey FOREIGN KEY (tenant_id, need_id) REFERENCES job_needs (tenant_id, id) ON DELETE CASCADE
);

-- Existing rows: the owner counts every centre's applications while the table is not forced.
ALTER TABLE applications NO FORCE ROW LEVEL SECURITY;
INSERT INTO need_stage_counts (tenant_id, need_id, stage, applications)
SELECT tenant_id, need_id, stage, count(*) FROM applications GROUP BY 1, 2, 3;
ALTER TABLE applications FORCE ROW LEVEL SECURITY;

ALTER TABLE need_stage_counts ENABLE ROW LEVEL SECURITY;
ALTER TABLE need_stage_counts FORCE ROW LEVEL SECURITY;
CREATE POLICY need_stage_counts_tenant ON need_stage_counts
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- The net change of a statement per (need, stage), applied in key order (two statements on
-- the same need lock its counts in the same order: no deadlock).
CREATE FUNCTION need_stage_counts_apply() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO need_stage_counts AS c (tenant_id, need_id, stage, applications)
        SELECT tenant_id, need_id, stage, count(*) FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (tenant_id, need_id, stage) DO UPDATE SET applications = c.applications + excluded.applications;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO need_stage_counts AS c (tenant_id, need_id, stage, applications)
        SELECT tenant_id, need_id, stage, -count(*) FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (tenant_id, need_id, stage) DO UPDATE SET applications = c.applications + excluded.applications;
    ELSE
        INSERT INTO need_stage_counts AS c (tenant_id, need_id, stage, applications)
        SELECT tenant_id, need_id, stage, sum(n) FROM (
            SELECT tenant_id, need_id, stage, -1 AS n FROM old_rows
            UNION ALL
            SELECT tenant_id, need_id, stage, 1 FROM new_rows) moves
        GROUP BY 1, 2, 3 HAVING sum(n) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (tenant_id, need_id, stage) DO UPDATE SET applications = c.applications + excluded.applications;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER applications_stage_counts_insert AFTER INSERT ON applications
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION need_stage_counts_apply();
CREATE TRIGGER applications_stage_counts_update AFTER UPDATE ON applications
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION need_stage_counts_apply();
CREATE TRIGGER applications_stage_counts_delete AFTER DELETE ON applications
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION need_stage_counts_apply();
