-- The records whose purge date comes within a month and that have an e-mail address, for the
-- question "may the centre keep your record?" (RetentionQuestions, every hour): built on the
-- rows already there.
CREATE INDEX candidates_purge_soon_idx ON candidates (tenant_id, purge_after) WHERE merged_into IS NULL AND erased_at IS NULL AND email IS NOT NULL;
