-- Shared permanent posts (issue 19): one CDI (`shared_time`) held in turn with several member
-- businesses through an employers' group (groupement d'employeurs). The post's own need (the
-- employer of record's, contract `shared_time`) is what the pipeline recruits on and what the
-- hire is recorded on: the dashboards count the hire once, as any permanent post, and give each
-- member business its share (its months times its hours, over the post's).
CREATE TABLE shared_posts (
    tenant_id    bigint NOT NULL,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    title        text NOT NULL,
    -- The employer of record: the employers' group, or one of the members.
    employer_id  bigint NOT NULL,
    need_id      bigint NOT NULL,
    notes        text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    created_by   bigint,
    CONSTRAINT shared_posts_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT shared_posts_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES centres (id),
    CONSTRAINT shared_posts_employer_fkey FOREIGN KEY (tenant_id, employer_id) REFERENCES businesses (tenant_id, id),
    CONSTRAINT shared_posts_need_fkey FOREIGN KEY (tenant_id, need_id) REFERENCES job_needs (tenant_id, id),
    CONSTRAINT shared_posts_need_key UNIQUE (tenant_id, need_id),
    CONSTRAINT shared_posts_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id)
);
ALTER TABLE shared_posts ENABLE ROW LEVEL SECURITY;
ALTER TABLE shared_posts FORCE ROW LEVEL SECURITY;
CREATE POLICY shared_posts_tenant ON shared_posts
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- Each member business's part: the months of the year it has the person (a range, across the
-- new year when `last_month` < `first_month`) and the hours of its weeks.
CREATE TABLE shared_post_members (
    tenant_id       bigint NOT NULL,
    post_id         bigint NOT NULL,
    position        smallint NOT NULL,
    business_id     bigint NOT NULL,
    first_month     smallint NOT NULL,
    last_month      smallint NOT NULL,
    hours_per_week  numeric(4,1) NOT NULL,
    CONSTRAINT shared_post_members_pkey PRIMARY KEY (tenant_id, post_id, position),
    CONSTRAINT shared_post_members_business_key UNIQUE (tenant_id, post_id, business_id),
    CONSTRAINT shared_post_members_post_fkey FOREIGN KEY (tenant_id, post_id) REFERENCES shared_posts (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT shared_post_members_business_fkey FOREIGN KEY (tenant_id, business_id) REFERENCES businesses (tenant_id, id),
    CONSTRAINT shared_post_members_position_check CHECK (position BETWEEN 1 AND 4),
    CONSTRAINT shared_post_members_months_check CHECK (first_month BETWEEN 1 AND 12 AND last_month BETWEEN 1 AND 12),
    CONSTRAINT shared_post_members_hours_check CHECK (hours_per_week > 0 AND hours_per_week <= 48)
);
CREATE INDEX shared_post_members_business_idx ON shared_post_members (tenant_id, business_id);
ALTER TABLE shared_post_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE shared_post_members FORCE ROW LEVEL SECURITY;
CREATE POLICY shared_post_members_tenant ON shared_post_members
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

-- The business a follow-up is held with: for a hire on a shared post, the member that has the
-- person in the month the check-in is due (NULL: the hire's own business).
ALTER TABLE check_ins ADD COLUMN business_id bigint,
    ADD CONSTRAINT check_ins_business_fkey FOREIGN KEY (tenant_id, business_id) REFERENCES businesses (tenant_id, id);
