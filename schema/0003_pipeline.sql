-- The recruitment pipeline: the centre's candidate pool (with accent-insensitive search),
-- their documents, applications on needs with their history, interviews, offers, and the
-- placements that hires create. Every table is a tenant table (see 0001).

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- unaccent() is only STABLE (its dictionary could change); naming the dictionary makes
-- this wrapper safe to declare IMMUTABLE, so that it can feed an index.
CREATE FUNCTION search_folded(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

CREATE TABLE candidates (
    tenant_id         bigint NOT NULL,
    id                bigint GENERATED ALWAYS AS IDENTITY,
    first_name        text NOT NULL,
    last_name         text NOT NULL,
    email             text,
    phone             text,
    commune_insee     text,
    commune_name      text NOT NULL DEFAULT '',
    birth_date        date,
    driving_licence   boolean NOT NULL DEFAULT false,
    own_vehicle       boolean NOT NULL DEFAULT false,
    travel_km         integer,
    skills            text NOT NULL DEFAULT '',
    experience        text NOT NULL DEFAULT '',
    available_from    date,
    seasonal_windows  text NOT NULL DEFAULT '',
    wished_contracts  text[] NOT NULL DEFAULT '{}',
    source            text NOT NULL,
    notes             text NOT NULL DEFAULT '',
    consent_at        date,
    consent_scope     text NOT NULL DEFAULT '',
    purge_after       date NOT NULL,
    merged_into       bigint,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    email_key         text GENERATED ALWAYS AS (lower(btrim(email))) STORED,
    phone_key         text GENERATED ALWAYS AS (right(regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'), 9)) STORED,
    search_text       text GENERATED ALWAYS AS (
        search_folded(first_name || ' ' || last_name || ' ' || skills || ' ' || notes)) STORED,
    CONSTRAINT candidates_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT candidates_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES centres (id),
    CONSTRAINT candidates_merged_fkey FOREIGN KEY (tenant_id, merged_into) REFERENCES candidates (tenant_id, id),
    CONSTRAINT candidates_source_check CHECK (source IN ('france_travail', 'mission_locale', 'cap_emploi', 'spontaneous', 'referral', 'job_fair', 'other')),
    CONSTRAINT candidates_travel_check CHECK (travel_km IS NULL OR travel_km BETWEEN 0 AND 500)
);
CREATE INDEX candidates_search_idx ON candidates USING gin (search_text gin_trgm_ops);
CREATE INDEX candidates_email_idx ON candidates (tenant_id, email_key) WHERE merged_into IS NULL;
CREATE INDEX candidates_phone_idx ON candidates (tenant_id, phone_key) WHERE merged_into IS NULL;
CREATE INDEX candidates_name_idx ON candidates (tenant_id, last_name, first_name);
ALTER TABLE candidates ENABLE ROW LEVEL SECURITY;
ALTER TABLE candidates FORCE ROW LEVEL SECURITY;
CREATE POLICY candidates_tenant ON candidates
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- What happened to a candidate's record: created, edited, merged, documents added.
CREATE TABLE candidate_events (
    tenant_id     bigint NOT NULL,
    id            bigint GENERATED ALWAYS AS IDENTITY,
    candidate_id  bigint NOT NULL,
    at            timestamptz NOT NULL,
    actor_id      bigint,
    kind          text NOT NULL,
    detail        text NOT NULL DEFAULT '',
    CONSTRAINT candidate_events_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT candidate_events_candidate_fkey FOREIGN KEY (tenant_id, candidate_id) REFERENCES candidates (tenant_id, id),
    CONSTRAINT candidate_events_actor_fkey FOREIGN KEY (actor_id) REFERENCES users (id)
);
CREATE INDEX candidate_events_candidate_idx ON candidate_events (tenant_id, candidate_id, at);
ALTER TABLE candidate_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE candidate_events FORCE ROW LEVEL SECURITY;
CREATE POLICY candidate_events_tenant ON candidate_events
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

CREATE TABLE candidate_documents (
    tenant_id     bigint NOT NULL,
    id            bigint GENERATED ALWAYS AS IDENTITY,
    candidate_id  bigint NOT NULL,
    filename      text NOT NULL,
    content       bytea NOT NULL,
    size          integer NOT NULL,
    sha256        text NOT NULL,
    uploaded_by   bigint,
    uploaded_at   timestamptz NOT NULL,
    CONSTRAINT candidate_documents_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT candidate_documents_candidate_fkey FOREIGN KEY (tenant_id, candidate_id) REFERENCES candidates (tenant_id, id),
    CONSTRAINT candidate_documents_uploader_fkey FOREIGN KEY (uploaded_by) REFERENCES users (id),
    CONSTRAINT candidate_documents_size_check CHECK (size BETWEEN 1 AND 5242880)
);
CREATE INDEX candidate_documents_candidate_idx ON candidate_documents (tenant_id, candidate_id);
ALTER TABLE candidate_documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE candidate_documents FORCE ROW LEVEL SECURITY;
CREATE POLICY candidate_documents_tenant ON candidate_documents
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- Why applications end: a list each centre can edit.
CREATE TABLE rejection_reasons (
    tenant_id  bigint NOT NULL,
    id         bigint GENERATED ALWAYS AS IDENTITY,
    label      text NOT NULL,
    active     boolean NOT NULL DEFAULT true,
    position   integer NOT NULL DEFAULT 0,
    CONSTRAINT rejection_reasons_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT rejection_reasons_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES centres (id),
    CONSTRAINT rejection_reasons_label_key UNIQUE (tenant_id, label)
);
ALTER TABLE rejection_reasons ENABLE ROW LEVEL SECURITY;
ALTER TABLE rejection_reasons FORCE ROW LEVEL SECURITY;
CREATE POLICY rejection_reasons_tenant ON rejection_reasons
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

CREATE TABLE applications (
    tenant_id            bigint NOT NULL,
    id                   bigint GENERATED ALWAYS AS IDENTITY,
    need_id              bigint NOT NULL,
    candidate_id         bigint NOT NULL,
    stage                text NOT NULL DEFAULT 'sourced',
    rejection_reason_id  bigint,
    ending_note          text NOT NULL DEFAULT '',
    employer_answer      text,
    employer_note        text NOT NULL DEFAULT '',
    employer_answered_at timestamptz,
    presented_at         timestamptz,
    created_at           timestamptz NOT NULL,
    last_move_at         timestamptz NOT NULL,
    created_by           bigint,
    CONSTRAINT applications_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT applications_need_fkey FOREIGN KEY (tenant_id, need_id) REFERENCES job_needs (tenant_id, id),
    CONSTRAINT applications_candidate_fkey FOREIGN KEY (tenant_id, candidate_id) REFERENCES candidates (tenant_id, id),
    CONSTRAINT applications_reason_fkey FOREIGN KEY (tenant_id, rejection_reason_id) REFERENCES rejection_reasons (tenant_id, id),
    CONSTRAINT applications_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id),
    CONSTRAINT applications_once_per_need UNIQUE (tenant_id, need_id, candidate_id),
    CONSTRAINT applications_stage_check CHECK (stage IN ('sourced', 'screening', 'presented', 'interview', 'offer', 'hired', 'rejected', 'withdrawn')),
    CONSTRAINT applications_answer_check CHECK (employer_answer IS NULL OR employer_answer IN ('interview', 'declined'))
);
CREATE INDEX applications_need_idx ON applications (tenant_id, need_id, stage);
CREATE INDEX applications_candidate_idx ON applications (tenant_id, candidate_id);
CREATE INDEX applications_last_move_idx ON applications (tenant_id, last_move_at) WHERE stage NOT IN ('hired', 'rejected', 'withdrawn');
ALTER TABLE applications ENABLE ROW LEVEL SECURITY;
ALTER TABLE applications FORCE ROW LEVEL SECURITY;
CREATE POLICY applications_tenant ON applications
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

CREATE TABLE application_events (
    tenant_id       bigint NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    application_id  bigint NOT NULL,
    at              timestamptz NOT NULL,
    actor_id        bigint,
    from_stage      text,
    to_stage        text,
    comment         text NOT NULL DEFAULT '',
    CONSTRAINT application_events_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT application_events_application_fkey FOREIGN KEY (tenant_id, application_id) REFERENCES applications (tenant_id, id),
    CONSTRAINT application_events_actor_fkey FOREIGN KEY (actor_id) REFERENCES users (id)
);
CREATE INDEX application_events_application_idx ON application_events (tenant_id, application_id, at);
ALTER TABLE application_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE application_events FORCE ROW LEVEL SECURITY;
CREATE POLICY application_events_tenant ON application_events
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

CREATE TABLE interviews (
    tenant_id         bigint NOT NULL,
    id                bigint GENERATED ALWAYS AS IDENTITY,
    application_id    bigint NOT NULL,
    starts_at         timestamptz NOT NULL,
    duration_minutes  integer NOT NULL,
    mode              text NOT NULL,
    place             text NOT NULL DEFAULT '',
    attendees         text NOT NULL DEFAULT '',
    outcome           text,
    outcome_note      text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL,
    CONSTRAINT interviews_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT interviews_application_fkey FOREIGN KEY (tenant_id, application_id) REFERENCES applications (tenant_id, id),
    CONSTRAINT interviews_mode_check CHECK (mode IN ('in_person', 'phone', 'video')),
    CONSTRAINT interviews_duration_check CHECK (duration_minutes BETWEEN 5 AND 480),
    CONSTRAINT interviews_outcome_check CHECK (outcome IS NULL OR outcome IN ('positive', 'negative', 'no_show'))
);
CREATE INDEX interviews_starts_idx ON interviews (tenant_id, starts_at);
ALTER TABLE interviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE interviews FORCE ROW LEVEL SECURITY;
CREATE POLICY interviews_tenant ON interviews
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

CREATE TABLE offers (
    tenant_id       bigint NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    application_id  bigint NOT NULL,
    contract_kind   text NOT NULL,
    start_date      date NOT NULL,
    end_date        date,
    hours_per_week  numeric(4,1) NOT NULL,
    gross_pay       integer,
    status          text NOT NULL DEFAULT 'pending',
    decline_reason  text,
    created_at      timestamptz NOT NULL,
    answered_at     timestamptz,
    CONSTRAINT offers_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT offers_application_fkey FOREIGN KEY (tenant_id, application_id) REFERENCES applications (tenant_id, id),
    CONSTRAINT offers_status_check CHECK (status IN ('pending', 'accepted', 'declined')),
    CONSTRAINT offers_contract_check CHECK (contract_kind IN ('cdi', 'cdd', 'seasonal_cdd', 'apprenticeship', 'professionalisation', 'temporary', 'shared_time')),
    CONSTRAINT offers_dates_check CHECK (end_date IS NULL OR end_date >= start_date)
);
ALTER TABLE offers ENABLE ROW LEVEL SECURITY;
ALTER TABLE offers FORCE ROW LEVEL SECURITY;
CREATE POLICY offers_tenant ON offers
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- A hire: the fact every metric counts.
CREATE TABLE placements (
    tenant_id       bigint NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    business_id     bigint NOT NULL,
    candidate_id    bigint NOT NULL,
    need_id         bigint NOT NULL,
    application_id  bigint,
    contract_kind   text NOT NULL,
    start_date      date NOT NULL,
    end_date        date,
    hours_per_week  numeric(4,1) NOT NULL,
    full_time       boolean NOT NULL,
    newly_created   boolean NOT NULL,
    created_at      timestamptz NOT NULL,
    created_by      bigint,
    CONSTRAINT placements_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT placements_business_fkey FOREIGN KEY (tenant_id, business_id) REFERENCES businesses (tenant_id, id),
    CONSTRAINT placements_candidate_fkey FOREIGN KEY (tenant_id, candidate_id) REFERENCES candidates (tenant_id, id),
    CONSTRAINT placements_need_fkey FOREIGN KEY (tenant_id, need_id) REFERENCES job_needs (tenant_id, id),
    CONSTRAINT placements_application_fkey FOREIGN KEY (tenant_id, application_id) REFERENCES applications (tenant_id, id),
    CONSTRAINT placements_application_key UNIQUE (tenant_id, application_id),
    CONSTRAINT placements_contract_check CHECK (contract_kind IN ('cdi', 'cdd', 'seasonal_cdd', 'apprenticeship', 'professionalisation', 'temporary', 'shared_time')),
    CONSTRAINT placements_dates_check CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX placements_business_idx ON placements (tenant_id, business_id, start_date);
CREATE INDEX placements_start_idx ON placements (tenant_id, start_date);
ALTER TABLE placements ENABLE ROW LEVEL SECURITY;
ALTER TABLE placements FORCE ROW LEVEL SECURITY;
CREATE POLICY placements_tenant ON placements
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
