-- The candidate's own page (/c/{centre}/mon-espace): a candidate asks for a link by e-mail,
-- opens it once, and gets a short session limited to their record in that centre.

-- Single-use links, valid 20 minutes; only the token's SHA-256 is kept. A link goes with
-- its record: erased with it.
CREATE TABLE candidate_links (
    tenant_id     bigint NOT NULL,
    id            bigint GENERATED ALWAYS AS IDENTITY,
    candidate_id  bigint NOT NULL,
    token_hash    bytea NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    CONSTRAINT candidate_links_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT candidate_links_candidate_fkey FOREIGN KEY (tenant_id, candidate_id) REFERENCES candidates (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT candidate_links_token_key UNIQUE (token_hash),
    CONSTRAINT candidate_links_expiry_check CHECK (expires_at > created_at)
);
CREATE INDEX candidate_links_candidate_idx ON candidate_links (tenant_id, candidate_id, created_at);
ALTER TABLE candidate_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE candidate_links FORCE ROW LEVEL SECURITY;
CREATE POLICY candidate_links_tenant ON candidate_links
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- A session (the ordinary cookie, with no user: it opens no adviser's or employer's page)
-- that a link opened for one candidate of one centre, until `expires_at` (one hour) or the
-- session's own idle timeout. Sign-out deletes the session, and this row with it.
CREATE TABLE candidate_sessions (
    tenant_id     bigint NOT NULL,
    session_id    bigint NOT NULL,
    candidate_id  bigint NOT NULL,
    started_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    CONSTRAINT candidate_sessions_pkey PRIMARY KEY (tenant_id, session_id),
    CONSTRAINT candidate_sessions_session_fkey FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE,
    CONSTRAINT candidate_sessions_candidate_fkey FOREIGN KEY (tenant_id, candidate_id) REFERENCES candidates (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX candidate_sessions_session_key ON candidate_sessions (session_id);
ALTER TABLE candidate_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE candidate_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY candidate_sessions_tenant ON candidate_sessions
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- What the person changed themselves, from their page: the record's history says so.
ALTER TABLE candidate_events ADD COLUMN by_candidate boolean NOT NULL DEFAULT false;
