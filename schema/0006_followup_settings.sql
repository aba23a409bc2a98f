-- Each centre's trial periods, used to place the "end of the trial period" check-in.
CREATE TABLE followup_settings (
    tenant_id              bigint NOT NULL,
    cdi_trial_days         integer NOT NULL DEFAULT 60,
    long_fixed_trial_days  integer NOT NULL DEFAULT 30,
    short_fixed_max_days   integer NOT NULL DEFAULT 14,
    CONSTRAINT followup_settings_pkey PRIMARY KEY (tenant_id),
    CONSTRAINT followup_settings_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES centres (id),
    CONSTRAINT followup_settings_ranges CHECK (cdi_trial_days BETWEEN 1 AND 240 AND long_fixed_trial_days BETWEEN 1 AND 120 AND short_fixed_max_days BETWEEN 1 AND 60)
);
ALTER TABLE followup_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE followup_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY followup_settings_tenant ON followup_settings
    USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
