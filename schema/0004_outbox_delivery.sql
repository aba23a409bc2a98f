-- Delivery of the outbox: attempts, the next try (backoff), the last error, and a lease
-- so that two server processes never send the same message at the same time.
ALTER TABLE outbox_messages
    ADD COLUMN attempts         integer NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at  timestamptz,
    ADD COLUMN claimed_until    timestamptz,
    ADD COLUMN last_error       text;
UPDATE outbox_messages SET next_attempt_at = created_at WHERE next_attempt_at IS NULL;
ALTER TABLE outbox_messages ALTER COLUMN next_attempt_at SET NOT NULL;
CREATE INDEX outbox_messages_due_idx ON outbox_messages (next_attempt_at) WHERE sent_at IS NULL;
