-- Every column that names a person refers to `users`: placements.created_by did not. A centre
-- moved to another database (`renfort centre import`) finds the columns to rewrite by these keys.
ALTER TABLE placements ADD CONSTRAINT placements_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id);
