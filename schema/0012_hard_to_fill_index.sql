-- The dashboards' hard-to-fill tables read a centre's hard-to-fill needs by submission date.
CREATE INDEX job_needs_hard_idx ON job_needs (tenant_id, submitted_at) WHERE hard_to_fill;
