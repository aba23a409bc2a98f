-- The pool's search as PostgreSQL's full-text search, in French, without accents; the folded
-- name that finds a person again under another e-mail; the contacts a merge keeps.

-- French words reduced to their stem (cuisinières → cuisinier, Hélène → helen) after their
-- accents are taken off (unaccent, a filtering dictionary, passes the bare word on to the
-- stemmer). French stop words (de, la, chez…) are left out.
CREATE TEXT SEARCH CONFIGURATION renfort_fr (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION renfort_fr
    ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, pg_catalog.french_stem;

-- What a search reads, weighted: the name (A) and skills (B) above experience and seasonal
-- availability (C), above notes (D).
CREATE FUNCTION candidate_search_vector(first_name text, last_name text, skills text, experience text, seasonal_windows text, notes text)
    RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$
    SELECT setweight(to_tsvector('public.renfort_fr', first_name || ' ' || last_name), 'A')
        || setweight(to_tsvector('public.renfort_fr', skills), 'B')
        || setweight(to_tsvector('public.renfort_fr', experience || ' ' || seasonal_windows), 'C')
        || setweight(to_tsvector('public.renfort_fr', notes), 'D')
    $$;

-- Each candidate's words, in a table of their own with its GIN index. Not on `candidates`:
-- under row-level security, PostgreSQL uses an index only for operators marked leakproof
-- (`=` is, `@@` is not), so a search of `candidates` read every row of the table (255 ms for
-- one person among 100 000). This table's security is enabled but not forced: the centre's
-- own rows for the application's role, and its owner's function `candidate_search_matches`
-- below, which reads it through the index and keeps the caller's centre itself.
-- It holds the active records only (a merged one leaves it), and their names, so that a
-- search without other filters counts, ranks and cuts its page here, and reads only that
-- page's 25 records (a search matching 14 000 candidates read each of them: 117 ms).
CREATE TABLE candidate_search (
    tenant_id     bigint NOT NULL,
    candidate_id  bigint NOT NULL,
    vector        tsvector NOT NULL,
    last_name     text NOT NULL,
    first_name    text NOT NULL,
    CONSTRAINT candidate_search_pkey PRIMARY KEY (tenant_id, candidate_id),
    CONSTRAINT candidate_search_candidate_fkey FOREIGN KEY (tenant_id, candidate_id) REFERENCES candidates (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX candidate_search_vector_idx ON candidate_search USING gin (vector);
ALTER TABLE candidate_search ENABLE ROW LEVEL SECURITY;
CREATE POLICY candidate_search_tenant ON candidate_search
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- Kept by the database: written with the candidate, in the same transaction; a merged
-- record leaves it.
CREATE FUNCTION candidates_search_write() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.merged_into IS NOT NULL THEN
        DELETE FROM candidate_search WHERE tenant_id = NEW.tenant_id AND candidate_id = NEW.id;
        RETURN NULL;
    END IF;
    INSERT INTO candidate_search (tenant_id, candidate_id, vector, last_name, first_name)
    VALUES (NEW.tenant_id, NEW.id,
            candidate_search_vector(NEW.first_name, NEW.last_name, NEW.skills, NEW.experience, NEW.seasonal_windows, NEW.notes),
            NEW.last_name, NEW.first_name)
    ON CONFLICT ON CONSTRAINT candidate_search_pkey
        DO UPDATE SET vector = EXCLUDED.vector, last_name = EXCLUDED.last_name, first_name = EXCLUDED.first_name;
    RETURN NULL;
END $$;
CREATE TRIGGER candidates_search_write
    AFTER INSERT OR UPDATE OF first_name, last_name, skills, experience, seasonal_windows, notes, merged_into
    ON candidates FOR EACH ROW EXECUTE FUNCTION candidates_search_write();

-- Existing rows: the owner reads every centre's candidates while the table is not forced.
ALTER TABLE candidates NO FORCE ROW LEVEL SECURITY;
INSERT INTO candidate_search (tenant_id, candidate_id, vector, last_name, first_name)
SELECT tenant_id, id, candidate_search_vector(first_name, last_name, skills, experience, seasonal_windows, notes), last_name, first_name
FROM candidates WHERE merged_into IS NULL;
ALTER TABLE candidates FORCE ROW LEVEL SECURITY;

-- The trigram search it replaces: its index costs every write and could not be used anyway.
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

-- The caller's centre's active candidates that `query` matches, ranked: ts_rank with the
-- weights of D, C, B, A (notes 0.1, experience and seasons 0.2, skills 0.4, name 1), and
-- their names to order ties. As the owner of `candidate_search`, it reads it through its
-- index; it keeps to the centre set for the transaction (app_tenant_id(); none: nothing).
CREATE FUNCTION candidate_search_matches(query tsquery)
    RETURNS TABLE (candidate_id bigint, rank real, last_name text, first_name text)
    LANGUAGE sql STABLE SECURITY DEFINER PARALLEL SAFE ROWS 1000
    SET search_path = pg_catalog, public
    AS $$
    SELECT s.candidate_id, ts_rank('{0.1, 0.2, 0.4, 1.0}', s.vector, query), s.last_name, s.first_name
    FROM public.candidate_search s
    WHERE s.vector @@ query AND s.tenant_id = public.app_tenant_id()
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
