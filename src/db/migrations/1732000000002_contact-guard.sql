-- Up Migration

-- Why customer contact is held (a hold, a whole-balance dispute) and why dunning waits (a promise,
-- a settlement offer, a balance too small to chase), as the workflow last recorded them. A notice
-- checks these under the invoice's row lock before it leaves, so a retry never delivers what a
-- payment, cancel or hold made stale.
ALTER TABLE invoices ADD COLUMN contact_hold text;
ALTER TABLE invoices ADD COLUMN dunning_paused text;

-- A notice that was not delivered because it had become stale, or because its retries left the
-- mail provider's idempotency window, is kept as suppressed with the reason.
ALTER TABLE communications DROP CONSTRAINT communications_status_check;
ALTER TABLE communications ADD CONSTRAINT communications_status_check
  CHECK (status IN ('pending', 'sent', 'outbox', 'not_sent', 'suppressed'));
ALTER TABLE communications ADD COLUMN suppressed_reason text;

-- Down Migration
ALTER TABLE communications DROP COLUMN suppressed_reason;
ALTER TABLE communications DROP CONSTRAINT communications_status_check;
ALTER TABLE communications ADD CONSTRAINT communications_status_check CHECK (status IN ('pending', 'sent', 'outbox', 'not_sent'));
ALTER TABLE invoices DROP COLUMN dunning_paused, DROP COLUMN contact_hold;
