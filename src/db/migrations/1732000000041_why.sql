-- Up Migration

-- Why each notice was sent and each task opened: the policy id and version, the step or rule, and the
-- figures it used (balance, days past due, charges …), as the workflow decided them. Null for rows
-- written before it was recorded.
ALTER TABLE communications ADD COLUMN why jsonb;
ALTER TABLE tasks ADD COLUMN why jsonb;

-- Down Migration
ALTER TABLE tasks DROP COLUMN why;
ALTER TABLE communications DROP COLUMN why;
