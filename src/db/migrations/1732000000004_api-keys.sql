-- Up Migration

-- API keys: a key names its holder and role, and who decided anything through the API is taken from
-- it. The key itself is `ce_<key_id>_<secret>`; only the SHA-256 of the secret is kept (the secret
-- is 32 random bytes, so a fast hash is enough), and the key is shown once, when it is created.
CREATE TABLE api_keys (
  key_id        text        PRIMARY KEY,
  holder        text        NOT NULL,
  role          text        NOT NULL CHECK (role IN ('system', 'collector', 'manager', 'auditor', 'admin')),
  -- The role in a policy's write-off approval hierarchy (ar-manager, controller, cfo …) this key
  -- decides write-offs as; only manager and admin keys carry one.
  approver_role text        CHECK (approver_role IS NULL OR role IN ('manager', 'admin')),
  secret_sha256 bytea       NOT NULL CHECK (octet_length(secret_sha256) = 32),
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz,
  last_used_at  timestamptz
);
CREATE INDEX api_keys_active ON api_keys (created_at) WHERE revoked_at IS NULL;

-- Down Migration
DROP TABLE api_keys;
