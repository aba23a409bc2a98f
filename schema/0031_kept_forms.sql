-- A form sent after its session had expired, kept for the person who sent it: after signing in
-- again they find it as they sent it (Web/FormRecovery.swift). Only the SHA-256 of the one-time
-- token of the sign-in link is stored; neither tokens, passwords nor files are kept.
CREATE TABLE kept_forms (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    token_hash  bytea NOT NULL,
    user_id     bigint NOT NULL,
    action      text NOT NULL,
    fields      jsonb NOT NULL,
    created_at  timestamptz NOT NULL,
    CONSTRAINT kept_forms_pkey PRIMARY KEY (id),
    CONSTRAINT kept_forms_token_hash_key UNIQUE (token_hash),
    CONSTRAINT kept_forms_user_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT kept_forms_action_check CHECK (action LIKE '/%' AND length(action) <= 2000),
    CONSTRAINT kept_forms_fields_check CHECK (jsonb_typeof(fields) = 'array')
);
CREATE INDEX kept_forms_user_idx ON kept_forms (user_id, created_at);
CREATE INDEX kept_forms_created_idx ON kept_forms (created_at);
