/**
 * The route × role matrix, walked against the real app on the whole engine: every route with a key
 * of every role, with no key, and with a revoked, malformed or unknown key. A role the matrix allows
 * is never refused (no 401 or 403); any other is a 403, and a request without a valid key a 401 with
 * `WWW-Authenticate: Bearer`, both problem+json, and a refused request changes nothing.
 */
import { API_ROLES, createApiKey, issueKey, parseKey, revokeApiKey, type ApiRole } from '../../src/api/access/api-keys';
import { mayCall, OPEN_PREFIXES, ROUTE_ACCESS, type RouteAccess } from '../../src/api/access/route-access';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { eventually, startE2eStack, type E2eStack } from '../support/e2e-stack';
import { servedRoutes } from '../support/served-routes';

const today = isoDateOf(Date.now());
const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
const registration = (invoiceId: string) => ({
  invoiceId, invoiceNumber: invoiceId, amount: usd(250_000), dueDate: addDays(today, 20),
  customer: { customerId: `C-${invoiceId}`, name: 'Matrix Trading Co', email: 'ap@matrix.example', segment: 'smb' },
});

/** One well-formed request per route, so an allowed call reaches the route's own logic. */
const REQUESTS: Record<string, { path: string; body?: unknown }> = {
  'GET /health': { path: '/health' },
  'GET /health/live': { path: '/health/live' },
  'GET /health/ready': { path: '/health/ready' },
  'GET /openapi.json': { path: '/openapi.json' },
  'GET /docs': { path: '/docs' },
  'GET /docs/:asset': { path: '/docs/docs-init.js' },
  'POST /invoices': { path: '/invoices', body: registration('AX-1') },
  'GET /invoices/:invoiceId': { path: '/invoices/AX-1' },
  'GET /invoices/:invoiceId/events': { path: '/invoices/AX-1/events' },
  'POST /invoices/:invoiceId/payments': { path: '/invoices/AX-1/payments', body: { paymentId: 'PAY-1', amount: usd(1_000) } },
  'POST /invoices/:invoiceId/payments/:paymentId/reversal': { path: '/invoices/AX-1/payments/PAY-1/reversal', body: { reason: 'chargeback' } },
  'POST /invoices/:invoiceId/cancel': { path: '/invoices/AX-2/cancel', body: { reason: 'voided' } },
  'POST /invoices/:invoiceId/disputes': { path: '/invoices/AX-1/disputes', body: { disputeId: 'D-1', category: 'pricing', amount: usd(1_000) } },
  'POST /invoices/:invoiceId/disputes/:disputeId/resolution': { path: '/invoices/AX-1/disputes/D-1/resolution', body: { inFavourOf: 'company' } },
  'POST /invoices/:invoiceId/promises': { path: '/invoices/AX-1/promises', body: { promiseId: 'P-1', amount: usd(1_000), promisedDate: addDays(today, 7) } },
  'POST /invoices/:invoiceId/holds': { path: '/invoices/AX-1/holds', body: { holdId: 'H-1', kind: 'legal', reason: 'counsel asked' } },
  'POST /invoices/:invoiceId/holds/:holdId/release': { path: '/invoices/AX-1/holds/H-1/release', body: {} },
  'POST /invoices/:invoiceId/settlement-offers': { path: '/invoices/AX-1/settlement-offers', body: { offerId: 'S-1', amount: usd(200_000) } },
  'POST /invoices/:invoiceId/bankruptcy': { path: '/invoices/AX-3/bankruptcy', body: { reference: 'CASE-1' } },
  'POST /invoices/:invoiceId/settlement-offers/:offerId/decision': { path: '/invoices/AX-1/settlement-offers/S-1/decision', body: { approved: true } },
  'POST /invoices/:invoiceId/escalation-decisions': { path: '/invoices/AX-1/escalation-decisions', body: { level: 'legal', approved: true } },
  'POST /invoices/:invoiceId/charge-waivers': { path: '/invoices/AX-1/charge-waivers', body: { kind: 'all', reason: 'goodwill' } },
  'POST /invoices/:invoiceId/write-off-decision': { path: '/invoices/AX-3/write-off-decision', body: { approved: false, note: 'keep collecting' } },
  'POST /invoices/:invoiceId/policy': { path: '/invoices/AX-1/policy', body: { version: 1 } },
  'GET /invoices/:invoiceId/audit': { path: '/invoices/AX-1/audit' },
  'POST /plans': { path: '/plans', body: { planId: 'PL-1', invoiceIds: ['AX-1'], termDays: 60 } },
  'GET /plans/recommendation': { path: '/plans/recommendation?customerId=C-AX-1' },
  'GET /plans/:planId': { path: '/plans/PL-1' },
  'POST /plans/:planId/approval': { path: '/plans/PL-1/approval', body: { approved: false } },
  'POST /plans/:planId/payments': { path: '/plans/PL-1/payments', body: { paymentId: 'PLP-1', amount: usd(1_000) } },
  'POST /plans/:planId/cancel': { path: '/plans/PL-1/cancel', body: { reason: 'customer asked' } },
  'GET /tasks': { path: '/tasks' },
  'POST /customers/:customerId/do-not-dun': { path: '/customers/C-AX-1/do-not-dun', body: { on: false, reason: 'matrix walk' } },
  'GET /customers/:customerId/communications': { path: '/customers/C-AX-1/communications' },
  'GET /customers/:customerId/contact': { path: '/customers/C-AX-1/contact' },
  'POST /customers/:customerId/contact': { path: '/customers/C-AX-1/contact', body: { channels: ['email'] } },
  'GET /letters': { path: '/letters' },
  'GET /letters/:letterId/pdf': { path: '/letters/1/pdf' },
  'POST /letters/:letterId/printed': { path: '/letters/1/printed', body: {} },
  'GET /webhook-events': { path: '/webhook-events' },
  'POST /subscriptions': { path: '/subscriptions', body: { url: 'https://erp.matrix.example/hooks', eventTypes: ['invoice.paid'] } },
  'GET /subscriptions': { path: '/subscriptions' },
  'POST /subscriptions/:subscriptionId/deactivate': { path: '/subscriptions/sub_0000000000000001/deactivate', body: {} },
  'GET /subscriptions/:subscriptionId/deliveries': { path: '/subscriptions/sub_0000000000000001/deliveries' },
  'POST /policies/validate': { path: '/policies/validate', body: { policyId: 'matrix', name: 'Matrix' } },
  'POST /policies/lint': { path: '/policies/lint', body: { policyId: 'matrix', name: 'Matrix' } },
  'POST /policies': { path: '/policies', body: { policyId: 'matrix', name: 'Matrix' } },
  'POST /policies/:policyId/versions/:version/move-invoices': { path: '/policies/default/versions/1/move-invoices', body: {} },
  'GET /policies/:policyId': { path: '/policies/default' },
  'GET /policies/:policyId/versions/:version': { path: '/policies/default/versions/1' },
  'GET /policies/:policyId/checklist': { path: '/policies/default/checklist' },
  'GET /policies/:policyId/diagram': { path: '/policies/default/diagram' },
  'GET /policies/:policyId/strategy-pack.xlsx': { path: '/policies/default/strategy-pack.xlsx' },
  'GET /policies/:policyId/strategy-pack.md': { path: '/policies/default/strategy-pack.md' },
  'GET /templates': { path: '/templates' },
  'GET /templates/:name/preview': { path: '/templates/final-notice/preview' },
  'POST /codec/decode': { path: '/codec/decode', body: { payloads: [] } },
  'POST /codec/encode': { path: '/codec/encode', body: { payloads: [] } },
};

