-- The invitation to last season's workers to come back (issue 19, rehiring): a message kind
-- of its own, so that the centre can word it and the person's history names it.
ALTER TABLE message_templates DROP CONSTRAINT message_templates_kind_check,
    ADD CONSTRAINT message_templates_kind_check CHECK (kind IN ('entretien', 'refus-motif', 'refus', 'proposition', 'saison', 'reembauche', 'libre'));
ALTER TABLE candidate_messages DROP CONSTRAINT candidate_messages_kind_check,
    ADD CONSTRAINT candidate_messages_kind_check CHECK (kind IN ('entretien', 'refus-motif', 'refus', 'proposition', 'saison', 'reembauche', 'libre'));
