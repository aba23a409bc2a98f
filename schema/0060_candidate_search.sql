-- The pool's search as PostgreSQL's full-text search, in French, without accents; the folded
-- name that finds a person again under another e-mail; the contacts a merge keeps.

-- French words reduced to their stem (cuisinières → cuisinier, Hélène → helen) after their
-- accents are taken off (unaccent, a filtering dictionary, passes the bare word on to the
-- stemmer). French stop words (de, la, chez…) are left out.
CREATE TEXT SEARCH CONFIGURATION renfort_fr (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION renfort_fr
    ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, pg_catalog.french_stem;

-- What a search reads, weighted: the name (A) and skills (B) above experience and seasonal
-- availability (C), above notes (D). Kept by the database on every write; the GIN index
-- answers `@@` (prefix queries included) without reading the table.
ALTER TABLE candidates ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('public.renfort_fr', first_name || ' ' || last_name), 'A')
    || setweight(to_tsvector('public.renfort_fr', skills), 'B')
    || setweight(to_tsvector('public.renfort_fr', experience || ' ' || seasonal_windows), 'C')
    || setweight(to_tsvector('public.renfort_fr', notes), 'D')) STORED;
CREATE INDEX candidates_search_vector_idx ON candidates USING gin (search_vector);

-- The trigram search it replaces: its index costs every write and nothing reads it now.
DROP INDEX candidates_search_idx;
ALTER TABLE candidates DROP COLUMN search_text;

-- A search's words as a query, every word required: each word's stem as a prefix (cuis →
-- cuis:*, cuisinier → cuisini:*) or its family's root, the stem less a trade's ending (-ier,
-- -er, -eur, -eux, -ag, -ur, -i) when at least four letters remain: cuisinier, cuisinière and
-- cuisine all come under cuisin:*. NULL when no word is left (only stop words).
CREATE FUNCTION search_query(words text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$
    SELECT string_agg(format('(%s:* | %s:*)', quote_literal(stem),
               quote_literal(coalesce(substring(stem FROM '^(.{4,}?)(ier|er|eur|eux|ag|ur|i)$'), stem))), ' & ')::tsquery
    FROM unnest(tsvector_to_array(to_tsvector('public.renfort_fr', words))) AS stem
    $$;

-- The name folded as people write it differently: case, accents, hyphens, spaces and
-- apostrophes left out (« Jean-Marie N'Diaye » = « jean marie ndiaye »), and the commune too.
CREATE FUNCTION name_folded(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT regexp_replace(search_folded($1), '[^a-z0-9]+', '', 'g') $$;
ALTER TABLE candidates
    ADD COLUMN name_key text GENERATED ALWAYS AS (name_folded(first_name || last_name)) STORED,
    ADD COLUMN commune_key text GENERATED ALWAYS AS (name_folded(commune_name)) STORED;
CREATE INDEX candidates_name_key_idx ON candidates (tenant_id, name_key) WHERE merged_into IS NULL;
-- The records merged into one, whose applications its page lists.
CREATE INDEX candidates_merged_idx ON candidates (tenant_id, merged_into) WHERE merged_into IS NOT NULL;

-- The e-mails and phones a record holds besides its own: those of the records merged into it.
-- The duplicates' check reads them too, so that an old address still finds the person.
CREATE TABLE candidate_contacts (
    tenant_id          bigint NOT NULL,
    id                 bigint GENERATED ALWAYS AS IDENTITY,
    candidate_id       bigint NOT NULL,
    kind               text NOT NULL,
    value              text NOT NULL,
    contact_key        text GENERATED ALWAYS AS (CASE kind
        WHEN 'email' THEN lower(btrim(value))
        ELSE right(regexp_replace(value, '[^0-9]', '', 'g'), 9) END) STORED,
    from_candidate_id  bigint NOT NULL,
    added_at           timestamptz NOT NULL,
    CONSTRAINT candidate_contacts_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT candidate_contacts_candidate_fkey FOREIGN KEY (tenant_id, candidate_id) REFERENCES candidates (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT candidate_contacts_from_fkey FOREIGN KEY (tenant_id, from_candidate_id) REFERENCES candidates (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT candidate_contacts_kind_check CHECK (kind IN ('email', 'phone')),
    CONSTRAINT candidate_contacts_once UNIQUE (tenant_id, candidate_id, kind, contact_key)
);
CREATE INDEX candidate_contacts_key_idx ON candidate_contacts (tenant_id, kind, contact_key);
ALTER TABLE candidate_contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE candidate_contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY candidate_contacts_tenant ON candidate_contacts
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
