-- The catalogue of 0161, for what 0170 and 0180 added (PersonalDataCatalogueTests).
COMMENT ON TABLE candidate_questions IS '[candidat : supprimé] les questions posées par e-mail (consentement, rester dans le vivier)';
COMMENT ON COLUMN candidates.notice_sent_at IS '[gardé] une date, sans identité';
COMMENT ON COLUMN candidates.notice_handed_on IS '[gardé] une date, sans identité';
COMMENT ON COLUMN candidates.last_contact_at IS '[gardé] une date, sans identité';
COMMENT ON TABLE candidate_access_log IS '[candidat] qui a consulté une fiche : des numéros, aucun nom ; gardé un an';
COMMENT ON COLUMN candidate_access_log.tenant_id IS '[gardé]';
COMMENT ON COLUMN candidate_access_log.id IS '[gardé]';
COMMENT ON COLUMN candidate_access_log.candidate_id IS '[gardé]';
COMMENT ON COLUMN candidate_access_log.at IS '[gardé]';
COMMENT ON COLUMN candidate_access_log.user_id IS '[gardé]';
COMMENT ON COLUMN candidate_access_log.by_candidate IS '[gardé]';
COMMENT ON COLUMN candidate_access_log.kind IS '[gardé]';
COMMENT ON COLUMN candidate_access_log.place IS '[gardé]';
COMMENT ON COLUMN candidate_access_log.application_id IS '[gardé]';
COMMENT ON COLUMN candidate_access_log.document_id IS '[gardé]';
