-- A hire on a shared post is followed with each member business in turn (issue 19): each
-- member's employers see the hire, the check-ins held with them and the alerts they raised.

-- The businesses a placement is held with: its own, and every member of the shared post it
-- was hired on. Row-level security applies through it (it runs as the one who reads it).
CREATE VIEW placement_businesses WITH (security_invoker = true) AS
    SELECT p.tenant_id, p.id AS placement_id, p.business_id FROM placements p
    UNION
    SELECT p.tenant_id, p.id, m.business_id FROM placements p
    JOIN shared_posts s ON s.tenant_id = p.tenant_id AND s.need_id = p.need_id
    JOIN shared_post_members m ON m.tenant_id = s.tenant_id AND m.post_id = s.id;

-- The business whose employer raised an alert (NULL: the hire's own business, as for
-- check_ins.business_id): on a shared post, a member's alert is theirs to read.
ALTER TABLE placement_alerts ADD COLUMN business_id bigint,
    ADD CONSTRAINT placement_alerts_business_fkey FOREIGN KEY (tenant_id, business_id) REFERENCES businesses (tenant_id, id);
COMMENT ON COLUMN placement_alerts.business_id IS '[gardé] une entreprise, sans identité';
