-- The catalogue of 0161 for the tables and the column of 0230 (PersonalDataCatalogueTests).
COMMENT ON TABLE shared_posts IS '[sans candidat] les postes partagés entre entreprises d''un groupement d''employeurs';
COMMENT ON TABLE shared_post_members IS '[sans candidat] les entreprises membres d''un poste partagé, leurs mois et leurs heures';
COMMENT ON COLUMN check_ins.business_id IS '[gardé] une entreprise, sans identité';
