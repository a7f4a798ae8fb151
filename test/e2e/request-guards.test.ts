/**
 * What every request goes through, on the whole engine: Idempotency-Key on POST (a retry gets the
 * stored answer and runs nothing, another request under the same key is refused and changes nothing,
 * concurrent duplicates run once, keys expire), rate limits per API key, and security headers.
 */
import { pruneIdempotencyKeys } from '../../src/api/idempotency';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { startTestApi, type TestApi } from '../support/api-server';
import { eventually, startE2eStack, type E2eStack } from '../support/e2e-stack';

let stack: E2eStack;
/** The ERP's key on the stack's API (default limits), and a second API with a short key lifetime and a low rate limit. */
let erp: string;
let tight: TestApi;

const TIGHT_LIMIT = 5;

beforeAll(async () => {
  stack = await startE2eStack('request-guards-e2e');
  erp = await stack.api.createKey('system', { holder: 'ERP' });
  tight = await startTestApi({
    db: stack.db.pool, client: stack.env.client, taskQueue: 'request-guards-e2e',
    idempotencyKeyTtlMs: 1_000, rateLimit: { limit: TIGHT_LIMIT, windowMs: 60_000 },
  });
});

afterAll(async () => {
  await tight?.close();
  await stack?.close();
});

const today = isoDateOf(Date.now());
const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
const registration = (invoiceId: string) => ({
  invoiceId, invoiceNumber: `N-${invoiceId}`, amount: usd(250_000), dueDate: addDays(today, 20),
  customer: { customerId: `C-${invoiceId}`, name: 'Northwind Traders', email: 'ap@northwind.example', segment: 'smb' },
});

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // Tests read whatever the API answered.
  body: any;
}