let stack: E2eStack;
const keys = {} as Record<ApiRole, string>;
/** Credentials that are no valid key, each with what it is. */
let invalid: [string, string | undefined][];

beforeAll(async () => {
  stack = await startE2eStack('access-matrix-e2e');
  // Manager and admin keys approve write-offs as cfo, so an allowed decision is never refused for its approver role.
  for (const role of API_ROLES) keys[role] = await stack.api.createKey(role, role === 'manager' || role === 'admin' ? { approverRole: 'cfo' } : {});
  const revoked = await createApiKey(stack.db.pool, { holder: 'former employee', role: 'admin' });
  await revokeApiKey(stack.db.pool, revoked.record.keyId);
  const wrongSecret = `ce_${parseKey(keys.admin)!.keyId}_${parseKey(issueKey().key)!.secret}`;
  invalid = [
    ['no key', undefined],
    ['a revoked admin key', `Bearer ${revoked.key}`],
    ['a key that was never issued', `Bearer ${issueKey().key}`],
    ['an admin key id with another secret', `Bearer ${wrongSecret}`],
    ['a malformed key', 'Bearer not-a-key'],
    ['another scheme', `Basic ${keys.admin}`],
  ];
  for (const invoiceId of ['AX-1', 'AX-2', 'AX-3']) expect((await stack.call('POST', '/invoices', registration(invoiceId), keys.system)).status).toBe(201);
  // Quiet before the walk: each workflow has started and waits for its first step, weeks away.
  for (const invoiceId of ['AX-1', 'AX-2', 'AX-3']) {
    await eventually(() => stack.call('GET', `/invoices/${invoiceId}/events`), (answer) => answer.body?.events?.length >= 1);
  }
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

async function send(route: string, authorization: string | undefined) {
  const method = route.split(' ')[0];
  const { path, body } = REQUESTS[route];
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (authorization !== undefined) headers.authorization = authorization;
  const response = await fetch(`${stack.api.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, type, authenticate: response.headers.get('www-authenticate'), body: type.includes('json') && text ? JSON.parse(text) : text };
}

const nameOf = (access: RouteAccess) => `${access.method} ${access.path}`;
const closed = ROUTE_ACCESS.filter((access) => access.roles !== 'open');

/** Rows of every table a request could change. */
async function rowCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['invoices', 'customers', 'payments', 'disputes', 'ledger_entries', 'tasks', 'communications', 'collection_events', 'policies', 'payment_plans', 'plan_allocations', 'event_subscriptions', 'customer_contacts', 'letters']) {
    counts[table] = Number((await stack.db.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  }
  return counts;
}

test('the matrix declares every route the API serves, and the walk sends a request to each', () => {
  const served = servedRoutes().filter((route) => !OPEN_PREFIXES.some((prefix) => route.split(' ')[1].startsWith(`${prefix}/`)));
  expect(ROUTE_ACCESS.map(nameOf).sort()).toEqual([...new Set(served)].sort());
  expect(Object.keys(REQUESTS).sort()).toEqual(ROUTE_ACCESS.map(nameOf).sort());
});

test('every route refuses a request without a valid key (401) and a role it does not allow (403), and a refusal changes nothing', async () => {
  const before = await rowCounts();
  const wrong: string[] = [];
  for (const access of closed) {
    const route = nameOf(access);
    for (const [what, authorization] of invalid) {
      const answer = await send(route, authorization);
      const ok = answer.status === 401 && answer.type.startsWith('application/problem+json') && /^Bearer\b/.test(answer.authenticate ?? '')
        && answer.body.errors?.[0]?.field === 'header.authorization';
      if (!ok) wrong.push(`${route} with ${what}: ${answer.status} ${answer.authenticate} ${JSON.stringify(answer.body).slice(0, 200)}`);
    }
    for (const role of API_ROLES.filter((r) => !mayCall(access, r))) {
      const answer = await send(route, `Bearer ${keys[role]}`);
      const ok = answer.status === 403 && answer.type.startsWith('application/problem+json') && answer.body.errors?.[0]?.field === 'header.authorization'
        && answer.body.detail.startsWith(`a ${role} key may not ${access.method} /v1${access.path}`);
      if (!ok) wrong.push(`${route} as ${role}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
    }
  }
  expect(wrong).toEqual([]);
  expect(await rowCounts()).toEqual(before);
}, 300_000);

