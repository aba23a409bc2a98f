-- What is internal stays internal: an adviser's comment on a need (and a status change's,
-- a qualification's, a cancellation's reason) is read by the business's employers only when
-- shared — the employer's own words always are.

ALTER TABLE job_need_events ADD COLUMN shared boolean NOT NULL DEFAULT false;
ALTER TABLE job_needs ADD COLUMN cancel_reason_shared boolean NOT NULL DEFAULT false;

-- Until now every comment was shown to the employer (the adviser's form said so): comments
-- and the employers' own events stay visible; status changes' and qualifications' comments
-- by advisers become internal.
UPDATE job_need_events e SET shared = true
WHERE e.kind = 'comment'
   OR EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = e.tenant_id AND m.user_id = e.actor_id AND m.role = 'employer');

UPDATE job_needs n SET cancel_reason_shared = true
WHERE n.cancel_reason IS NOT NULL AND EXISTS (
    SELECT 1 FROM job_need_events e JOIN memberships m ON m.tenant_id = e.tenant_id AND m.user_id = e.actor_id AND m.role = 'employer'
    WHERE e.tenant_id = n.tenant_id AND e.need_id = n.id AND e.kind = 'status' AND e.to_status = 'cancelled');
