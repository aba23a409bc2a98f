-- Public offers: a need an adviser publishes, with a public title and text apart from the
-- internal description, the business named or not. An offer is open while it is published,
-- its need open (submitted, qualified, sourcing, partly filled) and its closing date not
-- past: the pages ask the need's status, so a need filled, closed or cancelled stops being
-- offered without anything to keep in step. One offer per need (published again, the same
-- offer is updated: its address stays).
CREATE TABLE published_offers (
    tenant_id       bigint NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    need_id         bigint NOT NULL,
    title           text NOT NULL,
    body            text NOT NULL,
    business_named  boolean NOT NULL,
    place_name      text NOT NULL,
    contract_kind   text NOT NULL,
    starts_on       date NOT NULL,
    ends_on         date,
    valid_through   date NOT NULL,
    published_at    timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    published_by    bigint,
    unpublished_at  timestamptz,
    unpublished_by  bigint,
    CONSTRAINT published_offers_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT published_offers_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES centres (id),
    CONSTRAINT published_offers_need_fkey FOREIGN KEY (tenant_id, need_id) REFERENCES job_needs (tenant_id, id),
    CONSTRAINT published_offers_published_by_fkey FOREIGN KEY (published_by) REFERENCES users (id),
    CONSTRAINT published_offers_unpublished_by_fkey FOREIGN KEY (unpublished_by) REFERENCES users (id),
    CONSTRAINT published_offers_once_per_need UNIQUE (tenant_id, need_id),
    CONSTRAINT published_offers_contract_check CHECK (contract_kind IN ('cdi', 'cdd', 'seasonal_cdd', 'apprenticeship', 'professionalisation', 'temporary', 'shared_time')),
    CONSTRAINT published_offers_dates_check CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX published_offers_published_idx ON published_offers (tenant_id, published_at) WHERE unpublished_at IS NULL;
ALTER TABLE published_offers ENABLE ROW LEVEL SECURITY;
ALTER TABLE published_offers FORCE ROW LEVEL SECURITY;
CREATE POLICY published_offers_tenant ON published_offers
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- An application sent from an offer: its message, the candidate's choice to be kept for
-- other posts, and, when the person was already in the pool, why they were recognised (the
-- adviser sees « déjà dans le vivier »). The application itself is an ordinary one, at
-- « Repéré ».
CREATE TABLE offer_applications (
    tenant_id             bigint NOT NULL,
    id                    bigint GENERATED ALWAYS AS IDENTITY,
    offer_id              bigint NOT NULL,
    application_id        bigint NOT NULL,
    message               text NOT NULL DEFAULT '',
    keep_for_other_posts  boolean NOT NULL,
    matched               text,
    received_at           timestamptz NOT NULL,
    CONSTRAINT offer_applications_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT offer_applications_offer_fkey FOREIGN KEY (tenant_id, offer_id) REFERENCES published_offers (tenant_id, id),
    CONSTRAINT offer_applications_application_fkey FOREIGN KEY (tenant_id, application_id) REFERENCES applications (tenant_id, id),
    CONSTRAINT offer_applications_once UNIQUE (tenant_id, application_id)
);
ALTER TABLE offer_applications ENABLE ROW LEVEL SECURITY;
ALTER TABLE offer_applications FORCE ROW LEVEL SECURITY;
CREATE POLICY offer_applications_tenant ON offer_applications
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- A new origin of candidates: those who applied on the centre's site.
ALTER TABLE candidates DROP CONSTRAINT candidates_source_check;
ALTER TABLE candidates ADD CONSTRAINT candidates_source_check
    CHECK (source IN ('france_travail', 'mission_locale', 'cap_emploi', 'spontaneous', 'referral', 'job_fair', 'other', 'centre_site'));
