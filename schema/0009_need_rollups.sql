-- Two rollups on job needs, kept by triggers in the same transaction as every change, so
-- that the dashboards read one row per need instead of its events and placements:
--   ended_at     when the need last reached an ending status (filled, closed, cancelled),
--                from its events — the fill rate counts needs ended in the period;
--   first_start  the start of its first placement — time to fill counts needs first
--                filled in the period.
-- Tests check that both always equal the recomputation from the raw rows.

ALTER TABLE job_needs ADD COLUMN ended_at timestamptz, ADD COLUMN first_start date;

ALTER TABLE job_needs NO FORCE ROW LEVEL SECURITY;
ALTER TABLE job_need_events NO FORCE ROW LEVEL SECURITY;
ALTER TABLE placements NO FORCE ROW LEVEL SECURITY;
UPDATE job_needs n SET
    ended_at = (SELECT max(e.at) FROM job_need_events e
                WHERE e.tenant_id = n.tenant_id AND e.need_id = n.id AND e.to_status IN ('filled', 'closed', 'cancelled')),
    first_start = (SELECT min(p.start_date) FROM placements p WHERE p.tenant_id = n.tenant_id AND p.need_id = n.id);
ALTER TABLE job_needs FORCE ROW LEVEL SECURITY;
ALTER TABLE job_need_events FORCE ROW LEVEL SECURITY;
ALTER TABLE placements FORCE ROW LEVEL SECURITY;

CREATE FUNCTION job_need_events_ended() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.to_status IN ('filled', 'closed', 'cancelled') THEN
        UPDATE job_needs SET ended_at = greatest(coalesce(ended_at, NEW.at), NEW.at)
        WHERE tenant_id = NEW.tenant_id AND id = NEW.need_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER job_need_events_ended AFTER INSERT ON job_need_events
    FOR EACH ROW EXECUTE FUNCTION job_need_events_ended();

CREATE FUNCTION placements_first_start() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE job_needs SET first_start = (SELECT min(start_date) FROM placements WHERE tenant_id = OLD.tenant_id AND need_id = OLD.need_id)
        WHERE tenant_id = OLD.tenant_id AND id = OLD.need_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE job_needs SET first_start = (SELECT min(start_date) FROM placements WHERE tenant_id = NEW.tenant_id AND need_id = NEW.need_id)
        WHERE tenant_id = NEW.tenant_id AND id = NEW.need_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER placements_first_start AFTER INSERT OR DELETE OR UPDATE OF start_date, need_id ON placements
    FOR EACH ROW EXECUTE FUNCTION placements_first_start();

CREATE INDEX job_needs_first_start_idx ON job_needs (tenant_id, first_start) WHERE first_start IS NOT NULL;
CREATE INDEX job_needs_ended_idx ON job_needs (tenant_id, ended_at) WHERE ended_at IS NOT NULL;
