-- Up Migration

-- The customer exactly as the invoice's workflow was started with it (the VIP flag included), so a
-- workflow started later by reconciliation gets the same input registration would have given it.
ALTER TABLE invoices ADD COLUMN customer_snapshot jsonb;

-- Down Migration
ALTER TABLE invoices DROP COLUMN customer_snapshot;
