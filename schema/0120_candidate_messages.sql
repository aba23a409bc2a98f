-- Messages to candidates: the centre's templates (only those an adviser edited: the others
-- are the French default texts of the code, so every centre, old or new, starts with them),
-- and every message sent to a candidate, kept in their history.

CREATE TABLE message_templates (
    tenant_id   bigint NOT NULL,
    kind        text NOT NULL,
    subject     text NOT NULL,
    body        text NOT NULL,
    sms         text NOT NULL,
    updated_at  timestamptz NOT NULL,
    updated_by  bigint,
    CONSTRAINT message_templates_pkey PRIMARY KEY (tenant_id, kind),
    CONSTRAINT message_templates_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES centres (id),
    CONSTRAINT message_templates_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES users (id),
    CONSTRAINT message_templates_kind_check CHECK (kind IN ('entretien', 'refus-motif', 'refus', 'proposition', 'saison', 'libre'))
);
ALTER TABLE message_templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE message_templates FORCE ROW LEVEL SECURITY;
CREATE POLICY message_templates_tenant ON message_templates
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- One row per message sent (queued in the outbox in the same transaction, with the same
-- dedupe key: a double submit, or the same cause twice, writes one row and one message).
CREATE TABLE candidate_messages (
    tenant_id       bigint NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    candidate_id    bigint NOT NULL,
    application_id  bigint,
    kind            text NOT NULL,
    channel         text NOT NULL,
    recipient       text NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    has_attachment  boolean NOT NULL DEFAULT false,
    author_id       bigint,
    sent_at         timestamptz NOT NULL,
    dedupe_key      text NOT NULL,
    CONSTRAINT candidate_messages_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT candidate_messages_candidate_fkey FOREIGN KEY (tenant_id, candidate_id) REFERENCES candidates (tenant_id, id),
    CONSTRAINT candidate_messages_application_fkey FOREIGN KEY (tenant_id, application_id) REFERENCES applications (tenant_id, id),
    CONSTRAINT candidate_messages_author_fkey FOREIGN KEY (author_id) REFERENCES users (id),
    CONSTRAINT candidate_messages_dedupe_key UNIQUE (dedupe_key),
    CONSTRAINT candidate_messages_kind_check CHECK (kind IN ('entretien', 'refus-motif', 'refus', 'proposition', 'saison', 'libre')),
    CONSTRAINT candidate_messages_channel_check CHECK (channel IN ('email', 'sms'))
);
CREATE INDEX candidate_messages_candidate_idx ON candidate_messages (tenant_id, candidate_id, sent_at);
ALTER TABLE candidate_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE candidate_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY candidate_messages_tenant ON candidate_messages
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
