-- Personal data, information and consent: how to reach the centre (its notice names it as the
-- controller), when each candidate was informed and last acted themselves, and the links that
-- ask a candidate for their consent or whether to stay before their record's purge.

-- The controller's contact details, as the centre's notice gives them (set by its advisers).
ALTER TABLE centres
    ADD COLUMN postal_address text NOT NULL DEFAULT '',
    ADD COLUMN contact_email  text NOT NULL DEFAULT '',
    ADD COLUMN contact_phone  text NOT NULL DEFAULT '',
    ADD CONSTRAINT centres_contact_length CHECK (length(postal_address) <= 500 AND length(contact_email) <= 254 AND length(contact_phone) <= 30);

-- notice_sent_at: when the information notice was queued to the record's e-mail address;
-- notice_handed_on: the day an adviser handed the printed notice to a person without one;
-- last_contact_at: the person's own last action (an answer, a click on a link of the centre,
-- an application, opening their own page), from which the retention period runs.
ALTER TABLE candidates
    ADD COLUMN notice_sent_at   timestamptz,
    ADD COLUMN notice_handed_on date,
    ADD COLUMN last_contact_at  timestamptz;

-- A question asked by e-mail, answered yes or no on the centre's page: 'consent' (to be kept
-- for other posts) or 'stay' (a month before the purge date `purge_on`, asked once per date).
-- Only the token's SHA-256 is kept; a link serves once. It goes with its record.
CREATE TABLE candidate_questions (
    tenant_id     bigint NOT NULL,
    id            bigint GENERATED ALWAYS AS IDENTITY,
    candidate_id  bigint NOT NULL,
    purpose       text NOT NULL,
    purge_on      date,
    token_hash    bytea NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    answered_at   timestamptz,
    answer        text,
    CONSTRAINT candidate_questions_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT candidate_questions_candidate_fkey FOREIGN KEY (tenant_id, candidate_id) REFERENCES candidates (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT candidate_questions_token_key UNIQUE (token_hash),
    CONSTRAINT candidate_questions_purpose_check CHECK (purpose IN ('consent', 'stay')),
    CONSTRAINT candidate_questions_answer_check CHECK (answer IN ('yes', 'no') AND answered_at IS NOT NULL OR answer IS NULL AND answered_at IS NULL),
    CONSTRAINT candidate_questions_stay_check CHECK ((purpose = 'stay') = (purge_on IS NOT NULL)),
    CONSTRAINT candidate_questions_expiry_check CHECK (expires_at > created_at)
);
CREATE INDEX candidate_questions_candidate_idx ON candidate_questions (tenant_id, candidate_id, created_at);
-- The stay question once per record and purge date, whatever runs the reminders.
CREATE UNIQUE INDEX candidate_questions_stay_key ON candidate_questions (tenant_id, candidate_id, purge_on) WHERE purpose = 'stay';
ALTER TABLE candidate_questions ENABLE ROW LEVEL SECURITY;
ALTER TABLE candidate_questions FORCE ROW LEVEL SECURITY;
CREATE POLICY candidate_questions_tenant ON candidate_questions
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

