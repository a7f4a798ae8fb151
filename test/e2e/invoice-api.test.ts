/**
 * End to end: the HTTP API, a real Temporal dev server, a real worker, a real Postgres, and the
 * real Resend SDK talking to a local stand-in that records what it receives.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { ensureDefaultPolicy } from '../../src/policies/policy-store';
import { EVERY_DAY_POLICY } from '../support/invoice-fixtures';
import { testWorker } from '../support/collections-worker';
import { freshDatabase, type TestDatabase } from '../support/database';
import { startResendStandIn, type ResendStandIn } from '../support/resend-stand-in';
import { startTestApi, type TestApi } from '../support/api-server';
import { devServerEnvironment } from '../support/temporal';

const TASK_QUEUE = 'collections-e2e';

let env: TestWorkflowEnvironment;
let db: TestDatabase;
let resend: ResendStandIn;
let worker: Worker;
let running: Promise<void>;
let api: TestApi;

beforeAll(async () => {
  [env, db, resend] = await Promise.all([devServerEnvironment(), freshDatabase(), startResendStandIn()]);
  // Contact any day and hour: these tests are about the API, whatever the wall clock says (contact windows are tested on the time-skipping server).
  await ensureDefaultPolicy(db.pool, EVERY_DAY_POLICY);
  worker = await testWorker(env.nativeConnection, TASK_QUEUE, db.pool, resend.baseUrl);
  running = worker.run();
  api = await startTestApi({ db: db.pool, client: env.client, taskQueue: TASK_QUEUE });
});

afterAll(async () => {
  await api?.close();
  worker?.shutdown();
  await running;
  await Promise.all([env?.teardown(), db?.drop(), resend?.close()]);
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await api.fetch(path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined };
}

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const today = isoDateOf(Date.now());
const registration = (invoiceId: string, dueInDays: number, amountMinor = 250_000) => ({
  invoiceId,
  invoiceNumber: `N-${invoiceId}`,
  amount: { amountMinor, currency: 'USD' },
  issueDate: addDays(today, dueInDays - 30),
  dueDate: addDays(today, dueInDays),
  paymentLink: `https://pay.example.com/${invoiceId}`,
  customer: { customerId: 'CUST-E2E', name: 'Northwind Traders', email: 'ap@northwind.example', segment: 'enterprise', riskTier: 'orange' },
});

test('an invoice 8 days past due: registered once, the 7-day notice sent once, paid in two parts', async () => {
  const first = await call('POST', '/invoices', registration('E2E-1', -8));
  expect(first.status).toBe(201);
  expect(first.body).toMatchObject({ created: true, workflowId: 'invoice-E2E-1', policy: { policyId: 'default', version: 1 } });
  const again = await call('POST', '/invoices', registration('E2E-1', -8));
  expect(again.status).toBe(200);
  expect(again.body.created).toBe(false);
  const conflicting = await call('POST', '/invoices', registration('E2E-1', -8, 999));
  expect(conflicting.status).toBe(409);
  expect(conflicting.type).toContain('application/problem+json');

  // Late start: only the +7 step applies now; it is delivered through the Resend SDK exactly once.
  const delivered = await eventually(async () => resend.delivered().filter((e) => e.idempotencyKey?.startsWith('invoice-E2E-1/')), (list) => list.length > 0);
  expect(delivered.map((e) => e.idempotencyKey)).toEqual(['invoice-E2E-1/step/reminder-7-days']);
  expect(delivered[0].body).toMatchObject({ to: 'ap@northwind.example', subject: 'Past due invoice: #N-E2E-1 — $2,500.00' });
  expect(delivered[0].body.html).toContain('https://pay.example.com/E2E-1');

  // The email leaves before the workflow moves on to wait for the next step.
  const state = await eventually(() => call('GET', '/invoices/E2E-1'), (s) => /day 15$/.test(s.body?.nextAction?.description ?? ''));
  expect(state.status).toBe(200);
  expect(state.body).toMatchObject({
    status: 'in_collection', daysPastDue: 8, agingBucket: '1-30', skippedSteps: ['reminder-upcoming', 'reminder-1-day'],
    nextAction: { description: 'email reminder (escalation-notice, firm), day 15' },
  });

  const partial = await call('POST', '/invoices/E2E-1/payments', { paymentId: 'ach-1', amount: { amountMinor: 100_000, currency: 'USD' } });
  expect(partial.status).toBe(200);
  expect(partial.body).toMatchObject({ duplicate: false, status: 'in_collection', balance: { amountMinor: 150_000, currency: 'USD' } });
  const repeat = await call('POST', '/invoices/E2E-1/payments', { paymentId: 'ach-1', amount: { amountMinor: 100_000, currency: 'USD' } });
  expect(repeat.body).toMatchObject({ duplicate: true, balance: { amountMinor: 150_000 } });
  const sameIdOtherAmount = await call('POST', '/invoices/E2E-1/payments', { paymentId: 'ach-1', amount: { amountMinor: 5, currency: 'USD' } });
  expect(sameIdOtherAmount.status).toBe(409);
  const wrongCurrency = await call('POST', '/invoices/E2E-1/payments', { paymentId: 'ach-2', amount: { amountMinor: 5, currency: 'EUR' } });
  expect(wrongCurrency.status).toBe(422);
  expect(wrongCurrency.body.errors).toEqual([{ field: 'body.amount.currency', reason: "must be the invoice's currency USD" }]);

  const rest = await call('POST', '/invoices/E2E-1/payments', { paymentId: 'ach-3', amount: { amountMinor: 150_000, currency: 'USD' } });
  expect(rest.body).toMatchObject({ status: 'paid', balance: { amountMinor: 0 } });

  // Paid, the invoice stays open for chargebacks: a repeat still gets its answer; a new payment is kept as credit, not dropped.
  const lateRepeat = await call('POST', '/invoices/E2E-1/payments', { paymentId: 'ach-3', amount: { amountMinor: 150_000, currency: 'USD' } });
  expect(lateRepeat.status).toBe(200);
  expect(lateRepeat.body).toMatchObject({ duplicate: true, status: 'paid' });
  const afterPaid = await call('POST', '/invoices/E2E-1/payments', { paymentId: 'ach-4', amount: { amountMinor: 1_000, currency: 'USD' } });
  expect(afterPaid.status).toBe(200);
  expect(afterPaid.body).toMatchObject({ status: 'paid', balance: { amountMinor: 0 }, credit: { amountMinor: 1_000 } });

  const ledger = await db.pool.query('SELECT payment_id, applied_minor FROM payments WHERE invoice_id = $1 ORDER BY recorded_at', ['E2E-1']);
  expect(ledger.rows).toEqual([{ payment_id: 'ach-1', applied_minor: 100_000 }, { payment_id: 'ach-3', applied_minor: 150_000 }, { payment_id: 'ach-4', applied_minor: 0 }]);
  const sent = await db.pool.query('SELECT status, provider_message_id FROM communications WHERE invoice_id = $1', ['E2E-1']);
  expect(sent.rows).toHaveLength(1);
  expect(sent.rows[0].status).toBe('sent');
  expect(sent.rows[0].provider_message_id).toEqual(expect.any(String));

  const timeline = await call('GET', '/invoices/E2E-1/events');
  expect(timeline.body.events.map((e: { type: string }) => e.type)).toEqual(['collection_started', 'notice_sent', 'payment_received', 'payment_received', 'payment_received']);
  expect(resend.requests.filter((r) => r.idempotencyKey?.startsWith('invoice-E2E-1/'))).toHaveLength(1);
});

test('search attributes make the Web UI list a worklist', async () => {
  expect((await call('POST', '/invoices', registration('E2E-SA', -40, 777_700))).status).toBe(201);
  const found = await eventually(async () => {
    const ids: string[] = [];
    for await (const execution of env.client.workflow.list({ query: `CustomerId = 'CUST-E2E' AND AgingBucket = '31-60' AND BalanceDue = 777700` })) {
      ids.push(execution.workflowId);
    }
    return ids;
  }, (ids) => ids.length > 0);
  expect(found).toEqual(['invoice-E2E-SA']);
  // A payment id already applied to another invoice (ach-1, to E2E-1 above) is refused and applies nothing here.
  const reused = await call('POST', '/invoices/E2E-SA/payments', { paymentId: 'ach-1', amount: { amountMinor: 100_000, currency: 'USD' } });
  expect(reused.status).toBe(409);
  expect(reused.body.errors).toEqual([{ field: 'body.paymentId', reason: 'was already applied to another invoice' }]);
  const unknown = await call('POST', '/invoices/E2E-NONE/payments', { paymentId: 'ach-9', amount: { amountMinor: 100, currency: 'USD' } });
  expect(unknown.status).toBe(404);
  expect((await db.pool.query('SELECT count(*)::int AS n FROM payments WHERE invoice_id = $1', ['E2E-SA'])).rows[0].n).toBe(0);
  const cancel = await call('POST', '/invoices/E2E-SA/cancel', { reason: 'credit note issued' });
  expect(cancel.status).toBe(202);
  expect((await env.client.workflow.getHandle('invoice-E2E-SA').result()).status).toBe('cancelled');
  const closedCancel = await call('POST', '/invoices/E2E-SA/cancel', { reason: 'again' });
  expect(closedCancel.status).toBe(409);
});

test('bad input gets a 4xx problem naming the field and the reason, and changes nothing', async () => {
  const malformed = await call('POST', '/invoices', '{"invoiceId": ');
  expect(malformed.status).toBe(400);
  expect(malformed.type).toContain('application/problem+json');

  const invalid = await call('POST', '/invoices', { ...registration('E2E-BAD', 3), amount: { amountMinor: 12.5, currency: 'usd' }, dueDate: '2026-02-30' });
  expect(invalid.status).toBe(422);
  expect(invalid.body.errors).toEqual(expect.arrayContaining([
    { field: 'body.amount.amountMinor', reason: 'must be an integer number of minor units (cents), not a decimal' },
    { field: 'body.amount.currency', reason: 'must be an ISO 4217 currency code in upper case, such as USD' },
    { field: 'body.dueDate', reason: 'must be a calendar date written YYYY-MM-DD' },
  ]));
  expect((await db.pool.query('SELECT 1 FROM invoices WHERE invoice_id = $1', ['E2E-BAD'])).rowCount).toBe(0);

  const missing = await call('POST', '/invoices', {});
  expect(missing.body.errors).toEqual(expect.arrayContaining([{ field: 'body.invoiceId', reason: 'is required' }]));
  const nul = await call('POST', '/invoices', { ...registration('E2E-NUL', 3), invoiceNumber: 'A\u0000B' });
  expect(nul.status).toBe(422);
  expect(nul.body.errors).toEqual([{ field: 'body.invoiceNumber', reason: 'must be one line without control characters (no line breaks or tabs)' }]);
  const badId = await call('POST', '/invoices', registration('../etc', 3));
  expect(badId.body.errors[0].field).toBe('body.invoiceId');

  const notJson = await call('POST', '/invoices', undefined, { 'content-type': 'text/plain' });
  expect(notJson.status).toBe(415);
  expect((await call('GET', '/invoices/NOPE')).status).toBe(404);
  expect((await call('POST', '/invoices/NOPE/payments', { paymentId: 'x', amount: { amountMinor: 1, currency: 'USD' } })).status).toBe(404);
  expect((await call('GET', '/nowhere')).status).toBe(404);
  expect((await call('GET', '/tasks?limit=0')).status).toBe(422);
});

test('input that would be accepted but wrong is refused with the field: far-off payment dates, header injection, spoofed names', async () => {
  for (const [receivedAt, reason] of [['2099-06-01T00:00:00Z', 'must not be in the future'], ['1970-01-01T00:00:00Z', 'must not be before 2000-01-01']]) {
    const payment = await call('POST', '/invoices/E2E-ANY/payments', { paymentId: 'PAY-DATE', amount: { amountMinor: 1, currency: 'USD' }, receivedAt });
    expect(payment).toMatchObject({ status: 422, body: { errors: [{ field: 'body.receivedAt', reason }] } });
  }
  const injected = await call('POST', '/invoices', { ...registration('E2E-CRLF', 3), invoiceNumber: '1001\r\nBcc: all@example.com' });
  expect(injected.body.errors).toEqual([{ field: 'body.invoiceNumber', reason: 'must be one line without control characters (no line breaks or tabs)' }]);
  const spoofed = await call('POST', '/invoices', { ...registration('E2E-BIDI', 3), customer: { customerId: 'C-BIDI', name: 'Invoice \u202egpj.exe' } });
  expect(spoofed.body.errors).toEqual([{ field: 'body.customer.name', reason: expect.stringContaining('bidirectional') }]);
  expect((await db.pool.query("SELECT 1 FROM invoices WHERE invoice_id IN ('E2E-CRLF', 'E2E-BIDI')")).rowCount).toBe(0);
});

test('health reports Postgres and Temporal, to anyone (a load balancer has no key)', async () => {
  const health = await fetch(`${api.baseUrl}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', postgres: 'ok', temporal: 'ok' });
});
