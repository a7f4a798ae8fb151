/**
 * API keys: `ce_<keyId>_<secret>`, where the secret is 32 random bytes. Only the SHA-256 of the
 * secret is stored and the key is shown once, when it is created. A slow KDF (scrypt, argon2) is
 * there to protect guessable passwords; 256 random bits cannot be guessed, so one SHA-256 is as safe
 * and keeps every request cheap. The stored hash is compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Pool } from 'pg';
import { z } from 'zod';
import { singleLine } from '../../domain/invoice-messages';
import { inTransaction } from '../../db/pool';

/** What a key may do; the route × role matrix is in route-access.ts. */
export const API_ROLES = ['system', 'collector', 'manager', 'auditor', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/** The roles whose keys may carry a write-off approver role. */
export const APPROVER_KEY_ROLES: readonly ApiRole[] = ['manager', 'admin'];

/** Who is calling: the key's holder and role, taken from the key and never from the request. */
export interface ApiCaller {
  keyId: string;
  holder: string;
  role: ApiRole;
  /** The role in the policy's write-off approval hierarchy this key decides as (manager and admin keys only). */
  approverRole?: string;
}

/** A stored key as listed: never its secret nor its hash. */
export interface ApiKeyRecord extends ApiCaller {
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

const KEY_ID_BYTES = 8;
const SECRET_BYTES = 32;
/** `ce_`, 16 hex digits of key id, `_`, 43 base64url characters of secret. */
const KEY_FORMAT = /^ce_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** The SHA-256 of a key's secret, as stored. */
export function secretHash(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** A new key and what is stored of it. */
export function issueKey(): { key: string; keyId: string; secretSha256: Buffer } {
  const keyId = randomBytes(KEY_ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { key: `ce_${keyId}_${secret}`, keyId, secretSha256: secretHash(secret) };
}

/** A presented key split into its id and secret; undefined when it is not a key of this format. */
export function parseKey(presented: string): { keyId: string; secret: string } | undefined {
  const match = KEY_FORMAT.exec(presented);
  return match ? { keyId: match[1], secret: match[2] } : undefined;
}

/** Whether `secret` is the one whose hash is stored, compared in constant time. */
export function secretMatches(secret: string, stored: Buffer): boolean {
  const presented = secretHash(secret);
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}

/** A key to create: who it names, its role, and for a manager or admin key an optional write-off approver role. */
export const newKeySchema = z.object({
  holder: singleLine(200),
  role: z.enum(API_ROLES, { error: `must be one of ${API_ROLES.join(', ')}` }),
  approverRole: singleLine(100).regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a role of a write-off approval hierarchy, such as ar-manager, controller or cfo').optional(),
}).strict().refine((key) => key.approverRole === undefined || APPROVER_KEY_ROLES.includes(key.role), {
  path: ['approverRole'], message: `only ${APPROVER_KEY_ROLES.join(' and ')} keys may carry a write-off approver role`,
});

export type NewKey = z.infer<typeof newKeySchema>;

interface KeyRow {
  key_id: string;
  holder: string;
  role: ApiRole;
  approver_role: string | null;
  secret_sha256: Buffer;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

function recordOf(row: KeyRow): ApiKeyRecord {
  return {
    keyId: row.key_id, holder: row.holder, role: row.role, ...(row.approver_role ? { approverRole: row.approver_role } : {}),
    createdAt: row.created_at, revokedAt: row.revoked_at, lastUsedAt: row.last_used_at,
  };
}

const LISTED = 'key_id, holder, role, approver_role, created_at, revoked_at, last_used_at';

/** Stores a new key; the answer holds the key itself, which is never available again. */
export async function createApiKey(db: Pool, request: NewKey): Promise<{ key: string; record: ApiKeyRecord }> {
  const valid = newKeySchema.parse(request);
  const { key, keyId, secretSha256 } = issueKey();
  const row = await db.query<KeyRow>(
    `INSERT INTO api_keys (key_id, holder, role, approver_role, secret_sha256) VALUES ($1, $2, $3, $4, $5) RETURNING ${LISTED}`,
    [keyId, valid.holder, valid.role, valid.approverRole ?? null, secretSha256]);
  return { key, record: recordOf(row.rows[0]) };
}

/** Every key, oldest first, without secrets or hashes. */
export async function listApiKeys(db: Pool): Promise<ApiKeyRecord[]> {
  const rows = await db.query<KeyRow>(`SELECT ${LISTED} FROM api_keys ORDER BY created_at, key_id`);
  return rows.rows.map(recordOf);
}

/** Revokes a key at once (a revoked key stays listed); undefined when there is no such key. */
export async function revokeApiKey(db: Pool, keyId: string): Promise<ApiKeyRecord | undefined> {
  const row = await db.query<KeyRow>(
    `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE key_id = $1 RETURNING ${LISTED}`, [keyId]);
  return row.rows[0] ? recordOf(row.rows[0]) : undefined;
}

/** How often a key's last use is written: a busy key would otherwise write a row per request. */
const LAST_USED_RESOLUTION = '1 minute';
const LAST_USED_RESOLUTION_MS = 60_000;

/** When this process last wrote each key's last use, per database: within the resolution the write would change nothing, so it is not sent. */
const lastUseWritten = new WeakMap<Pool, Map<string, number>>();

async function noteLastUse(db: Pool, keyId: string): Promise<void> {
  const written = lastUseWritten.get(db) ?? new Map<string, number>();
  lastUseWritten.set(db, written);
  const now = Date.now();
  if (now - (written.get(keyId) ?? Number.NEGATIVE_INFINITY) < LAST_USED_RESOLUTION_MS) return;
  written.set(keyId, now);
  await db.query(
    `UPDATE api_keys SET last_used_at = now() WHERE key_id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '${LAST_USED_RESOLUTION}')`,
    [keyId]);
}

/** The caller a presented key names; undefined for a malformed, unknown or revoked key. */
export async function authenticateKey(db: Pool, presented: string): Promise<ApiCaller | undefined> {
  const parsed = parseKey(presented);
  if (!parsed) return undefined;
  const row = await db.query<KeyRow>(
    'SELECT key_id, holder, role, approver_role, secret_sha256 FROM api_keys WHERE key_id = $1 AND revoked_at IS NULL', [parsed.keyId]);
  const key = row.rows[0];
  if (!key || !secretMatches(parsed.secret, key.secret_sha256)) return undefined;
  await noteLastUse(db, key.key_id);
  return { keyId: key.key_id, holder: key.holder, role: key.role, ...(key.approver_role ? { approverRole: key.approver_role } : {}) };
}

/** The holder named by the first admin key the engine creates for itself. */
export const FIRST_ADMIN_HOLDER = 'first admin';

/**
 * An admin key when no active key exists (a fresh install, or every key revoked), so the operator
 * can get in; undefined otherwise. Engines starting at once create one key between them.
 */
export async function createFirstAdminKey(db: Pool): Promise<string | undefined> {
  return inTransaction(db, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('api_keys: first admin'))");
    const active = await client.query('SELECT 1 FROM api_keys WHERE revoked_at IS NULL AND holder <> $1 LIMIT 1', [WEB_UI_HOLDER]);
    if (active.rowCount !== 0) return undefined;
    const { key, keyId, secretSha256 } = issueKey();
    await client.query("INSERT INTO api_keys (key_id, holder, role, secret_sha256) VALUES ($1, $2, 'admin', $3)", [keyId, FIRST_ADMIN_HOLDER, secretSha256]);
    return key;
  });
}

/** The holder of the key the local dev server's Web UI decodes payloads with. */
export const WEB_UI_HOLDER = 'Temporal Web UI on this machine';

/**
 * A fresh auditor key for the local Web UI's codec endpoint, the previous one revoked: the key
 * lives in the dev server's command line for one run of the engine, never longer.
 */
export async function localWebUiKey(db: Pool): Promise<string> {
  await db.query('UPDATE api_keys SET revoked_at = now() WHERE holder = $1 AND revoked_at IS NULL', [WEB_UI_HOLDER]);
  return (await createApiKey(db, { holder: WEB_UI_HOLDER, role: 'auditor' })).key;
}
