-- Up Migration

-- Subscribers to the engine's outbound events (invoice paid, escalated, written off, promise broken).
-- The signing secret is kept as is, not hashed: every delivery is signed with it, so it must be
-- recoverable. It is returned once, when the subscription is created, and never listed or logged.
CREATE TABLE event_subscriptions (
  subscription_id text        PRIMARY KEY,
  url             text        NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
  -- The outbound event types wanted; empty means every type, today's and future ones.
  event_types     text[]      NOT NULL DEFAULT '{}',
  description     text,
  signing_secret  text        NOT NULL,
  active          boolean     NOT NULL DEFAULT true,
  -- The API key's holder who created (and deactivated) it.
  created_by      text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  deactivated_by  text,
  deactivated_at  timestamptz,
  CHECK (active = (deactivated_at IS NULL))
);

-- The transactional outbox: an event is written in the same transaction as the collection event it
-- comes from, so it exists exactly when that state change does. Its id is derived from the collection
-- event's idempotency key: an activity that retries never makes a second one.
CREATE TABLE outbound_events (
  event_id             text        PRIMARY KEY,
  type                 text        NOT NULL,
  collection_event_key text        NOT NULL UNIQUE REFERENCES collection_events (idempotency_key),
  invoice_id           text        NOT NULL REFERENCES invoices,
  customer_id          text        NOT NULL,
  occurred_at          timestamptz NOT NULL,
  data                 jsonb       NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now()
);

-- One row per event and subscriber it is for. `next_attempt_at` is also the lease of an attempt in
-- flight: a dispatcher that claims a row moves it past the attempt's timeout, so no other dispatcher
-- takes it meanwhile, and a dispatcher that dies leaves it due again once the lease runs out.
CREATE TABLE event_deliveries (
  subscription_id  text        NOT NULL REFERENCES event_subscriptions,
  event_id         text        NOT NULL REFERENCES outbound_events,
  status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
  attempts         integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_attempt_at  timestamptz,
  -- The receiver's HTTP status at the last attempt (null when it did not answer), and why it failed.
  last_status_code integer,
  last_error       text,
  delivered_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subscription_id, event_id)
);
CREATE INDEX event_deliveries_due ON event_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX event_deliveries_recent ON event_deliveries (subscription_id, created_at DESC);

-- Down Migration
DROP TABLE event_deliveries;
DROP TABLE outbound_events;
DROP TABLE event_subscriptions;
