-- The centre's version (0013) raised also by the changes the pool's ranking of a need reads
-- beside the candidates, needs, applications and placements: a candidate's sought jobs and
-- dated windows, and the follow-ups' check-ins (one at risk lowers a person's rank). The
-- server keeps each need's ranking beside that version (`MatchStore`) and ranks again after
-- any change; the dashboards' figures, which do not read these, are computed again too.
CREATE CONSTRAINT TRIGGER candidate_jobs_version AFTER INSERT OR UPDATE OR DELETE ON candidate_jobs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_centre_version();
CREATE CONSTRAINT TRIGGER candidate_availability_version AFTER INSERT OR UPDATE OR DELETE ON candidate_availability
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_centre_version();
CREATE CONSTRAINT TRIGGER check_ins_version AFTER INSERT OR UPDATE OR DELETE ON check_ins
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_centre_version();
