-- The funnel's rollup: each application keeps the furthest stage it ever reached, maintained
-- in the same transaction as every change by triggers (a new application, a stage change, an
-- event), so that the funnel counts one column instead of reading every application's
-- history. Tests check that it always equals the recomputation from the events.

CREATE FUNCTION stage_rank(stage text) RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (CASE stage WHEN 'sourced' THEN 1 WHEN 'screening' THEN 2 WHEN 'presented' THEN 3 WHEN 'interview' THEN 4
                             WHEN 'offer' THEN 5 WHEN 'hired' THEN 6 ELSE 1 END)::smallint $$;

ALTER TABLE applications ADD COLUMN furthest_rank smallint NOT NULL DEFAULT 1;

-- Existing rows: the owner reads every centre's rows while the table is not forced.
ALTER TABLE applications NO FORCE ROW LEVEL SECURITY;
ALTER TABLE application_events NO FORCE ROW LEVEL SECURITY;
UPDATE applications a SET furthest_rank = greatest(stage_rank(a.stage), coalesce(
    (SELECT max(stage_rank(e.to_stage)) FROM application_events e WHERE e.tenant_id = a.tenant_id AND e.application_id = a.id), 1));
ALTER TABLE applications FORCE ROW LEVEL SECURITY;
ALTER TABLE application_events FORCE ROW LEVEL SECURITY;

CREATE FUNCTION applications_furthest() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    NEW.furthest_rank := greatest(coalesce(NEW.furthest_rank, 1), stage_rank(NEW.stage));
    RETURN NEW;
END $$;
CREATE TRIGGER applications_furthest BEFORE INSERT OR UPDATE OF stage, furthest_rank ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_furthest();

CREATE FUNCTION application_events_furthest() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.to_stage IS NOT NULL THEN
        UPDATE applications SET furthest_rank = stage_rank(NEW.to_stage)
        WHERE tenant_id = NEW.tenant_id AND id = NEW.application_id AND furthest_rank < stage_rank(NEW.to_stage);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER application_events_furthest AFTER INSERT ON application_events
    FOR EACH ROW EXECUTE FUNCTION application_events_furthest();

CREATE INDEX applications_funnel_idx ON applications (tenant_id, created_at) INCLUDE (need_id, furthest_rank);
