/** Policies in Postgres: versioned documents; new invoices take the latest version as their snapshot. */
import type { Pool } from 'pg';
import { inTransaction } from '../db/pool';
import { DEFAULT_POLICY } from '../domain/policy/default-policy';
import { collectionsPolicySchema, type CollectionsPolicy } from '../domain/policy/schema';

/** No stored policy has that id (or version). */
export class PolicyNotFoundError extends Error {}

/** Stores the default policy as version 1 when no policy exists yet. */
export async function ensureDefaultPolicy(db: Pool, policy: CollectionsPolicy = DEFAULT_POLICY): Promise<void> {
  await db.query(
    'INSERT INTO policies (policy_id, version, document) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
    [policy.policyId, policy.version, JSON.stringify(policy)],
  );
}

/** The newest version of a policy, validated again on the way out. */
export async function latestPolicy(db: Pool, policyId = DEFAULT_POLICY.policyId): Promise<CollectionsPolicy> {
  const result = await db.query<{ document: string | object }>(
    'SELECT document::text AS document FROM policies WHERE policy_id = $1 ORDER BY version DESC LIMIT 1',
    [policyId],
  );
  if (result.rowCount === 0) throw new PolicyNotFoundError(`no policy "${policyId}" is stored`);
  return parseStored(result.rows[0].document);
}

/**
 * One stored version of a policy. A stored version never changes (a change is a new version), so
 * each database's versions are kept once read: a registration reads its policy without a round trip.
 */
export async function policyVersion(db: Pool, policyId: string, version: number): Promise<CollectionsPolicy> {
  const kept = versionsReadFrom(db);
  const key = `${version}:${policyId}`;
  let parsed = kept.get(key);
  if (!parsed) {
    const result = await db.query<{ document: string | object }>('SELECT document::text AS document FROM policies WHERE policy_id = $1 AND version = $2', [policyId, version]);
    if (result.rowCount === 0) throw new PolicyNotFoundError(`policy "${policyId}" v${version} is not stored`);
    parsed = parseOnce(result.rows[0].document);
    kept.set(key, parsed);
    if (kept.size > PARSED_DOCUMENTS_KEPT) kept.delete(kept.keys().next().value as string);
  }
  return structuredClone(parsed); // callers may change theirs
}

/** Versions read, by database (a pool is one database; tests and tools may hold several). */
const versionsByDatabase = new WeakMap<Pool, Map<string, CollectionsPolicy>>();

function versionsReadFrom(db: Pool): Map<string, CollectionsPolicy> {
  let kept = versionsByDatabase.get(db);
  if (!kept) {
    kept = new Map();
    versionsByDatabase.set(db, kept);
  }
  return kept;
}

/**
 * Policies as parsed, by their stored text: validating a whole policy costs milliseconds of CPU and
 * every registration reads one. Keyed by the text itself, so a changed document is parsed afresh.
 */
const parsedDocuments = new Map<string, CollectionsPolicy>();
const PARSED_DOCUMENTS_KEPT = 64;

function parseStored(stored: string | object): CollectionsPolicy {
  return structuredClone(parseOnce(stored)); // callers may change theirs
}

function parseOnce(stored: string | object): CollectionsPolicy {
  const text = typeof stored === 'string' ? stored : JSON.stringify(stored);
  let parsed = parsedDocuments.get(text);
  if (!parsed) {
    parsed = collectionsPolicySchema.parse(JSON.parse(text));
    parsedDocuments.set(text, parsed);
    if (parsedDocuments.size > PARSED_DOCUMENTS_KEPT) parsedDocuments.delete(parsedDocuments.keys().next().value as string);
  }
  return parsed;
}

/** The outcome of saving a new version: stored, the same as the latest (nothing stored), or a stale edit. */
export type SaveVersionOutcome =
  | { saved: true; created: true; policy: CollectionsPolicy }
  | { saved: true; created: false; policy: CollectionsPolicy }
  | { saved: false; latestVersion: number };

/**
 * Stores `policy` as the next version of its id. A document identical to the latest version (its
 * version number aside) stores nothing and answers that version, so a repeated save is harmless.
 * Otherwise, when the document names a version, it must be the next one: an edit made against an
 * older version is refused rather than silently winning.
 */
export async function saveNextVersion(db: Pool, policy: Omit<CollectionsPolicy, 'version'> & { version?: number }): Promise<SaveVersionOutcome> {
  return inTransaction(db, async (client) => {
    // Serialises concurrent saves of one policy id.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`policy:${policy.policyId}`]);
    const latest = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM policies WHERE policy_id = $1', [policy.policyId]);
    const latestVersion = latest.rows[0].version ?? 0;
    const next = latestVersion + 1;
    if (latestVersion > 0) {
      const current = await client.query<{ document: unknown }>('SELECT document FROM policies WHERE policy_id = $1 AND version = $2', [policy.policyId, latestVersion]);
      const stored = collectionsPolicySchema.parse(current.rows[0].document);
      const asLatest = collectionsPolicySchema.parse({ ...policy, version: latestVersion });
      if (canonicalJson(stored) === canonicalJson(asLatest)) return { saved: true, created: false, policy: stored };
    }
    if (policy.version !== undefined && policy.version !== next) return { saved: false, latestVersion };
    const stored = collectionsPolicySchema.parse({ ...policy, version: next });
    await client.query('INSERT INTO policies (policy_id, version, document) VALUES ($1, $2, $3)', [stored.policyId, next, JSON.stringify(stored)]);
    return { saved: true, created: true, policy: stored };
  });
}

/** JSON with object keys sorted, so two documents compare by content whatever order jsonb kept. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (item && typeof item === 'object' && !Array.isArray(item)
    ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : item));
}

/** Every version of a policy, newest first. */
export async function policyVersions(db: Pool, policyId: string): Promise<{ version: number; createdAt: string; name: string }[]> {
  const result = await db.query<{ version: number; created_at: Date; name: string }>(
    "SELECT version, created_at, document->>'name' AS name FROM policies WHERE policy_id = $1 ORDER BY version DESC", [policyId]);
  return result.rows.map((row) => ({ version: row.version, createdAt: row.created_at.toISOString(), name: row.name }));
}
