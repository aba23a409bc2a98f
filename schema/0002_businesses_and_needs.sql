-- Businesses in full, their history, join requests, and employers' job needs with
-- their life cycle. Every new table is a tenant table (see 0001).

ALTER TABLE businesses
    ADD COLUMN address        text,
    ADD COLUMN contact_name   text,
    ADD COLUMN phone          text,
    ADD COLUMN email          text,
    ADD COLUMN member_since   date,
    ADD COLUMN notes          text,
    ADD COLUMN status         text NOT NULL DEFAULT 'member',
    ADD COLUMN decline_reason text,
    ADD COLUMN requested_from text,
    ADD COLUMN updated_at     timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT businesses_status_check CHECK (status IN ('member', 'pending', 'declined')),
    ADD CONSTRAINT businesses_naf_format CHECK (naf_code IS NULL OR naf_code ~ '^[0-9]{2}\.[0-9]{2}[A-Z]$'),
    ADD CONSTRAINT businesses_headcount_check CHECK (headcount_band IS NULL OR headcount_band IN ('0', '1-9', '10-49', '50-249')),
    ADD CONSTRAINT businesses_insee_format CHECK (commune_insee IS NULL OR commune_insee ~ '^[0-9][0-9AB][0-9]{3}$');
CREATE INDEX businesses_status_idx ON businesses (tenant_id, status);

-- What happened to a business: created, edited, invited, access revoked, joined, declined.
CREATE TABLE business_events (
    tenant_id    bigint NOT NULL,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    business_id  bigint NOT NULL,
    at           timestamptz NOT NULL,
    actor_id     bigint,
    kind         text NOT NULL,
    detail       text NOT NULL DEFAULT '',
    CONSTRAINT business_events_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT business_events_business_fkey FOREIGN KEY (tenant_id, business_id) REFERENCES businesses (tenant_id, id),
    CONSTRAINT business_events_actor_fkey FOREIGN KEY (actor_id) REFERENCES users (id)
);
CREATE INDEX business_events_business_idx ON business_events (tenant_id, business_id, at);
ALTER TABLE business_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE business_events FORCE ROW LEVEL SECURITY;
CREATE POLICY business_events_tenant ON business_events
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

CREATE TABLE job_needs (
    tenant_id           bigint NOT NULL,
    id                  bigint GENERATED ALWAYS AS IDENTITY,
    business_id         bigint NOT NULL,
    title               text NOT NULL,
    rome_code           text,
    description         text NOT NULL,
    contract_kind       text NOT NULL,
    full_time           boolean NOT NULL,
    hours_per_week      numeric(4,1) NOT NULL,
    positions           integer NOT NULL,
    positions_filled    integer NOT NULL DEFAULT 0,
    wished_start        date NOT NULL,
    end_date            date,
    season_start        date,
    season_end          date,
    season_recurring    boolean NOT NULL DEFAULT false,
    place_insee         text,
    place_name          text NOT NULL,
    pay_min             integer,
    pay_max             integer,
    skills              text NOT NULL DEFAULT '',
    driving_licence     boolean NOT NULL DEFAULT false,
    other_licences      text NOT NULL DEFAULT '',
    certificates        text NOT NULL DEFAULT '',
    experience          text NOT NULL DEFAULT '',
    newly_created       boolean NOT NULL,
    hard_to_fill        boolean NOT NULL DEFAULT false,
    hard_to_fill_reasons text[] NOT NULL DEFAULT '{}',
    hard_to_fill_other  text NOT NULL DEFAULT '',
    housing_offered     boolean NOT NULL DEFAULT false,
    notes               text NOT NULL DEFAULT '',
    status              text NOT NULL DEFAULT 'submitted',
    cancel_reason       text,
    adviser_id          bigint,
    created_by          bigint,
    submitted_at        timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    CONSTRAINT job_needs_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT job_needs_business_fkey FOREIGN KEY (tenant_id, business_id) REFERENCES businesses (tenant_id, id),
    CONSTRAINT job_needs_adviser_fkey FOREIGN KEY (adviser_id) REFERENCES users (id),
    CONSTRAINT job_needs_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id),
    CONSTRAINT job_needs_status_check CHECK (status IN ('submitted', 'qualified', 'sourcing', 'filled', 'partly_filled', 'closed', 'cancelled')),
    CONSTRAINT job_needs_contract_check CHECK (contract_kind IN ('cdi', 'cdd', 'seasonal_cdd', 'apprenticeship', 'professionalisation', 'temporary', 'shared_time')),
    CONSTRAINT job_needs_positions_check CHECK (positions BETWEEN 1 AND 50 AND positions_filled BETWEEN 0 AND positions),
    CONSTRAINT job_needs_hours_check CHECK (hours_per_week > 0 AND hours_per_week <= 48),
    CONSTRAINT job_needs_pay_check CHECK (pay_min IS NULL OR pay_max IS NULL OR pay_min <= pay_max),
    CONSTRAINT job_needs_dates_check CHECK (end_date IS NULL OR end_date >= wished_start),
    CONSTRAINT job_needs_season_check CHECK ((season_start IS NULL) = (season_end IS NULL) AND (season_end IS NULL OR season_end >= season_start)),
    CONSTRAINT job_needs_seasonal_window CHECK (contract_kind <> 'seasonal_cdd' OR season_start IS NOT NULL),
    CONSTRAINT job_needs_rome_format CHECK (rome_code IS NULL OR rome_code ~ '^[A-N][0-9]{4}$'),
    CONSTRAINT job_needs_cancel_reason CHECK ((status = 'cancelled') = (cancel_reason IS NOT NULL))
);
CREATE INDEX job_needs_status_idx ON job_needs (tenant_id, status, submitted_at);
CREATE INDEX job_needs_business_idx ON job_needs (tenant_id, business_id);
ALTER TABLE job_needs ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_needs FORCE ROW LEVEL SECURITY;
CREATE POLICY job_needs_tenant ON job_needs
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- The history of a need: every status change, edit, qualification and comment.
CREATE TABLE job_need_events (
    tenant_id    bigint NOT NULL,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    need_id      bigint NOT NULL,
    at           timestamptz NOT NULL,
    actor_id     bigint,
    kind         text NOT NULL,
    from_status  text,
    to_status    text,
    comment      text NOT NULL DEFAULT '',
    CONSTRAINT job_need_events_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT job_need_events_need_fkey FOREIGN KEY (tenant_id, need_id) REFERENCES job_needs (tenant_id, id),
    CONSTRAINT job_need_events_actor_fkey FOREIGN KEY (actor_id) REFERENCES users (id),
    CONSTRAINT job_need_events_kind_check CHECK (kind IN ('submitted', 'status', 'edited', 'qualified', 'comment'))
);
CREATE INDEX job_need_events_need_idx ON job_need_events (tenant_id, need_id, at);
ALTER TABLE job_need_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_need_events FORCE ROW LEVEL SECURITY;
CREATE POLICY job_need_events_tenant ON job_need_events
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- Public forms (join requests) per client address, for their rate limit. No personal data.
CREATE TABLE public_form_posts (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    form            text NOT NULL,
    client_address  text NOT NULL,
    at              timestamptz NOT NULL,
    CONSTRAINT public_form_posts_pkey PRIMARY KEY (id)
);
CREATE INDEX public_form_posts_address_idx ON public_form_posts (client_address, form, at);

ALTER TABLE password_reset_tokens DROP CONSTRAINT password_reset_tokens_purpose_check;
ALTER TABLE password_reset_tokens ADD CONSTRAINT password_reset_tokens_purpose_check
    CHECK (purpose IN ('reset', 'welcome', 'invitation'));
