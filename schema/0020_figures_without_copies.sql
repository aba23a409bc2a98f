-- The funnel's counts per day (schema 0016, kept per row by 0017) and the placements' copies
-- of their candidate's source and commune (0015) are dropped: measured at the bench's size
-- (50 centres, 1 million applications, 106 000 placements), counting the period's
-- applications from the covering index applications_funnel_idx (0008) and joining the
-- period's placements to their candidates cost the figures of a centre about as much as
-- reading the copies, and every target of the dashboards holds without them (README,
-- "Measured"). What is not kept cannot drift, and nothing has to follow each move of an
-- application or each edit of a candidate.

DROP TRIGGER applications_funnel_days_insert ON applications;
DROP TRIGGER applications_funnel_days_move ON applications;
DROP TRIGGER applications_funnel_days_delete ON applications;
DROP FUNCTION funnel_days_apply();
DROP FUNCTION funnel_days_move();
DROP FUNCTION funnel_days_add(bigint[], date[], smallint[], integer[]);
DROP TABLE funnel_days;

DROP TRIGGER placements_candidate_copy ON placements;
DROP TRIGGER candidates_copy_to_placements ON candidates;
DROP FUNCTION placements_candidate_copy();
DROP FUNCTION candidates_copy_to_placements();
-- Dropping the copies drops the index that held them: the same index, without them.
ALTER TABLE placements DROP COLUMN candidate_source, DROP COLUMN candidate_commune;
CREATE INDEX placements_figures_idx ON placements (tenant_id, start_date)
    INCLUDE (id, business_id, candidate_id, contract_kind, newly_created, end_date, ended_on, end_reason);
