/**
 * `collections subscriptions add|list|remove` through the real command line, on a real Postgres: the
 * signing secret is printed once, a list never shows it, a removed subscription is stopped, and bad
 * arguments are refused with the option and the API's own reason.
 */
import { freshDatabase, type TestDatabase } from '../support/database';
import { runCommandLine, type CommandResult } from '../support/command-line';

const SECRET = /whsec_[A-Za-z0-9+/]{43}=/g;

let db: TestDatabase;

beforeAll(async () => {
  db = await freshDatabase();
});

afterAll(async () => {
  await db?.drop();
});

function collections(...args: string[]): Promise<CommandResult> {
  return runCommandLine({ DATABASE_URL: db.url }, args);
}

test('add prints the secret once; list shows the subscription without it; remove stops it', async () => {
  const added = await collections('subscriptions', 'add', '--url', 'https://erp.example.com/hooks', '--types', 'invoice.paid,promise.broken', '--by', 'Ann Lee');
  expect(added).toMatchObject({ code: 0, stderr: '' });
  const secrets = [...added.stdout.matchAll(SECRET)].map((match) => match[0]);
  expect(secrets).toHaveLength(1);
  const [, subscriptionId] = /subscription (sub_[0-9a-f]{16}) created for https:\/\/erp\.example\.com\/hooks \(invoice\.paid, promise\.broken\)/.exec(added.stdout) ?? [];
  expect(subscriptionId).toBeDefined();
  const stored = await db.pool.query('SELECT signing_secret, created_by FROM event_subscriptions WHERE subscription_id = $1', [subscriptionId]);
  expect(stored.rows).toEqual([{ signing_secret: secrets[0], created_by: 'Ann Lee' }]);

  const listed = await collections('subscriptions', 'list');
  expect(listed.code).toBe(0);
  expect(listed.stdout).toMatch(new RegExp(`^${subscriptionId} +active +invoice\\.paid,promise\\.broken +\\S+Z +Ann Lee +https://erp\\.example\\.com/hooks$`, 'm'));
  expect(listed.stdout).not.toContain('whsec_');

  const removed = await collections('subscriptions', 'remove', subscriptionId, '--by', 'Bo Chen');
  expect(removed).toMatchObject({ code: 0, stderr: '' });
  expect(removed.stdout).toContain(`subscription ${subscriptionId} to https://erp.example.com/hooks is stopped`);
  expect((await collections('subscriptions', 'list')).stdout).toMatch(new RegExp(`^${subscriptionId} +stopped \\S+Z`, 'm'));
  expect((await collections('subscriptions', 'remove', 'sub_0000000000000404', '--by', 'Bo Chen')).code).toBe(1);
}, 180_000);

test('bad arguments are refused with the option and the reason, and nothing is stored', async () => {
  const before = (await db.pool.query('SELECT count(*)::int AS n FROM event_subscriptions')).rows[0].n;
  const refused = await collections('subscriptions', 'add', '--url', 'http://erp.example.com/hooks', '--types', 'invoice.paid,invoice.void');
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('--url: must be an https URL (plain http only to localhost or 127.0.0.1, for testing)');
  expect(refused.stderr).toContain('--types: must be one of invoice.paid, invoice.escalated, invoice.written_off, promise.broken');
  expect(refused.stderr).toContain('--by: is required: who subscribes');
  expect((await collections('subscriptions', 'add', '--nope')).code).toBe(2);
  expect((await db.pool.query('SELECT count(*)::int AS n FROM event_subscriptions')).rows[0].n).toBe(before);
}, 180_000);
