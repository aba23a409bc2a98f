-- A need's applications at one stage, most recent move first: the list view's pages read
-- twenty entries of this index instead of sorting every application of the need.
CREATE INDEX applications_need_stage_move_idx ON applications (tenant_id, need_id, stage, last_move_at DESC, id DESC);
