-- Dashboards: the NAF section of a business (the sector filter), indexes for the figures,
-- and the personal API tokens of the pull API.

-- The section (A–U) of a NAF rév. 2 code such as '56.10A', from its division (first two digits).
CREATE FUNCTION naf_section(code text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE
        WHEN code IS NULL OR code !~ '^[0-9]{2}' THEN NULL
        WHEN left(code, 2)::int BETWEEN 1 AND 3 THEN 'A'
        WHEN left(code, 2)::int BETWEEN 5 AND 9 THEN 'B'
        WHEN left(code, 2)::int BETWEEN 10 AND 33 THEN 'C'
        WHEN left(code, 2)::int = 35 THEN 'D'
        WHEN left(code, 2)::int BETWEEN 36 AND 39 THEN 'E'
        WHEN left(code, 2)::int BETWEEN 41 AND 43 THEN 'F'
        WHEN left(code, 2)::int BETWEEN 45 AND 47 THEN 'G'
        WHEN left(code, 2)::int BETWEEN 49 AND 53 THEN 'H'
        WHEN left(code, 2)::int BETWEEN 55 AND 56 THEN 'I'
        WHEN left(code, 2)::int BETWEEN 58 AND 63 THEN 'J'
        WHEN left(code, 2)::int BETWEEN 64 AND 66 THEN 'K'
        WHEN left(code, 2)::int = 68 THEN 'L'
        WHEN left(code, 2)::int BETWEEN 69 AND 75 THEN 'M'
        WHEN left(code, 2)::int BETWEEN 77 AND 82 THEN 'N'
        WHEN left(code, 2)::int = 84 THEN 'O'
        WHEN left(code, 2)::int = 85 THEN 'P'
        WHEN left(code, 2)::int BETWEEN 86 AND 88 THEN 'Q'
        WHEN left(code, 2)::int BETWEEN 90 AND 93 THEN 'R'
        WHEN left(code, 2)::int BETWEEN 94 AND 96 THEN 'S'
        WHEN left(code, 2)::int BETWEEN 97 AND 98 THEN 'T'
        WHEN left(code, 2)::int = 99 THEN 'U'
    END
    $$;

-- Time to fill reads each need's placements; the funnel reads applications by creation date.
CREATE INDEX placements_need_idx ON placements (tenant_id, need_id, start_date);
CREATE INDEX placements_candidate_idx ON placements (tenant_id, candidate_id, start_date);
CREATE INDEX applications_created_idx ON applications (tenant_id, created_at);

-- Personal API tokens: a person's, named, revocable. Only the SHA-256 of the token is kept.
CREATE TABLE api_tokens (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id),
    name          text NOT NULL,
    token_hash    text NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    CONSTRAINT api_tokens_name_check CHECK (length(name) BETWEEN 1 AND 80)
);
CREATE UNIQUE INDEX api_tokens_live_name_key ON api_tokens (user_id, lower(name)) WHERE revoked_at IS NULL;
