/**
 * `collections keys create|list|revoke` through the real command line, on a real Postgres: a key is
 * printed once and works against the API, a list never shows a secret or a hash, and a revoked key
 * is refused from then on.
 */
import type { Client } from '@temporalio/client';
import { ensureDefaultPolicy } from '../../src/policies/policy-store';
import { startTestApi, type TestApi } from '../support/api-server';
import { freshDatabase, type TestDatabase } from '../support/database';
import { runCommandLine, type CommandResult } from '../support/command-line';

const KEY = /ce_([0-9a-f]{16})_([A-Za-z0-9_-]{43})/g;

let db: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  db = await freshDatabase();
  await ensureDefaultPolicy(db.pool);
  api = await startTestApi({ db: db.pool, client: {} as Client, taskQueue: 'unused' });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

/** Runs the command line on the test's database. */
function collections(...args: string[]): Promise<CommandResult> {
  return runCommandLine({ DATABASE_URL: db.url }, args);
}

test('create prints the key once; it works, a list shows no secret, and once revoked it is refused', async () => {
  const created = await collections('keys', 'create', '--holder', 'Ann Lee', '--role', 'manager', '--approver-role', 'controller');
  expect(created).toMatchObject({ code: 0, stderr: '' });
  const keys = [...created.stdout.matchAll(KEY)];
  expect(keys).toHaveLength(1);
  const [key, keyId, secret] = keys[0];
  expect(created.stdout).toContain(`API key ${keyId} created for "Ann Lee", role manager (write-off approver role controller)`);
  expect((await api.fetch('/templates', { key })).status).toBe(200);
  // A manager may not register invoices: the CLI's role is the one the API enforces.
  expect((await api.fetch('/invoices', { key, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(403);

  const stored = await db.pool.query<{ hash: string }>("SELECT encode(secret_sha256, 'hex') AS hash FROM api_keys WHERE key_id = $1", [keyId]);
  const listed = await collections('keys', 'list');
  expect(listed.code).toBe(0);
  const row = listed.stdout.split('\n').find((line) => line.startsWith(keyId));
  expect(row).toMatch(new RegExp(`^${keyId} +manager +controller +\\S+Z +\\S+Z +active +Ann Lee$`));
  expect(listed.stdout).toMatch(/^ID +ROLE +APPROVER +CREATED +LAST USED +STATUS +HOLDER$/m);
  for (const secretPart of [secret, stored.rows[0].hash, key]) expect(listed.stdout).not.toContain(secretPart);

  const revoked = await collections('keys', 'revoke', keyId);
  expect(revoked.code).toBe(0);
  expect(revoked.stdout).toContain(`API key ${keyId} of "Ann Lee" is revoked`);
  expect((await api.fetch('/templates', { key })).status).toBe(401);
  expect((await collections('keys', 'list')).stdout.split('\n').find((line) => line.startsWith(keyId))).toMatch(/ revoked \S+Z +Ann Lee$/);
}, 180_000);

test('bad arguments are refused with the option and the reason, and nothing is stored', async () => {
  const before = (await db.pool.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n;
  const unknownRole = await collections('keys', 'create', '--holder', 'ERP', '--role', 'root');
  expect(unknownRole.code).toBe(2);
  expect(unknownRole.stderr).toContain('--role: must be one of system, collector, manager, auditor, admin');
  const approverCollector = await collections('keys', 'create', '--holder', 'Carla', '--role', 'collector', '--approver-role', 'cfo');
  expect(approverCollector.code).toBe(2);
  expect(approverCollector.stderr).toContain('--approver-role: only manager and admin keys may carry a write-off approver role');
  const noHolder = await collections('keys', 'create', '--role', 'auditor');
  expect(noHolder).toMatchObject({ code: 2, stderr: expect.stringContaining('--holder: is required') });
  expect(await collections('keys', 'revoke', '0123456789abcdef')).toMatchObject({ code: 1, stderr: expect.stringContaining('no API key with id 0123456789abcdef') });
  expect((await collections('keys', 'rotate')).code).toBe(2);
  expect((await db.pool.query('SELECT count(*)::int AS n FROM api_keys')).rows[0].n).toBe(before);
}, 180_000);

test('an approver role no stored policy names is created with a warning: its approvals would be refused', async () => {
  const created = await collections('keys', 'create', '--holder', 'Vic', '--role', 'manager', '--approver-role', 'vice-president');
  expect(created.code).toBe(0);
  expect(created.stdout.match(KEY)).toHaveLength(1);
  expect(created.stderr).toContain('warning: no stored policy\'s write-off approval hierarchy names "vice-president" (they name ar-manager, cfo, controller)');
}, 60_000);