test('every role the matrix allows on a route gets past the gate (never a 401 or 403, never a 5xx)', async () => {
  const wrong: string[] = [];
  let allowed = 0;
  for (const access of ROUTE_ACCESS) {
    const route = nameOf(access);
    const credentials: [string, string | undefined][] = access.roles === 'open'
      ? [['no key', undefined], ...API_ROLES.map((role): [string, string] => [role, `Bearer ${keys[role]}`])]
      : API_ROLES.filter((role) => mayCall(access, role)).map((role): [string, string] => [role, `Bearer ${keys[role]}`]);
    for (const [who, authorization] of credentials) {
      const answer = await send(route, authorization);
      allowed += 1;
      if (answer.status === 401 || answer.status === 403 || answer.status >= 500) wrong.push(`${route} as ${who}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
    }
  }
  expect(wrong).toEqual([]);
  // The walk reached the routes' own logic: the admin's registration and the system's payments landed.
  expect(allowed).toBeGreaterThan(ROUTE_ACCESS.length);
  expect((await stack.db.pool.query("SELECT payment_id FROM payments WHERE invoice_id = 'AX-1'")).rows).toContainEqual({ payment_id: 'PAY-1' });
}, 300_000);

test('an unknown route or method needs a key too (401 without; 404 or 405 with one); webhooks are left to their signatures', async () => {
  const unknown = await fetch(`${stack.api.baseUrl}/nowhere`);
  expect(unknown.status).toBe(401);
  expect(unknown.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect((await stack.api.fetch('/nowhere', { key: keys.auditor })).status).toBe(404);
  // A method the path does not take: 401 without a key, then 405 naming the ones it takes.
  expect((await fetch(`${stack.api.baseUrl}/invoices/AX-1`, { method: 'DELETE' })).status).toBe(401);
  const deleted = await stack.api.fetch('/invoices/AX-1', { method: 'DELETE', key: keys.auditor });
  expect(deleted.status).toBe(405);
  expect(deleted.headers.get('allow')).toBe('GET, HEAD');
  expect(deleted.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const posted = await stack.api.fetch('/invoices/AX-1', { method: 'POST', key: keys.auditor, headers: { 'content-type': 'text/plain' }, body: 'x' });
  expect(posted.status).toBe(405);
  expect(await posted.json()).toMatchObject({ status: 405, errors: [{ field: 'method', reason: 'POST is not allowed on /v1/invoices/:invoiceId: it takes GET, HEAD' }] });
  const both = await stack.api.fetch('/customers/C-AX/contact', { method: 'PUT', key: keys.auditor });
  expect([both.status, both.headers.get('allow')]).toEqual([405, 'GET, HEAD, POST']);
  // Open routes and the signed webhooks answer theirs without a key.
  const health = await fetch(`${stack.api.baseUrl}/health`, { method: 'POST' });
  expect([health.status, health.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  const stripe = await fetch(`${stack.api.baseUrl}/webhooks/stripe`);
  expect([stripe.status, stripe.headers.get('allow')]).toEqual([405, 'POST']);
  // No key is asked for below /v1/webhooks/: whatever answers there, it is not the key check.
  const webhook = await fetch(`${stack.api.baseUrl}/webhooks/access-matrix-probe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(webhook.status).not.toBe(401);
});

test('a key is refused from the moment it is revoked, and its last use is recorded', async () => {
  const { key, record } = await createApiKey(stack.db.pool, { holder: 'temp auditor', role: 'auditor' });
  expect((await stack.api.fetch('/invoices/AX-1', { key })).status).toBe(200);
  const used = await stack.db.pool.query('SELECT last_used_at FROM api_keys WHERE key_id = $1', [record.keyId]);
  expect(used.rows[0].last_used_at).toBeInstanceOf(Date);
  // A busy key's next requests within the minute read the key and write nothing.
  const statements = jest.spyOn(stack.db.pool, 'query');
  for (let i = 0; i < 5; i++) expect((await stack.api.fetch('/invoices/AX-1', { key })).status).toBe(200);
  const sent = statements.mock.calls.map(([sql]) => String(typeof sql === 'string' ? sql : (sql as { text: string }).text));
  statements.mockRestore();
  expect(sent.filter((sql) => sql.includes('FROM api_keys'))).toHaveLength(5);
  expect(sent.filter((sql) => sql.includes('UPDATE api_keys'))).toEqual([]);
  await revokeApiKey(stack.db.pool, record.keyId);
  const refused = await stack.api.fetch('/invoices/AX-1', { key });
  expect(refused.status).toBe(401);
  expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="collections-engine", error="invalid_token"');
});
