/** Policies in Postgres: versioned documents; new invoices take the latest version as their snapshot. */
import type { Pool } from 'pg';
import { DEFAULT_POLICY } from '../domain/policy/default-policy';
import { collectionsPolicySchema, type CollectionsPolicy } from '../domain/policy/schema';

/** Stores the default policy as version 1 when no policy exists yet. */
export async function ensureDefaultPolicy(db: Pool): Promise<void> {
  await db.query(
    'INSERT INTO policies (policy_id, version, document) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
    [DEFAULT_POLICY.policyId, DEFAULT_POLICY.version, JSON.stringify(DEFAULT_POLICY)],
  );
}

/** The newest version of a policy, validated again on the way out. */
export async function latestPolicy(db: Pool, policyId = DEFAULT_POLICY.policyId): Promise<CollectionsPolicy> {
  const result = await db.query<{ document: unknown }>(
    'SELECT document FROM policies WHERE policy_id = $1 ORDER BY version DESC LIMIT 1',
    [policyId],
  );
  if (result.rowCount === 0) throw new Error(`no policy "${policyId}" is stored`);
  return collectionsPolicySchema.parse(result.rows[0].document);
}

/** One stored version of a policy. */
export async function policyVersion(db: Pool, policyId: string, version: number): Promise<CollectionsPolicy> {
  const result = await db.query<{ document: unknown }>('SELECT document FROM policies WHERE policy_id = $1 AND version = $2', [policyId, version]);
  if (result.rowCount === 0) throw new Error(`policy "${policyId}" v${version} is not stored`);
  return collectionsPolicySchema.parse(result.rows[0].document);
}
