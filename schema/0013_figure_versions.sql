-- The version of each centre's figures: a counter raised once per transaction, when it
-- commits, by any change to the rows the figures read (businesses, candidates, needs,
-- applications, placements). The server keeps the figures it computed beside the version
-- it read before computing them, and serves them again only while the centre's version is
-- still that one: figures are never older than the data.
-- A counter says nothing of the centre's data, so it is not a tenant table (no tenant_id,
-- no row-level security): like `centres`, it is readable without a centre chosen, and the
-- observer's home reads those of all their centres in one statement.
CREATE TABLE centre_versions (
    centre_id  bigint NOT NULL,
    version    bigint NOT NULL DEFAULT 0,
    CONSTRAINT centre_versions_pkey PRIMARY KEY (centre_id),
    CONSTRAINT centre_versions_centre_fkey FOREIGN KEY (centre_id) REFERENCES centres (id) ON DELETE CASCADE
);

INSERT INTO centre_versions (centre_id) SELECT id FROM centres;

CREATE FUNCTION centre_versions_row() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO centre_versions (centre_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER centres_version_row AFTER INSERT ON centres
    FOR EACH ROW EXECUTE FUNCTION centre_versions_row();

-- Deferred to the commit, and once per centre and transaction (a transaction-local flag):
-- the row is locked only while the transaction commits, so that writers of one centre do
-- not wait on each other for longer than that.
CREATE FUNCTION raise_centre_version() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    tenant bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
    flag text := 'renfort.version_raised_' || tenant;
BEGIN
    IF coalesce(current_setting(flag, true), '') = '' THEN
        PERFORM set_config(flag, 'yes', true);
        UPDATE centre_versions SET version = version + 1 WHERE centre_id = tenant;
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER businesses_version AFTER INSERT OR UPDATE OR DELETE ON businesses
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_centre_version();
CREATE CONSTRAINT TRIGGER candidates_version AFTER INSERT OR UPDATE OR DELETE ON candidates
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_centre_version();
CREATE CONSTRAINT TRIGGER job_needs_version AFTER INSERT OR UPDATE OR DELETE ON job_needs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_centre_version();
CREATE CONSTRAINT TRIGGER applications_version AFTER INSERT OR UPDATE OR DELETE ON applications
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_centre_version();
CREATE CONSTRAINT TRIGGER placements_version AFTER INSERT OR UPDATE OR DELETE ON placements
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_centre_version();
