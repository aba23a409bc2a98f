-- The catalogue of 0161 for the tables of 0210 (PersonalDataCatalogueTests): deleted with
-- the person's identity (ErasureRepository).
COMMENT ON TABLE candidate_jobs IS '[candidat : supprimé] les métiers que la personne recherche';
COMMENT ON TABLE candidate_availability IS '[candidat : supprimé] les périodes où la personne est disponible pour une saison';
