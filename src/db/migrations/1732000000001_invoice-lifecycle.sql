-- Up Migration

-- Money movements other than payments: late charges, waivers, credit memos, settlement discounts,
-- write-offs and payment reversals. Each is keyed by the workflow step or request that caused it.
CREATE TABLE ledger_entries (
  entry_id        bigserial   PRIMARY KEY,
  idempotency_key text        NOT NULL UNIQUE,
  invoice_id      text        NOT NULL REFERENCES invoices,
  kind            text        NOT NULL CHECK (kind IN ('interest', 'late_fee', 'charge_waiver', 'credit_memo', 'settlement_discount', 'write_off', 'payment_reversal')),
  currency        char(3)     NOT NULL,
  -- Positive: owed more (charges, reversals); negative: owed less (waivers, memos, discounts, write-offs).
  amount_minor    bigint      NOT NULL,
  data            jsonb       NOT NULL DEFAULT '{}',
  occurred_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_invoice ON ledger_entries (invoice_id, occurred_at);

-- Disputes as the owning departments work them.
CREATE TABLE disputes (
  invoice_id        text        NOT NULL REFERENCES invoices,
  dispute_id        text        NOT NULL,
  category          text        NOT NULL,
  currency          char(3)     NOT NULL,
  amount_minor      bigint      NOT NULL CHECK (amount_minor > 0),
  department        text        NOT NULL,
  reason            text,
  status            text        NOT NULL CHECK (status IN ('open', 'resolved_for_customer', 'resolved_for_company')),
  sla_due           date        NOT NULL,
  sla_breached      boolean     NOT NULL DEFAULT false,
  credit_memo_minor bigint,
  opened_at         timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (invoice_id, dispute_id)
);
CREATE INDEX disputes_open ON disputes (sla_due) WHERE status = 'open';

-- A payment after a write-off is a recovery, never dropped.
ALTER TABLE payments ADD COLUMN kind text NOT NULL DEFAULT 'payment' CHECK (kind IN ('payment', 'recovery'));
ALTER TABLE payments ADD COLUMN reversed_at timestamptz;

ALTER TABLE tasks DROP CONSTRAINT tasks_kind_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_kind_check CHECK (kind IN ('call', 'escalation', 'write_off_review', 'dispute', 'approval'));

ALTER TABLE invoices ADD COLUMN interest_minor bigint NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN late_fee_minor bigint NOT NULL DEFAULT 0;

-- Down Migration
ALTER TABLE invoices DROP COLUMN late_fee_minor, DROP COLUMN interest_minor;
ALTER TABLE tasks DROP CONSTRAINT tasks_kind_check;
ALTER TABLE tasks ADD CONSTRAINT tasks_kind_check CHECK (kind IN ('call', 'escalation', 'write_off_review'));
ALTER TABLE payments DROP COLUMN reversed_at, DROP COLUMN kind;
DROP TABLE disputes, ledger_entries;
