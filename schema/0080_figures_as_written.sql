-- Figures as /indicateurs defines them (issue 16): three facts the figures read, each kept
-- equal to its definition by the database itself, whatever a statement writes.
--
--   placements.trial_days        the trial period of the hire, in days from its start (start
--                                day included), fixed when it is recorded from the centre's
--                                trial settings (followup_settings, the rule of
--                                FollowUpSchedule.trialDays); the follow-up schedule places its
--                                "end of the trial period" check-in from it, the figures count
--                                the trial passed and the ends inside it from it;
--   job_needs.submitted_newly_created   whether the need was a newly created post when it was
--                                submitted: written once, an edit does not change it; each
--                                placement's newly_created is a copy of it;
--   job_needs.positions_filled   the number of the need's placements, recounted at every change.

SET CONSTRAINTS ALL IMMEDIATE;

-- The trial period, in days: CDI (and any contract without an end) the centre's CDI setting;
-- a fixed-term contract one day per week of contract, at least one, at most the centre's
-- short maximum, up to six months (183 days); beyond, the centre's long fixed-term setting.
CREATE FUNCTION trial_period_days(tenant bigint, kind text, start_day date, end_day date) RETURNS integer
    LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN end_day IS NULL OR kind IN ('cdi', 'shared_time') THEN coalesce(s.cdi_trial_days, 60)
        WHEN end_day - start_day + 1 <= 183 THEN least(greatest((end_day - start_day + 1) / 7, 1), coalesce(s.short_fixed_max_days, 14))
        ELSE coalesce(s.long_fixed_trial_days, 30) END
    FROM (SELECT 1) one LEFT JOIN followup_settings s ON s.tenant_id = tenant
    $$;

ALTER TABLE placements ADD COLUMN trial_days integer;
ALTER TABLE job_needs ADD COLUMN submitted_newly_created boolean;

ALTER TABLE placements NO FORCE ROW LEVEL SECURITY;
ALTER TABLE job_needs NO FORCE ROW LEVEL SECURITY;
ALTER TABLE followup_settings NO FORCE ROW LEVEL SECURITY;
UPDATE placements SET trial_days = trial_period_days(tenant_id, contract_kind, start_date, end_date);
UPDATE job_needs SET submitted_newly_created = newly_created;
UPDATE placements p SET newly_created = n.submitted_newly_created
FROM job_needs n WHERE n.tenant_id = p.tenant_id AND n.id = p.need_id AND p.newly_created IS DISTINCT FROM n.submitted_newly_created;
UPDATE job_needs n SET positions_filled = x.count
FROM (SELECT n2.tenant_id, n2.id, (SELECT count(*) FROM placements p WHERE p.tenant_id = n2.tenant_id AND p.need_id = n2.id)::int AS count
      FROM job_needs n2) x
WHERE x.tenant_id = n.tenant_id AND x.id = n.id AND n.positions_filled <> x.count;
ALTER TABLE placements FORCE ROW LEVEL SECURITY;
ALTER TABLE job_needs FORCE ROW LEVEL SECURITY;
ALTER TABLE followup_settings FORCE ROW LEVEL SECURITY;

ALTER TABLE placements ALTER COLUMN trial_days SET NOT NULL,
    ADD CONSTRAINT placements_trial_days_check CHECK (trial_days >= 1);
ALTER TABLE job_needs ALTER COLUMN submitted_newly_created SET NOT NULL;

-- A placement's trial and newly-created copy, whatever the statement wrote: the trial from the
-- centre's settings when the placement is recorded (a contract's dates or kind changed later
-- fix it again, from the settings of that moment), the copy from its need as submitted.
CREATE FUNCTION placements_as_defined() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.start_date IS DISTINCT FROM OLD.start_date OR NEW.end_date IS DISTINCT FROM OLD.end_date
       OR NEW.contract_kind IS DISTINCT FROM OLD.contract_kind THEN
        NEW.trial_days := trial_period_days(NEW.tenant_id, NEW.contract_kind, NEW.start_date, NEW.end_date);
    ELSE
        NEW.trial_days := OLD.trial_days;
    END IF;
    SELECT n.submitted_newly_created INTO NEW.newly_created
    FROM job_needs n WHERE n.tenant_id = NEW.tenant_id AND n.id = NEW.need_id;
    RETURN NEW;
END $$;
CREATE TRIGGER placements_as_defined BEFORE INSERT OR UPDATE OF start_date, end_date, contract_kind, trial_days, need_id, newly_created ON placements
    FOR EACH ROW EXECUTE FUNCTION placements_as_defined();

-- A need's submitted value is written once; its count of positions filled is its placements'.
CREATE FUNCTION job_needs_as_defined() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.submitted_newly_created := NEW.newly_created;
        NEW.positions_filled := 0;
    ELSE
        NEW.submitted_newly_created := OLD.submitted_newly_created;
        NEW.positions_filled := (SELECT count(*) FROM placements p WHERE p.tenant_id = NEW.tenant_id AND p.need_id = NEW.id);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER job_needs_as_defined BEFORE INSERT OR UPDATE OF submitted_newly_created, positions_filled ON job_needs
    FOR EACH ROW EXECUTE FUNCTION job_needs_as_defined();

CREATE FUNCTION placements_fill_needs() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE job_needs SET positions_filled = (SELECT count(*) FROM placements p WHERE p.tenant_id = OLD.tenant_id AND p.need_id = OLD.need_id)
        WHERE tenant_id = OLD.tenant_id AND id = OLD.need_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE job_needs SET positions_filled = (SELECT count(*) FROM placements p WHERE p.tenant_id = NEW.tenant_id AND p.need_id = NEW.need_id)
        WHERE tenant_id = NEW.tenant_id AND id = NEW.need_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER placements_fill_needs AFTER INSERT OR DELETE OR UPDATE OF need_id ON placements
    FOR EACH ROW EXECUTE FUNCTION placements_fill_needs();

-- Every column of a placement the figures read, its trial now among them.
CREATE INDEX placements_figures_trial_idx ON placements (tenant_id, start_date)
    INCLUDE (id, business_id, candidate_id, contract_kind, newly_created, end_date, ended_on, end_reason, candidate_source, candidate_commune, trial_days);
DROP INDEX placements_figures_idx;
