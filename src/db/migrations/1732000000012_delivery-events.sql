-- Up Migration

-- What the mail provider reported after a message left: delivered, bounced, complained.
ALTER TABLE communications ADD COLUMN delivery text;
ALTER TABLE communications ADD COLUMN delivery_at timestamptz;
CREATE INDEX communications_provider_message ON communications (provider_message_id) WHERE provider_message_id IS NOT NULL;

-- Each provider event once (its webhook id), however often it is delivered.
CREATE TABLE delivery_events (
  event_id    text        PRIMARY KEY,
  type        text        NOT NULL,
  email_id    text        NOT NULL,
  payload     jsonb       NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- Why a customer is no longer emailed (a bounce, a complaint, their own request).
ALTER TABLE customers ADD COLUMN do_not_contact_reason text;

-- Down Migration
ALTER TABLE customers DROP COLUMN do_not_contact_reason;
DROP TABLE delivery_events;
DROP INDEX communications_provider_message;
ALTER TABLE communications DROP COLUMN delivery_at;
ALTER TABLE communications DROP COLUMN delivery;
