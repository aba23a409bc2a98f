-- The outbox carries more than plain mail: a text message (SMS) to a candidate with a
-- mobile phone and no e-mail, a Reply-To so that a candidate's answer reaches the adviser,
-- and one attachment (the interview's .ics invitation).
ALTER TABLE outbox_messages
    ADD COLUMN channel          text NOT NULL DEFAULT 'email',
    ADD COLUMN reply_to         text,
    ADD COLUMN attachment_name  text,
    ADD COLUMN attachment_type  text,
    ADD COLUMN attachment       text,
    ADD CONSTRAINT outbox_messages_channel_check CHECK (channel IN ('email', 'sms')),
    ADD CONSTRAINT outbox_messages_attachment_check CHECK (
        (attachment IS NULL) = (attachment_name IS NULL) AND (attachment IS NULL) = (attachment_type IS NULL)
        AND (channel = 'email' OR (attachment IS NULL AND reply_to IS NULL)));
