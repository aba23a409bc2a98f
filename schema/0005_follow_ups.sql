-- Retention follow-ups: each centre's schedule, the check-ins of each placement, the end
-- of an employment, and the alerts employers raise.

CREATE TABLE followup_steps (
    tenant_id    bigint NOT NULL,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    kind         text NOT NULL,
    offset_days  integer,
    label        text NOT NULL,
    position     integer NOT NULL DEFAULT 0,
    active       boolean NOT NULL DEFAULT true,
    CONSTRAINT followup_steps_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT followup_steps_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES centres (id),
    CONSTRAINT followup_steps_kind_check CHECK (kind IN ('offset', 'trial_end')),
    CONSTRAINT followup_steps_offset_check CHECK ((kind = 'offset') = (offset_days IS NOT NULL) AND (offset_days IS NULL OR offset_days BETWEEN 1 AND 1100))
);
ALTER TABLE followup_steps ENABLE ROW LEVEL SECURITY;
ALTER TABLE followup_steps FORCE ROW LEVEL SECURITY;
CREATE POLICY followup_steps_tenant ON followup_steps
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

ALTER TABLE placements
    ADD COLUMN ended_on    date,
    ADD COLUMN end_reason  text,
    ADD COLUMN at_risk     boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT placements_end_check CHECK ((ended_on IS NULL) = (end_reason IS NULL)),
    ADD CONSTRAINT placements_end_reason_check CHECK (end_reason IS NULL OR end_reason IN
        ('resignation', 'dismissal', 'trial_by_employer', 'trial_by_employee', 'fixed_term_end', 'mutual_agreement', 'other'));

CREATE TABLE check_ins (
    tenant_id      bigint NOT NULL,
    id             bigint GENERATED ALWAYS AS IDENTITY,
    placement_id   bigint NOT NULL,
    due_on         date NOT NULL,
    label          text NOT NULL,
    done_on        date,
    done_by        bigint,
    contacted      text,
    channel        text,
    status         text,
    risks          text[] NOT NULL DEFAULT '{}',
    action_kinds   text[] NOT NULL DEFAULT '{}',
    actions        text NOT NULL DEFAULT '',
    next_contact   date,
    closed         boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL,
    CONSTRAINT check_ins_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT check_ins_placement_fkey FOREIGN KEY (tenant_id, placement_id) REFERENCES placements (tenant_id, id),
    CONSTRAINT check_ins_done_by_fkey FOREIGN KEY (done_by) REFERENCES users (id),
    CONSTRAINT check_ins_contacted_check CHECK (contacted IS NULL OR contacted IN ('employee', 'employer', 'both')),
    CONSTRAINT check_ins_channel_check CHECK (channel IS NULL OR channel IN ('phone', 'visit', 'email', 'centre')),
    CONSTRAINT check_ins_status_check CHECK (status IS NULL OR status IN ('on_track', 'at_risk', 'ended')),
    CONSTRAINT check_ins_done_check CHECK ((done_on IS NULL) = (status IS NULL))
);
CREATE INDEX check_ins_due_idx ON check_ins (tenant_id, due_on) WHERE done_on IS NULL AND NOT closed;
CREATE INDEX check_ins_placement_idx ON check_ins (tenant_id, placement_id);
ALTER TABLE check_ins ENABLE ROW LEVEL SECURITY;
ALTER TABLE check_ins FORCE ROW LEVEL SECURITY;
CREATE POLICY check_ins_tenant ON check_ins
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

CREATE TABLE placement_alerts (
    tenant_id     bigint NOT NULL,
    id            bigint GENERATED ALWAYS AS IDENTITY,
    placement_id  bigint NOT NULL,
    kind          text NOT NULL,
    message       text NOT NULL,
    created_at    timestamptz NOT NULL,
    created_by    bigint,
    handled_at    timestamptz,
    CONSTRAINT placement_alerts_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT placement_alerts_placement_fkey FOREIGN KEY (tenant_id, placement_id) REFERENCES placements (tenant_id, id),
    CONSTRAINT placement_alerts_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id),
    CONSTRAINT placement_alerts_kind_check CHECK (kind IN ('problem', 'left'))
);
ALTER TABLE placement_alerts ENABLE ROW LEVEL SECURITY;
ALTER TABLE placement_alerts FORCE ROW LEVEL SECURITY;
CREATE POLICY placement_alerts_tenant ON placement_alerts
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
