-- The catalogue of 0161 for the referential's tables of 0200 (PersonalDataCatalogueTests).
COMMENT ON TABLE rome_jobs IS '[sans candidat] le répertoire ROME : ses codes et leurs libellés';
COMMENT ON TABLE rome_appellations IS '[sans candidat] le répertoire ROME : les intitulés usuels des métiers et leur code';
