-- The ROME referential (répertoire opérationnel des métiers et des emplois, France Travail):
-- its codes and their usual titles (appellations), so that needs, candidates and the
-- matching speak the same words. `renfort migrate` fills both tables from
-- `schema/data/rome.csv` and `schema/data/rome-appellations.csv` after the migrations
-- (`RomeReferential`): a new snapshot of the referential is a new pair of files, not a
-- migration. Not a centre's data: no tenant, no row-level security, and the server's role
-- only reads them (the migrator revokes the rest at each migrate).
CREATE TABLE rome_jobs (
    code        text NOT NULL,
    label       text NOT NULL,
    CONSTRAINT rome_jobs_pkey PRIMARY KEY (code),
    CONSTRAINT rome_jobs_code_format CHECK (code ~ '^[A-N][0-9]{4}$')
);

CREATE TABLE rome_appellations (
    id          integer NOT NULL,
    label       text NOT NULL,
    rome_code   text NOT NULL,
    -- The label in lower case, without accents, its words separated by single spaces:
    -- what a typed title is compared with (written by the loader, `JobTitles.fold`).
    folded      text NOT NULL,
    CONSTRAINT rome_appellations_pkey PRIMARY KEY (id),
    CONSTRAINT rome_appellations_rome_fkey FOREIGN KEY (rome_code) REFERENCES rome_jobs (code),
    CONSTRAINT rome_appellations_folded_key UNIQUE (folded)
);
CREATE INDEX rome_appellations_rome_idx ON rome_appellations (rome_code);

-- The job title a need was given from the referential; its ROME code stays in `rome_code`
-- (a need may carry a code alone: those typed before the referential, or by code).
ALTER TABLE job_needs ADD COLUMN appellation_id integer;
ALTER TABLE job_needs ADD CONSTRAINT job_needs_appellation_fkey FOREIGN KEY (appellation_id) REFERENCES rome_appellations (id);
