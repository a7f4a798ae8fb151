-- Up Migration

-- Policies are versioned documents; a workflow keeps the snapshot it started with.
CREATE TABLE policies (
  policy_id   text        NOT NULL,
  version     integer     NOT NULL CHECK (version > 0),
  document    jsonb       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (policy_id, version)
);

CREATE TABLE customers (
  customer_id text        PRIMARY KEY,
  name        text        NOT NULL,
  email       text,
  segment     text        NOT NULL,
  risk_tier   text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Invoices: the ledger's facts (amount, dates) and the read model of the workflow's state.
CREATE TABLE invoices (
  invoice_id       text        PRIMARY KEY,
  customer_id      text        NOT NULL REFERENCES customers,
  invoice_number   text        NOT NULL,
  currency         char(3)     NOT NULL,
  amount_minor     bigint      NOT NULL CHECK (amount_minor > 0),
  issue_date       date,
  due_date         date        NOT NULL,
  payment_link     text,
  policy_id        text        NOT NULL,
  policy_version   integer     NOT NULL,
  workflow_id      text        NOT NULL UNIQUE,
  -- Hash of the registration request: the same invoice twice is fine, a different one is a conflict.
  registration_hash text       NOT NULL,
  status           text        NOT NULL DEFAULT 'registered',
  balance_minor    bigint      NOT NULL CHECK (balance_minor >= 0),
  paid_minor       bigint      NOT NULL DEFAULT 0,
  credit_minor     bigint      NOT NULL DEFAULT 0 CHECK (credit_minor >= 0),
  escalation_level text        NOT NULL DEFAULT 'none',
  days_past_due    integer,
  aging_bucket     text,
  next_action      text,
  next_action_at   timestamptz,
  -- Sequence of the last workflow snapshot applied, so a retried older write never wins.
  state_seq        integer     NOT NULL DEFAULT 0,
  registered_at    timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (policy_id, policy_version) REFERENCES policies (policy_id, version)
);
CREATE INDEX invoices_customer ON invoices (customer_id);
CREATE INDEX invoices_open_by_status ON invoices (status, due_date);

-- Payments are idempotent by the payer system's payment id.
CREATE TABLE payments (
  payment_id          text        PRIMARY KEY,
  invoice_id          text        NOT NULL REFERENCES invoices,
  currency            char(3)     NOT NULL,
  amount_minor        bigint      NOT NULL CHECK (amount_minor > 0),
  applied_minor       bigint      NOT NULL CHECK (applied_minor >= 0),
  credit_minor        bigint      NOT NULL CHECK (credit_minor >= 0),
  balance_after_minor bigint      NOT NULL CHECK (balance_after_minor >= 0),
  method              text,
  received_at         timestamptz NOT NULL,
  recorded_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_invoice ON payments (invoice_id);

-- Every message to a customer, keyed by the workflow step that caused it.
CREATE TABLE communications (
  idempotency_key     text        PRIMARY KEY,
  invoice_id          text        NOT NULL REFERENCES invoices,
  customer_id         text        NOT NULL REFERENCES customers,
  channel             text        NOT NULL,
  template            text        NOT NULL,
  tone                text        NOT NULL,
  recipient           text,
  subject             text        NOT NULL,
  body_text           text        NOT NULL,
  body_html           text        NOT NULL,
  status              text        NOT NULL CHECK (status IN ('pending', 'sent', 'outbox', 'not_sent')),
  provider_message_id text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  sent_at             timestamptz
);
CREATE INDEX communications_invoice ON communications (invoice_id);

-- Where email goes when no Resend API key is configured: nothing is dropped, an operator can read it.
CREATE TABLE outbox (
  idempotency_key text        PRIMARY KEY REFERENCES communications,
  recipient       text,
  sender          text        NOT NULL,
  subject         text        NOT NULL,
  body_text       text        NOT NULL,
  body_html       text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- The collectors' worklist.
CREATE TABLE tasks (
  task_id         bigserial   PRIMARY KEY,
  idempotency_key text        NOT NULL UNIQUE,
  invoice_id      text        NOT NULL REFERENCES invoices,
  customer_id     text        NOT NULL REFERENCES customers,
  kind            text        NOT NULL CHECK (kind IN ('call', 'escalation', 'write_off_review')),
  level           text        NOT NULL,
  title           text        NOT NULL,
  context         jsonb       NOT NULL DEFAULT '{}',
  priority        integer     NOT NULL,
  status          text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_open_by_priority ON tasks (priority DESC) WHERE status = 'open';

-- The append-only timeline of every account: what happened, when, and why.
CREATE TABLE collection_events (
  event_id        bigserial   PRIMARY KEY,
  idempotency_key text        NOT NULL UNIQUE,
  invoice_id      text        NOT NULL REFERENCES invoices,
  workflow_id     text        NOT NULL,
  type            text        NOT NULL,
  summary         text        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  data            jsonb       NOT NULL DEFAULT '{}',
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collection_events_invoice ON collection_events (invoice_id, occurred_at);

CREATE FUNCTION collection_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'collection_events is append-only';
END $$;
CREATE TRIGGER collection_events_no_change BEFORE UPDATE OR DELETE ON collection_events
  FOR EACH ROW EXECUTE FUNCTION collection_events_append_only();

-- Down Migration
DROP TABLE collection_events, tasks, outbox, communications, payments, invoices, customers, policies;
DROP FUNCTION collection_events_append_only();
