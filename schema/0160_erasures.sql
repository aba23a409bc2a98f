-- Personal data: a candidate's identity removed, by the purge (the record's date has passed)
-- or at the person's request. The row of `candidates` stays, stripped of identity, so that
-- what the figures count (applications, their events, placements, check-ins) keeps its
-- candidate: every figure is the same before and after.

ALTER TABLE candidates ADD COLUMN erased_at timestamptz;
CREATE INDEX candidates_purge_idx ON candidates (tenant_id, purge_after) WHERE erased_at IS NULL AND merged_into IS NULL;

-- One line per erasure: what the centre can show its data-protection officer. It names no one:
-- the candidate's id only, the kind, who asked and when.
CREATE TABLE candidate_erasures (
    tenant_id     bigint NOT NULL,
    id            bigint GENERATED ALWAYS AS IDENTITY,
    candidate_id  bigint NOT NULL,
    kind          text NOT NULL,
    -- For an erasure on request: the day the person asked, how (courrier, e-mail, sur place…).
    requested_on  date,
    requested_via text NOT NULL DEFAULT '',
    -- Who confirmed it; NULL for the purge, which the server runs by itself.
    done_by       bigint,
    done_at       timestamptz NOT NULL,
    CONSTRAINT candidate_erasures_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT candidate_erasures_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES centres (id),
    CONSTRAINT candidate_erasures_candidate_fkey FOREIGN KEY (tenant_id, candidate_id) REFERENCES candidates (tenant_id, id),
    CONSTRAINT candidate_erasures_done_by_fkey FOREIGN KEY (done_by) REFERENCES users (id),
    CONSTRAINT candidate_erasures_kind_check CHECK (kind IN ('purge', 'request')),
    CONSTRAINT candidate_erasures_request_check CHECK ((kind = 'request') = (requested_on IS NOT NULL AND done_by IS NOT NULL)),
    CONSTRAINT candidate_erasures_once UNIQUE (tenant_id, candidate_id)
);
CREATE INDEX candidate_erasures_done_idx ON candidate_erasures (tenant_id, done_at DESC);
ALTER TABLE candidate_erasures ENABLE ROW LEVEL SECURITY;
ALTER TABLE candidate_erasures FORCE ROW LEVEL SECURITY;
CREATE POLICY candidate_erasures_tenant ON candidate_erasures
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- The placements keep their copies of the candidate's source and commune when the candidate
-- loses identity: the figures by source and by commune count them (and hide small groups).
DROP TRIGGER candidates_copy_to_placements ON candidates;
CREATE TRIGGER candidates_copy_to_placements AFTER UPDATE OF source, commune_name ON candidates
    FOR EACH ROW WHEN ((OLD.source IS DISTINCT FROM NEW.source OR OLD.commune_name IS DISTINCT FROM NEW.commune_name)
                       AND NEW.erased_at IS NULL)
    EXECUTE FUNCTION candidates_copy_to_placements();
