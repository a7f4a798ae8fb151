-- Up Migration

-- How a customer wants to be reached, in order of preference; the first channel that can reach them is used.
ALTER TABLE customers ADD COLUMN channels text[] NOT NULL DEFAULT '{email}';

-- A named contact per channel: an email address, a mobile number (E.164), a postal address. A channel
-- that failed (a bounce, a complaint, an undeliverable number) keeps its contact with the reason, so
-- the next message takes the next channel until someone enters a new contact.
CREATE TABLE customer_contacts (
  customer_id     text        NOT NULL REFERENCES customers,
  channel         text        NOT NULL CHECK (channel IN ('email', 'sms', 'letter')),
  contact_name    text,
  address         text        NOT NULL,
  unusable_reason text,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, channel)
);

-- Printable letters waiting to be printed and posted, one per message.
CREATE TABLE letters (
  letter_id      bigserial   PRIMARY KEY,
  message_key    text        NOT NULL UNIQUE,
  customer_id    text        NOT NULL REFERENCES customers,
  recipient_name text        NOT NULL,
  postal_address text        NOT NULL,
  subject        text        NOT NULL,
  pdf            bytea       NOT NULL,
  status         text        NOT NULL DEFAULT 'to_print' CHECK (status IN ('to_print', 'printed')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  printed_at     timestamptz
);
CREATE INDEX letters_to_print ON letters (created_at) WHERE status = 'to_print';

-- An SMS provider does not deduplicate by our key: a retry that finds an attempt started but not
-- confirmed does not send again.
ALTER TABLE communications ADD COLUMN attempted_at timestamptz;

-- Down Migration
ALTER TABLE communications DROP COLUMN attempted_at;
DROP TABLE letters;
DROP TABLE customer_contacts;
ALTER TABLE customers DROP COLUMN channels;
