-- Up Migration

-- Payment plans, as the read model of their workflows (`plan-<planId>`, the source of truth): written
-- by idempotent activities, each write carrying the workflow's sequence so a late retry never wins.
CREATE TABLE payment_plans (
  plan_id         text        PRIMARY KEY,
  customer_id     text        NOT NULL REFERENCES customers,
  workflow_id     text        NOT NULL UNIQUE,
  status          text        NOT NULL CHECK (status IN
                    ('proposed', 'awaiting_approval', 'refused', 'declined', 'active', 'completed', 'breached', 'cancelled')),
  kind            text        CHECK (kind IN ('standard', 'custom')),
  currency        char(3)     NOT NULL,
  total_minor     bigint      NOT NULL CHECK (total_minor >= 0),
  paid_minor      bigint      NOT NULL DEFAULT 0 CHECK (paid_minor >= 0),
  term_days       integer     NOT NULL CHECK (term_days > 0),
  installment_count integer   NOT NULL CHECK (installment_count > 0),
  agreement_date  date,
  proposed_by     text        NOT NULL,
  approved_by     text,
  reason          text,
  state_seq       integer     NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_plans_customer ON payment_plans (customer_id, status);

-- The invoices a plan covers, and how much of each.
CREATE TABLE plan_invoices (
  plan_id      text    NOT NULL REFERENCES payment_plans ON DELETE CASCADE,
  invoice_id   text    NOT NULL REFERENCES invoices,
  amount_minor bigint  NOT NULL CHECK (amount_minor > 0),
  paid_minor   bigint  NOT NULL DEFAULT 0 CHECK (paid_minor >= 0),
  PRIMARY KEY (plan_id, invoice_id)
);
CREATE INDEX plan_invoices_invoice ON plan_invoices (invoice_id);

CREATE TABLE plan_installments (
  plan_id      text    NOT NULL REFERENCES payment_plans ON DELETE CASCADE,
  number       integer NOT NULL CHECK (number > 0),
  due_date     date    NOT NULL,
  amount_minor bigint  NOT NULL CHECK (amount_minor > 0),
  paid_minor   bigint  NOT NULL DEFAULT 0 CHECK (paid_minor >= 0),
  status       text    NOT NULL CHECK (status IN ('upcoming', 'due', 'in_grace', 'paid', 'paid_late', 'missed')),
  PRIMARY KEY (plan_id, number)
);

-- Where each plan payment went: one row per part (installment × invoice), keyed by the part's payment
-- id on its invoice (`<paymentId>:<installment>:<invoiceId>`, also the payments row of that invoice).
CREATE TABLE plan_allocations (
  part_id      text        PRIMARY KEY,
  plan_id      text        NOT NULL REFERENCES payment_plans ON DELETE CASCADE,
  payment_id   text        NOT NULL,
  installment  integer     NOT NULL CHECK (installment > 0),
  invoice_id   text        NOT NULL REFERENCES invoices,
  currency     char(3)     NOT NULL,
  amount_minor bigint      NOT NULL CHECK (amount_minor > 0),
  received_at  timestamptz NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_allocations_plan ON plan_allocations (plan_id, payment_id);

-- Down Migration
DROP TABLE plan_allocations;
DROP TABLE plan_installments;
DROP TABLE plan_invoices;
DROP TABLE payment_plans;
