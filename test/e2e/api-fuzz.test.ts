/**
 * Property: whatever a client sends to any route of the API, the answer is never a 5xx and always
 * comes; every refusal is RFC 9457 problem+json (naming the field for bad input) and changes nothing. Requests come from scripts/api-fuzz-requests.ts (near-valid bodies with hostile values,
 * malformed JSON, wrong media types and methods, odd path and query values; keys of every role, and
 * none, malformed or revoked ones) against the whole engine. FUZZ_REQUESTS sets how many (default
 * 1,500); FUZZ_SEED replays a run.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { API_ROLES, createApiKey, revokeApiKey } from '../../src/api/access/api-keys';
import { answerTo, apiRequest, FUZZED_ROUTES, prepareFuzzContext, refusalFlaw, type FuzzContext } from '../../scripts/api-fuzz-requests';
import { startTestApi, type TestApi } from '../support/api-server';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { servedRoutes } from '../support/served-routes';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 1500);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;

let stack: E2eStack;
let api: TestApi;
let context: FuzzContext;

beforeAll(async () => {
  stack = await startE2eStack('fuzz-e2e');
  // A second API on the same engine whose address the test knows (the stack's own is private to it).
  // Its webhooks are configured, so unsigned and badly signed events meet the signature check (unconfigured, they answer 404).
  api = await startTestApi({
    db: stack.db.pool, client: stack.env.client, taskQueue: 'fuzz-e2e',
    webhooks: {
      stripeSecret: `whsec_${randomBytes(24).toString('hex')}`, genericSecret: randomBytes(32).toString('hex'),
      resendSecret: `whsec_${randomBytes(24).toString('base64')}`,
    },
  });
  const roleKeys = await Promise.all(API_ROLES.map((role) => api.createKey(role, role === 'manager' ? { approverRole: 'cfo' } : {})));
  const revoked = await createApiKey(stack.db.pool, { holder: 'former employee', role: 'admin' });
  await revokeApiKey(stack.db.pool, revoked.record.keyId);
  context = await prepareFuzzContext(api.baseUrl, api.adminKey, [...roleKeys, revoked.key]);
}, 180_000);

afterAll(async () => {
  await api?.close();
  await stack?.close();
});

test('the fuzz covers every route of the API', () => {
  expect([...FUZZED_ROUTES].sort()).toEqual(servedRoutes().sort());
});

/**
 * Rows of the tables only a request itself adds to (never a workflow's activities, which go on
 * working after earlier requests): a refusal must leave them as they were.
 */
async function requestWrittenRows(): Promise<string> {
  const tables = ['invoices', 'customers', 'customer_contacts', 'policies', 'api_keys', 'event_subscriptions', 'webhook_events', 'delivery_events', 'idempotency_keys'];
  const counts = await stack.db.pool.query(`SELECT ${tables.map((table) => `(SELECT count(*) FROM ${table}) AS ${table}`).join(', ')}`);
  return JSON.stringify(counts.rows[0]);
}

test(`no request gets a 5xx or goes unanswered; every refusal is problem+json naming the field and changes nothing (${REQUESTS} requests over every route)`, async () => {
  const statuses = new Map<number, number>();
  const routesHit = new Set<string>();
  await fc.assert(fc.asyncProperty(apiRequest(context), async (request) => {
    const before = await requestWrittenRows();
    const answer = await answerTo(api.baseUrl, request);
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    routesHit.add(request.route);
    if (answer.status >= 500) return false;
    const flaw = refusalFlaw(answer, request.method);
    if (flaw) throw new Error(`${request.method} ${request.path}: ${flaw}`);
    if (answer.status >= 400 && answer.status !== 429 && (await requestWrittenRows()) !== before) throw new Error(`${request.method} ${request.path}: a ${answer.status} changed rows`);
    return true;
  }), { numRuns: REQUESTS, seed: SEED, endOnFailure: true });
  process.stdout.write(`[fuzz] ${REQUESTS} requests over ${routesHit.size} routes (seed ${SEED}); statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}\n`);
  expect(routesHit.size).toBe(FUZZED_ROUTES.length);
}, 3_600_000);
