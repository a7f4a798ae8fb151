/**
 * `keys create --holder NAME --role ROLE [--approver-role cfo]`, `keys list`, `keys revoke <id>`: the
 * API keys, from a terminal. A new key is printed once and never again; a list shows no secret.
 * They work on DATABASE_URL, or on the embedded Postgres: the running engine's, or started for the
 * command when no engine runs.
 */
import { parseArgs } from 'node:util';
import { Client, type Pool } from 'pg';
import {
  API_ROLES, APPROVER_KEY_ROLES, createApiKey, listApiKeys, newKeySchema, revokeApiKey, type ApiKeyRecord,
} from '../api/access/api-keys';
import { loadConfig } from '../config';
import { embeddedPostgresUrl } from '../db/embedded-postgres';
import { migrateUp } from '../db/migrate';
import { createPool } from '../db/pool';
import { createLogger } from '../logger';
import { EMBEDDED_DATABASE, openDatabase } from './infrastructure';

const USAGE = [
  'usage: keys create --holder NAME --role ROLE [--approver-role ROLE]   a new API key, printed once',
  `         roles: ${API_ROLES.join(', ')}; --approver-role (${APPROVER_KEY_ROLES.join(' and ')} keys) is the write-off approver role, such as ar-manager, controller or cfo`,
  '       keys list                                                        every key, without secrets',
  '       keys revoke <id>                                                 revoke a key at once',
].join('\n');

/** Whether a Postgres answers at `url`; false when nothing listens there. */
async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'ECONNREFUSED') return false;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The engine's database: DATABASE_URL, the running engine's embedded Postgres, or one started for this command. */
async function openKeyStore(): Promise<{ db: Pool; close(): Promise<void> }> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    // `npm start` keeps its embedded Postgres running: use it rather than start a second server on its files.
    const running = embeddedPostgresUrl(config.embeddedPostgresPort, EMBEDDED_DATABASE);
    if (await answers(running)) {
      await migrateUp(running);
      const db = createPool(running, 2);
      return { db, close: () => db.end() };
    }
  }
  const database = await openDatabase(config, createLogger('error'), { allowEmbedded: true });
  return { db: database.db, close: () => database.close() };
}

/** Runs `work` on the engine's database (DATABASE_URL, or the embedded one) and closes it; answers the exit code. */
export async function withKeyStore(work: (db: Pool) => Promise<number>): Promise<number> {
  const store = await openKeyStore();
  try {
    return await work(store.db);
  } finally {
    await store.close();
  }
}

const OPTION_OF: Record<string, string> = { holder: '--holder', role: '--role', approverRole: '--approver-role' };

async function createKey(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { holder: { type: 'string' }, role: { type: 'string' }, 'approver-role': { type: 'string' } } });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const request = newKeySchema.safeParse({ holder: values.holder, role: values.role, approverRole: values['approver-role'] });
  if (!request.success || positionals.length > 0) {
    for (const issue of request.error?.issues ?? []) {
      const option = OPTION_OF[String(issue.path[0])] ?? String(issue.path[0]);
      process.stderr.write(`${option}: ${issue.code === 'invalid_type' ? 'is required' : issue.message}\n`);
    }
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  return withKeyStore(async (db) => {
    const { key, record } = await createApiKey(db, request.data);
    process.stdout.write([
      `API key ${record.keyId} created for "${record.holder}", role ${describeRole(record)}:`,
      '',
      `  ${key}`,
      '',
      'It is shown only this once (only a hash of it is stored). Send it as "Authorization: Bearer <key>";',
      `revoke it with "collections keys revoke ${record.keyId}".`,
      '',
    ].join('\n'));
    if (record.approverRole) await warnUnknownApprover(db, record.approverRole);
    return 0;
  });
}

/** An approver role no stored policy's hierarchy names can decline write-offs but never approve one: say so. */
async function warnUnknownApprover(db: Pool, approverRole: string): Promise<void> {
  const roles = await db.query<{ role: string }>(
    `SELECT DISTINCT approver->>'role' AS role FROM policies, jsonb_array_elements(document->'writeOff'->'approvalHierarchy') AS approver ORDER BY 1`);
  const known = roles.rows.map((row) => row.role);
  if (!known.includes(approverRole)) {
    process.stderr.write(`warning: no stored policy's write-off approval hierarchy names "${approverRole}" (they name ${known.join(', ') || 'none'}); `
      + 'its write-off approvals will be refused until one does\n');
  }
}

function describeRole(record: ApiKeyRecord): string {
  return record.approverRole ? `${record.role} (write-off approver role ${record.approverRole})` : record.role;
}

const when = (instant: Date | null) => (instant ? instant.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

async function listKeys(): Promise<number> {
  return withKeyStore(async (db) => {
    const keys = await listApiKeys(db);
    if (keys.length === 0) {
      process.stdout.write('no API keys; create one with "collections keys create --holder NAME --role ROLE"\n');
      return 0;
    }
    const rows = keys.map((key) => [key.keyId, key.role, key.approverRole ?? '-', when(key.createdAt), when(key.lastUsedAt), key.revokedAt ? `revoked ${when(key.revokedAt)}` : 'active', key.holder]);
    const header = ['ID', 'ROLE', 'APPROVER', 'CREATED', 'LAST USED', 'STATUS', 'HOLDER'];
    const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
    for (const row of [header, ...rows]) {
      process.stdout.write(`${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  ')}\n`);
    }
    return 0;
  });
}

async function revokeKey(keyId: string): Promise<number> {
  return withKeyStore(async (db) => {
    const revoked = await revokeApiKey(db, keyId);
    if (!revoked) {
      process.stderr.write(`no API key with id ${keyId} (see "collections keys list")\n`);
      return 1;
    }
    process.stdout.write(`API key ${keyId} of "${revoked.holder}" is revoked (since ${when(revoked.revokedAt)}); requests with it are refused\n`);
    return 0;
  });
}

/** Runs a `keys` sub-command with its arguments; answers the exit code. */
export async function runKeyCommand(args: string[]): Promise<number> {
  const [mode, ...rest] = args;
  if (mode === 'create') return createKey(rest);
  if (mode === 'list' && rest.length === 0) return listKeys();
  if (mode === 'revoke' && rest.length === 1) return revokeKey(rest[0]);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}
