-- Foundation: tenancy helpers, centres, users, memberships, businesses,
-- sessions, sign-in throttling, password resets, the outbox and form tokens.
--
-- Tenant tables carry tenant_id, are keyed (tenant_id, id), and have row-level
-- security ENABLEd and FORCEd with a policy on the transaction-local setting
-- renfort.tenant_id, which the server sets from the signed-in user's membership.

CREATE FUNCTION app_tenant_id() RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('renfort.tenant_id', true), '')::bigint $$;

CREATE FUNCTION app_user_id() RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('renfort.user_id', true), '')::bigint $$;

-- Centres are the tenants themselves: readable by every signed-in request.
CREATE TABLE centres (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    slug        text NOT NULL,
    name        text NOT NULL,
    territory   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT centres_pkey PRIMARY KEY (id),
    CONSTRAINT centres_slug_key UNIQUE (slug),
    CONSTRAINT centres_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
    CONSTRAINT centres_name_length CHECK (length(name) BETWEEN 1 AND 200)
);

CREATE TABLE users (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    email           text NOT NULL,
    display_name    text NOT NULL,
    password_hash   text,
    is_admin        boolean NOT NULL DEFAULT false,
    disabled_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_format CHECK (email ~ '^[^@\s]+@[^@\s]+$' AND length(email) <= 254)
);
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

CREATE TABLE businesses (
    tenant_id   bigint NOT NULL,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    siret       text NOT NULL,
    name        text NOT NULL,
    naf_code    text,
    headcount_band text,
    commune_insee text,
    commune_name  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT businesses_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT businesses_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES centres (id),
    CONSTRAINT businesses_siret_per_centre UNIQUE (tenant_id, siret),
    CONSTRAINT businesses_siret_format CHECK (siret ~ '^[0-9]{14}$')
);

CREATE TABLE memberships (
    tenant_id   bigint NOT NULL,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    user_id     bigint NOT NULL,
    role        text NOT NULL,
    business_id bigint,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT memberships_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT memberships_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES centres (id),
    CONSTRAINT memberships_user_fkey FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT memberships_business_fkey FOREIGN KEY (tenant_id, business_id)
        REFERENCES businesses (tenant_id, id),
    CONSTRAINT memberships_role_check CHECK (role IN ('adviser', 'employer', 'observer')),
    CONSTRAINT memberships_employer_business CHECK ((role = 'employer') = (business_id IS NOT NULL)),
    CONSTRAINT memberships_one_role_per_centre UNIQUE (tenant_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

ALTER TABLE businesses ENABLE ROW LEVEL SECURITY;
ALTER TABLE businesses FORCE ROW LEVEL SECURITY;
CREATE POLICY businesses_tenant ON businesses
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY memberships_tenant ON memberships
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
-- A signed-in user reads their own memberships (to know their centres) before a
-- centre is chosen; reading only, and only their own.
CREATE POLICY memberships_own ON memberships FOR SELECT
    USING (user_id = app_user_id());

-- Sessions: only the SHA-256 of the token is stored. user_id is NULL before sign-in.
CREATE TABLE sessions (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    token_hash      bytea NOT NULL,
    user_id         bigint,
    csrf_token      text NOT NULL,
    created_at      timestamptz NOT NULL,
    last_seen_at    timestamptz NOT NULL,
    CONSTRAINT sessions_pkey PRIMARY KEY (id),
    CONSTRAINT sessions_token_hash_key UNIQUE (token_hash),
    CONSTRAINT sessions_user_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_last_seen_idx ON sessions (last_seen_at);

CREATE TABLE sign_in_failures (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    email_lower     text NOT NULL,
    client_address  text NOT NULL,
    failed_at       timestamptz NOT NULL,
    CONSTRAINT sign_in_failures_pkey PRIMARY KEY (id)
);
CREATE INDEX sign_in_failures_email_idx ON sign_in_failures (email_lower, failed_at);
CREATE INDEX sign_in_failures_address_idx ON sign_in_failures (client_address, failed_at);

CREATE TABLE password_reset_tokens (
    token_hash  bytea NOT NULL,
    user_id     bigint NOT NULL,
    purpose     text NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CONSTRAINT password_reset_tokens_pkey PRIMARY KEY (token_hash),
    CONSTRAINT password_reset_tokens_user_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT password_reset_tokens_purpose_check CHECK (purpose IN ('reset', 'welcome'))
);

-- Messages to send, written in the same transaction as the change that causes them.
-- Delivery comes with the follow-ups issue; until then admins read them here.
CREATE TABLE outbox_messages (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    dedupe_key  text NOT NULL,
    kind        text NOT NULL,
    recipient   text NOT NULL,
    subject     text NOT NULL,
    body        text NOT NULL,
    created_at  timestamptz NOT NULL,
    sent_at     timestamptz,
    CONSTRAINT outbox_messages_pkey PRIMARY KEY (id),
    CONSTRAINT outbox_messages_dedupe_key UNIQUE (dedupe_key)
);

-- One row per form submission token: a second submit of the same form finds
-- its token here and is sent to the first one's result instead of writing again.
CREATE TABLE form_submissions (
    token       text NOT NULL,
    result_path text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT form_submissions_pkey PRIMARY KEY (token)
);
