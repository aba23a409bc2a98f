-- Follow-ups that tell the truth: "à risque" defined once, an employer's alert handled by
-- someone with what was done, and a contact outside the schedule recorded as such.

-- A placement is at risk when its last check-in found it so and the employment goes on.
-- The adviser's home and the follow-ups page both count this view (row-level security
-- applies through it: it runs as the one who reads it).
CREATE VIEW at_risk_placements WITH (security_invoker = true) AS
    SELECT p.tenant_id, p.id, p.business_id, p.need_id, p.candidate_id
    FROM placements p
    WHERE p.at_risk AND p.ended_on IS NULL;

ALTER TABLE placement_alerts
    ADD COLUMN handled_by bigint,
    ADD COLUMN handled_note text,
    ADD CONSTRAINT placement_alerts_handled_by_fkey FOREIGN KEY (handled_by) REFERENCES users (id);
UPDATE placement_alerts SET handled_note = '' WHERE handled_at IS NOT NULL;
ALTER TABLE placement_alerts
    ADD CONSTRAINT placement_alerts_handled_check CHECK ((handled_at IS NULL) = (handled_note IS NULL));

-- A contact the adviser had outside the schedule: a check-in of its own, done when created,
-- that leaves the next scheduled one open.
ALTER TABLE check_ins ADD COLUMN unscheduled boolean NOT NULL DEFAULT false;
