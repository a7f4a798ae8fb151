-- Up Migration

-- Where the customer is, so contact keeps to their business hours and public holidays, and whether
-- they asked not to be emailed (a collector calls instead).
ALTER TABLE customers ADD COLUMN time_zone text;
ALTER TABLE customers ADD COLUMN country text;
ALTER TABLE customers ADD COLUMN do_not_contact boolean NOT NULL DEFAULT false;

-- One message may speak for several invoices: the communications it stands for share its key.
ALTER TABLE communications ADD COLUMN message_key text;
CREATE INDEX communications_message ON communications (message_key) WHERE message_key IS NOT NULL;

-- Down Migration
DROP INDEX communications_message;
ALTER TABLE communications DROP COLUMN message_key;
ALTER TABLE customers DROP COLUMN do_not_contact;
ALTER TABLE customers DROP COLUMN country;
ALTER TABLE customers DROP COLUMN time_zone;
