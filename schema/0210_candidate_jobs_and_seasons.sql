-- What a candidate looks for, in the ROME referential's words (up to three jobs, in the
-- order given), and when they are free for a season: dated windows, each for one year or
-- for every year (the same days each year), instead of the free text of
-- `candidates.seasonal_windows`, which stays as a note.
CREATE TABLE candidate_jobs (
    tenant_id       bigint NOT NULL,
    candidate_id    bigint NOT NULL,
    position        smallint NOT NULL,
    rome_code       text NOT NULL,
    -- The usual title picked, if the job was given by one (else the code alone).
    appellation_id  integer,
    CONSTRAINT candidate_jobs_pkey PRIMARY KEY (tenant_id, candidate_id, position),
    CONSTRAINT candidate_jobs_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES centres (id),
    CONSTRAINT candidate_jobs_candidate_fkey FOREIGN KEY (tenant_id, candidate_id) REFERENCES candidates (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT candidate_jobs_appellation_fkey FOREIGN KEY (appellation_id) REFERENCES rome_appellations (id),
    CONSTRAINT candidate_jobs_rome_fkey FOREIGN KEY (rome_code) REFERENCES rome_jobs (code),
    CONSTRAINT candidate_jobs_position_check CHECK (position BETWEEN 1 AND 3)
);
-- The pool by job, for the matching of a need to come.
CREATE INDEX candidate_jobs_rome_idx ON candidate_jobs (tenant_id, rome_code, candidate_id);
ALTER TABLE candidate_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE candidate_jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY candidate_jobs_tenant ON candidate_jobs
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

CREATE TABLE candidate_availability (
    tenant_id       bigint NOT NULL,
    candidate_id    bigint NOT NULL,
    position        smallint NOT NULL,
    starts_on       date NOT NULL,
    ends_on         date NOT NULL,
    -- The same days every year (a season worked each year), not only these dates.
    every_year      boolean NOT NULL DEFAULT false,
    CONSTRAINT candidate_availability_pkey PRIMARY KEY (tenant_id, candidate_id, position),
    CONSTRAINT candidate_availability_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES centres (id),
    CONSTRAINT candidate_availability_candidate_fkey FOREIGN KEY (tenant_id, candidate_id) REFERENCES candidates (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT candidate_availability_position_check CHECK (position BETWEEN 1 AND 3),
    CONSTRAINT candidate_availability_order_check CHECK (ends_on >= starts_on),
    CONSTRAINT candidate_availability_year_check CHECK (NOT every_year OR ends_on < starts_on + 365)
);
ALTER TABLE candidate_availability ENABLE ROW LEVEL SECURITY;
ALTER TABLE candidate_availability FORCE ROW LEVEL SECURITY;
CREATE POLICY candidate_availability_tenant ON candidate_availability
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
