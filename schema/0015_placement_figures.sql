-- The figures read a period's placements with the hired person's source and commune of
-- residence (sources of hire, communes of residence). Joining each placement to its
-- candidate cost a quarter of a centre's figures on the bench set, and reading each
-- placement from the table another tenth (a centre's placements lie one per page, among
-- those of every other centre). So each placement keeps a copy of its candidate's source and
-- commune, maintained in the same transaction by triggers (a placement written, a candidate
-- edited), and one index holds every column the figures read, so that a period's
-- placements come from the index alone. Tests check that the copies always equal the
-- candidates' own values.

ALTER TABLE placements ADD COLUMN candidate_source text, ADD COLUMN candidate_commune text;

-- Existing rows: the owner reads every centre's rows while the tables are not forced. The
-- centres' versions are raised at once (schema 0013's triggers are deferred to the commit,
-- and a table with pending trigger events cannot be altered after).
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE placements NO FORCE ROW LEVEL SECURITY;
ALTER TABLE candidates NO FORCE ROW LEVEL SECURITY;
UPDATE placements p SET candidate_source = c.source, candidate_commune = c.commune_name
FROM candidates c WHERE c.tenant_id = p.tenant_id AND c.id = p.candidate_id;
ALTER TABLE placements FORCE ROW LEVEL SECURITY;
ALTER TABLE candidates FORCE ROW LEVEL SECURITY;

ALTER TABLE placements ALTER COLUMN candidate_source SET NOT NULL, ALTER COLUMN candidate_commune SET NOT NULL;

-- Whatever a statement writes in the copies, they are read again from the candidate.
CREATE FUNCTION placements_candidate_copy() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    SELECT c.source, c.commune_name INTO NEW.candidate_source, NEW.candidate_commune
    FROM candidates c WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.candidate_id;
    RETURN NEW;
END $$;
CREATE TRIGGER placements_candidate_copy BEFORE INSERT OR UPDATE OF candidate_id, candidate_source, candidate_commune ON placements
    FOR EACH ROW EXECUTE FUNCTION placements_candidate_copy();

CREATE FUNCTION candidates_copy_to_placements() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE placements SET candidate_source = NEW.source, candidate_commune = NEW.commune_name
    WHERE tenant_id = NEW.tenant_id AND candidate_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER candidates_copy_to_placements AFTER UPDATE OF source, commune_name ON candidates
    FOR EACH ROW WHEN (OLD.source IS DISTINCT FROM NEW.source OR OLD.commune_name IS DISTINCT FROM NEW.commune_name)
    EXECUTE FUNCTION candidates_copy_to_placements();

-- Every column of a placement the figures read, after the same key as the index it replaces.
CREATE INDEX placements_figures_idx ON placements (tenant_id, start_date)
    INCLUDE (id, business_id, candidate_id, contract_kind, newly_created, end_date, ended_on, end_reason, candidate_source, candidate_commune);
DROP INDEX placements_start_idx;
