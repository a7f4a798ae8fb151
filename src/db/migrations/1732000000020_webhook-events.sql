-- Up Migration

-- Every verified webhook event from a payment provider or ERP, stored before it is applied, so none
-- is dropped and none is applied twice: the event id is unique per provider, and a redelivery of an
-- event already settled gets the stored answer again. `unmatched` (no invoice found), `refused` (the
-- invoice's workflow said no) and `failed` (applying broke; a redelivery tries again) wait for review.
CREATE TABLE webhook_events (
  provider    text        NOT NULL CHECK (provider IN ('stripe', 'generic')),
  event_id    text        NOT NULL CHECK (length(event_id) BETWEEN 1 AND 255),
  type        text        NOT NULL,
  payload     jsonb       NOT NULL,
  status      text        NOT NULL DEFAULT 'received'
                          CHECK (status IN ('received', 'applied', 'unmatched', 'refused', 'ignored', 'failed')),
  reason      text,
  -- The invoice the event was matched to, once it was.
  invoice_id  text,
  -- What the sender was answered (HTTP status and body), given again to a redelivery.
  answer      jsonb,
  attempts    integer     NOT NULL DEFAULT 0,
  received_at timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, event_id)
);
CREATE INDEX webhook_events_for_review ON webhook_events (status, received_at) WHERE status IN ('unmatched', 'refused', 'failed');

-- Down Migration
DROP TABLE webhook_events;