/** A POST with a JSON body (sent as given when a string) and an Idempotency-Key. */
async function post(path: string, body: unknown, idempotencyKey?: string, { api = stack.api, key = erp } = {}): Promise<Answer> {
  const response = await api.fetch(path, {
    method: 'POST', key,
    headers: { 'content-type': 'application/json', ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
}

const count = async (sql: string, values: unknown[]) => Number((await stack.db.pool.query(sql, values)).rows[0].count);
const paymentsOf = (invoiceId: string) => count('SELECT count(*) FROM payments WHERE invoice_id = $1', [invoiceId]);

async function registered(invoiceId: string): Promise<void> {
  expect((await post('/invoices', registration(invoiceId))).status).toBe(201);
  await eventually(() => stack.call('GET', `/invoices/${invoiceId}`), (s) => s.body?.recentHistory?.length >= 1);
}

test('a retried registration gets the stored answer and starts nothing', async () => {
  const first = await post('/invoices', registration('IK-1'), 'reg-IK-1');
  expect(first.status).toBe(201);
  expect(first.headers.get('idempotency-key')).toBe('reg-IK-1');
  expect(first.headers.get('idempotent-replayed')).toBeNull();

  // The same JSON with its keys in another order and other whitespace is the same request.
  const reordered = JSON.stringify(Object.fromEntries(Object.entries(registration('IK-1')).reverse()), null, 2);
  const retry = await post('/invoices', reordered, 'reg-IK-1');
  // Run again, registration would answer 200 (already registered): the 201 is the stored answer.
  expect(retry).toMatchObject({ status: 201, text: first.text });
  expect(retry.headers.get('idempotent-replayed')).toBe('true');
  expect(retry.headers.get('idempotency-key')).toBe('reg-IK-1');
  expect(retry.headers.get('location')).toBe(first.headers.get('location'));
  expect(retry.headers.get('content-type')).toBe(first.headers.get('content-type'));
  expect(await count('SELECT count(*) FROM invoices WHERE invoice_id = $1', ['IK-1'])).toBe(1);

  // Without the header nothing is stored, and the invoice id still keeps registration idempotent.
  expect((await post('/invoices', registration('IK-1'))).status).toBe(200);
});

test('a retried payment is applied once and answers the balance it was recorded with', async () => {
  await registered('IK-2');
  const first = await post('/invoices/IK-2/payments', { paymentId: 'IK-2-PAY-1', amount: usd(10_000) }, 'pay-1');
  expect(first.status).toBe(200);
  expect(first.body.balance).toEqual(usd(240_000));
  expect((await post('/invoices/IK-2/payments', { paymentId: 'IK-2-PAY-2', amount: usd(40_000) })).body.balance).toEqual(usd(200_000));

  const retry = await post('/invoices/IK-2/payments', { paymentId: 'IK-2-PAY-1', amount: usd(10_000) }, 'pay-1');
  expect(retry).toMatchObject({ status: 200, text: first.text, body: { balance: usd(240_000) } });
  expect(retry.headers.get('idempotent-replayed')).toBe('true');
  expect(await paymentsOf('IK-2')).toBe(2);
});

test('the same key with another body or route is refused with 409 and changes nothing', async () => {
  await registered('IK-3');
  expect((await post('/invoices/IK-3/payments', { paymentId: 'IK-3-PAY-1', amount: usd(10_000) }, 'pay-IK-3')).status).toBe(200);
  const before = (await stack.db.pool.query('SELECT * FROM idempotency_keys WHERE idempotency_key = $1', ['pay-IK-3'])).rows;

  const otherBody = await post('/invoices/IK-3/payments', { paymentId: 'IK-3-PAY-2', amount: usd(20_000) }, 'pay-IK-3');
  expect(otherBody.status).toBe(409);
  expect(otherBody.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(otherBody.body.errors).toEqual([{ field: 'header.idempotency-key', reason: expect.stringContaining('POST /v1/invoices/IK-3/payments') }]);
  const otherRoute = await post('/invoices/IK-3/disputes', { disputeId: 'D-1', category: 'pricing' }, 'pay-IK-3');
  expect(otherRoute.status).toBe(409);
  expect(otherRoute.body.errors[0].field).toBe('header.idempotency-key');

  expect(await paymentsOf('IK-3')).toBe(1);
  expect(await count('SELECT count(*) FROM disputes WHERE invoice_id = $1', ['IK-3'])).toBe(0);
  expect((await stack.db.pool.query('SELECT * FROM idempotency_keys WHERE idempotency_key = $1', ['pay-IK-3'])).rows).toEqual(before);
  expect((await stack.call('GET', '/invoices/IK-3')).body.balance).toEqual(usd(240_000));

  // Keys belong to one API key: another key's holder may use the same key for its own request.
  const otherErp = await stack.api.createKey('system', { holder: 'Billing' });
  const theirs = await post('/invoices/IK-3/payments', { paymentId: 'IK-3-PAY-3', amount: usd(5_000) }, 'pay-IK-3', { key: otherErp });
  expect(theirs.status).toBe(200);
  expect(theirs.headers.get('idempotent-replayed')).toBeNull();
});

test('a refused request is stored too, and a malformed key is refused naming the header', async () => {
  const refused = await post('/invoices', { ...registration('IK-4'), amount: usd(-1) }, 'reg-IK-4');
  expect(refused.status).toBe(422);
  const again = await post('/invoices', { ...registration('IK-4'), amount: usd(-1) }, 'reg-IK-4');
  expect(again).toMatchObject({ status: 422, text: refused.text });
  expect(again.headers.get('idempotent-replayed')).toBe('true');

  for (const bad of ['', 'x'.repeat(256), 'two words']) {
    const answer = await post('/invoices', registration('IK-5'), bad);
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([{ field: 'header.idempotency-key', reason: expect.any(String) }]);
  }
  expect(await count('SELECT count(*) FROM invoices WHERE invoice_id = $1', ['IK-5'])).toBe(0);
});

test('concurrent duplicates run once: the others wait with 409 or get the stored answer', async () => {
  await registered('IK-6');
  const answers = await Promise.all(Array.from({ length: 6 }, () =>
    post('/invoices/IK-6/payments', { paymentId: 'IK-6-PAY-1', amount: usd(10_000) }, 'pay-IK-6')));
  const ran = answers.filter((a) => a.status === 200 && a.headers.get('idempotent-replayed') === null);
  expect(ran).toHaveLength(1);
  for (const answer of answers.filter((a) => a !== ran[0])) {
    if (answer.status === 409) {
      expect(answer.body.errors).toEqual([{ field: 'header.idempotency-key', reason: expect.stringContaining('still being answered') }]);
      expect(answer.headers.get('retry-after')).toBe('1');
    } else {
      expect(answer).toMatchObject({ status: 200, text: ran[0].text });
      expect(answer.headers.get('idempotent-replayed')).toBe('true');
    }
  }
  expect(answers.some((a) => a.status === 409)).toBe(true);
  expect(await paymentsOf('IK-6')).toBe(1);
  // Once answered, every retry is a replay.
  const later = await post('/invoices/IK-6/payments', { paymentId: 'IK-6-PAY-1', amount: usd(10_000) }, 'pay-IK-6');
  expect(later).toMatchObject({ status: 200, text: ran[0].text });
});

test('a key expires: after its time the same key is a new request, and expired keys are pruned', async () => {
  const key = await tight.createKey('system');
  await registered('IK-7');
  const first = await post('/invoices/IK-7/payments', { paymentId: 'IK-7-PAY-1', amount: usd(10_000) }, 'short-lived', { api: tight, key });
  expect(first.status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  // Past its time the key no longer binds the body: another payment under it runs.
  const reused = await post('/invoices/IK-7/payments', { paymentId: 'IK-7-PAY-2', amount: usd(20_000) }, 'short-lived', { api: tight, key });
  expect(reused.status).toBe(200);
  expect(reused.headers.get('idempotent-replayed')).toBeNull();
  expect(reused.body.balance).toEqual(usd(220_000));
  expect(await paymentsOf('IK-7')).toBe(2);

  await new Promise((resolve) => setTimeout(resolve, 1_200));
  expect(await pruneIdempotencyKeys(stack.db.pool)).toBeGreaterThanOrEqual(1);
  expect(await count('SELECT count(*) FROM idempotency_keys WHERE idempotency_key = $1', ['short-lived'])).toBe(0);
  // The stack's keys live a day: still there.
  expect(await count('SELECT count(*) FROM idempotency_keys WHERE idempotency_key = $1', ['pay-IK-6'])).toBe(1);
});

test('a key over its rate limit gets 429 with Retry-After; other keys are not held back', async () => {
  const busy = await tight.createKey('auditor', { holder: 'busy reporting job' });
  const calm = await tight.createKey('auditor', { holder: 'monthly audit' });
  for (let i = 0; i < TIGHT_LIMIT; i += 1) expect((await tight.fetch('/invoices/IK-1', { key: busy })).status).toBe(200);
  const limited = await tight.fetch('/invoices/IK-1', { key: busy });
  expect(limited.status).toBe(429);
  expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const retryAfter = Number(limited.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(limited.headers.get('ratelimit-policy')).toContain(`q=${TIGHT_LIMIT}`);
  expect(await limited.json()).toMatchObject({ status: 429, type: '/problems/too-many-requests', errors: [{ field: 'header.authorization' }] });
  expect((await tight.fetch('/invoices/IK-1', { key: calm })).status).toBe(200);
});

test('every answer carries security headers, and none says what serves it', async () => {
  const answers = [
    await fetch(`${stack.api.baseUrl}/health`),
    await fetch(`${stack.api.baseUrl}/invoices/IK-1`), // no key: 401
    await stack.api.fetch('/invoices/IK-1'),
  ];
  for (const answer of answers) {
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(answer.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(answer.headers.get('x-powered-by')).toBeNull();
  }
  expect(answers.map((a) => a.status)).toEqual([expect.any(Number), 401, 200]);
});

test('the signed webhooks take no Idempotency-Key: they dedupe by event id', async () => {
  const answer = await fetch(`${stack.api.baseUrl}/webhooks/generic`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'hook-1' }, body: '{}',
  });
  expect(answer.headers.get('idempotency-key')).toBeNull();
  expect(await count('SELECT count(*) FROM idempotency_keys WHERE idempotency_key = $1', ['hook-1'])).toBe(0);
});
