-- Up Migration

-- Idempotency-Key: what was answered to a POST sent with the header, per API key, so a retry with the
-- same key gets the same answer without the request running again. The request itself is not kept,
-- only the SHA-256 of its method, path and canonical JSON body, to tell a retry from a different
-- request reusing the key. A row is in flight (lease_token set, no response yet) until the request
-- is answered; an answer of 500 or more is not kept (the row is deleted), so a retry runs again.
-- Rows are kept until expires_at (24 hours after the first request by default), then pruned.
CREATE TABLE idempotency_keys (
  key_id           text        NOT NULL REFERENCES api_keys (key_id) ON DELETE CASCADE,
  idempotency_key  text        NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  -- The method and path the key was first used for, for the refusal of a different request.
  request          text        NOT NULL,
  request_sha256   bytea       NOT NULL CHECK (octet_length(request_sha256) = 32),
  -- While in flight: whose request holds the key, and until when (a process that died leaves it to a retry).
  lease_token      uuid,
  leased_until     timestamptz,
  response_status  integer     CHECK (response_status BETWEEN 100 AND 499),
  -- Content-Type and Location as answered.
  response_headers jsonb,
  -- The body exactly as sent (json, not jsonb, keeps it byte for byte).
  response_body    json,
  created_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  PRIMARY KEY (key_id, idempotency_key),
  CHECK ((lease_token IS NULL) = (response_status IS NOT NULL)),
  CHECK ((lease_token IS NULL) = (leased_until IS NULL))
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Down Migration
DROP TABLE idempotency_keys;
