-- Who looked: one row per view of a candidate's file, per document downloaded, per export of
-- everything held on the person (the right of access). Ids only, never a name: once the
-- person is purged or erased, nothing here says who they were.
--
-- The server's role may add rows but neither change nor delete them (the migrator revokes
-- UPDATE and DELETE at each migrate); rows older than one year go through the owner's
-- function `purge_candidate_access_log`, which the server calls once a day.
CREATE TABLE candidate_access_log (
    tenant_id       bigint NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    candidate_id    bigint NOT NULL,
    at              timestamptz NOT NULL,
    -- Who: a person of the centre, or NULL with `by_candidate` for the person themself
    -- (their own page).
    user_id         bigint,
    by_candidate    boolean NOT NULL DEFAULT false,
    -- What: the file seen, a document downloaded, everything exported.
    kind            text NOT NULL,
    -- Where: the record's page, its edit form, the comparison before a merge, an
    -- application's page, the person's own page.
    place           text NOT NULL,
    application_id  bigint,
    -- The document downloaded (a number only: the document may since have been purged).
    document_id     bigint,
    CONSTRAINT candidate_access_log_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT candidate_access_log_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES centres (id),
    CONSTRAINT candidate_access_log_candidate_fkey FOREIGN KEY (tenant_id, candidate_id) REFERENCES candidates (tenant_id, id),
    CONSTRAINT candidate_access_log_user_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT candidate_access_log_kind_check CHECK (kind IN ('view', 'document', 'export')),
    CONSTRAINT candidate_access_log_place_check CHECK (place IN ('record', 'edit', 'merge', 'application', 'portal')),
    CONSTRAINT candidate_access_log_who_check CHECK ((user_id IS NULL) = by_candidate),
    CONSTRAINT candidate_access_log_document_check CHECK ((kind = 'document') = (document_id IS NOT NULL))
);
CREATE INDEX candidate_access_log_candidate_idx ON candidate_access_log (tenant_id, candidate_id, at DESC);
CREATE INDEX candidate_access_log_at_idx ON candidate_access_log (tenant_id, at DESC);
ALTER TABLE candidate_access_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE candidate_access_log FORCE ROW LEVEL SECURITY;
CREATE POLICY candidate_access_log_tenant ON candidate_access_log
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- The one-year retention: deletes the rows of the centre set for the transaction that are
-- more than a year old by the database's own clock, and nothing else, whoever calls it.
-- It runs as the owner, the only role that may delete from the log; returns how many went.
CREATE FUNCTION purge_candidate_access_log() RETURNS integer
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, public
    AS $$
    WITH gone AS (
        DELETE FROM public.candidate_access_log
        WHERE tenant_id = public.app_tenant_id() AND at < now() - interval '1 year'
        RETURNING 1)
    SELECT count(*)::integer FROM gone
    $$;
