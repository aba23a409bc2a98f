-- Notifications: what each person chose per kind (at once, in the daily digest, never), and
-- what waits for their next digest. Both per person and per centre, under row-level security.

CREATE TABLE notification_preferences (
    tenant_id   bigint NOT NULL,
    user_id     bigint NOT NULL,
    kind        text NOT NULL,
    delivery    text NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT notification_preferences_pkey PRIMARY KEY (tenant_id, user_id, kind),
    CONSTRAINT notification_preferences_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES centres (id),
    CONSTRAINT notification_preferences_user_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT notification_preferences_delivery_check CHECK (delivery IN ('immediate', 'digest', 'never'))
);
ALTER TABLE notification_preferences ENABLE ROW LEVEL SECURITY;
ALTER TABLE notification_preferences FORCE ROW LEVEL SECURITY;
CREATE POLICY notification_preferences_tenant ON notification_preferences
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- One line of a person's next digest. digest_key is the outbox key of the digest that
-- carried it (NULL while it waits); dedupe_key makes a cause counted twice wait once.
CREATE TABLE notification_digest_items (
    tenant_id   bigint NOT NULL,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    user_id     bigint NOT NULL,
    kind        text NOT NULL,
    dedupe_key  text NOT NULL,
    subject     text NOT NULL,
    link        text NOT NULL,
    created_at  timestamptz NOT NULL,
    digest_key  text,
    CONSTRAINT notification_digest_items_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT notification_digest_items_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES centres (id),
    CONSTRAINT notification_digest_items_user_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT notification_digest_items_dedupe_key UNIQUE (tenant_id, dedupe_key)
);
CREATE INDEX notification_digest_items_pending_idx ON notification_digest_items (tenant_id, user_id, created_at) WHERE digest_key IS NULL;
ALTER TABLE notification_digest_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE notification_digest_items FORCE ROW LEVEL SECURITY;
CREATE POLICY notification_digest_items_tenant ON notification_digest_items
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
