/**
 * Payment webhooks on the whole engine: Stripe events signed with the Stripe SDK's own test header
 * and generic events signed with HMAC-SHA256 reach the invoice workflows through the real app, a
 * real Temporal dev server, a real worker and Postgres. Every verified event is stored; none is
 * applied twice; one for an unknown invoice is kept for review; a bad signature stores nothing.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import Stripe from 'stripe';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { startTestApi, type TestApi } from '../support/api-server';
import { eventually, startE2eStack, type E2eStack } from '../support/e2e-stack';
import { freePort } from '../support/free-port';

const stripeSecret = `whsec_${randomBytes(24).toString('hex')}`;
const genericSecret = randomBytes(32).toString('hex');
const taskQueue = 'webhooks-e2e';

let stack: E2eStack;
/** The app with both webhooks configured; the stack's own app has neither. */
let api: TestApi;
let erp: string;
let auditor: string;

beforeAll(async () => {
  // The stack's app reads its secrets from the environment: none there, so it serves no webhook.
  delete process.env.STRIPE_WEBHOOK_SECRET;
  delete process.env.WEBHOOK_SECRET;
  stack = await startE2eStack(taskQueue);
  api = await startTestApi({ db: stack.db.pool, client: stack.env.client, taskQueue, webhooks: { stripeSecret, genericSecret } });
  erp = await stack.api.createKey('system', { holder: 'ERP' });
  auditor = await stack.api.createKey('auditor', { holder: 'Audrey Auditor' });
});

afterAll(async () => {
  await api?.close();
  await stack?.close();
});

const today = isoDateOf(Date.now());
const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function register(invoiceId: string, amountMinor: number) {
  const response = await stack.call('POST', '/invoices', {
    invoiceId, invoiceNumber: `N-${invoiceId}`, amount: usd(amountMinor), dueDate: addDays(today, 20),
    customer: { customerId: `C-${invoiceId}`, name: 'Northwind Traders', email: 'ap@northwind.example', segment: 'smb' },
  }, erp);
  expect(response.status).toBe(201);
  // Quiet before the webhooks: the workflow has started and waits for its first step, weeks away.
  await eventually(() => stack.call('GET', `/invoices/${invoiceId}/events`, undefined, erp), (answer) => answer.body?.events?.length >= 1);
}

interface Answer {
  status: number;
  type: string;
  body: any;
}

async function post(baseUrl: string, path: string, payload: string, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined };
}

/** A Stripe event as Stripe sends it, signed with the SDK's test header (or with `options`' secret and time). */
function stripeEvent(id: string, type: string, object: Record<string, unknown>, options: { secret?: string; timestamp?: number; baseUrl?: string } = {}) {
  const payload = JSON.stringify({
    id, object: 'event', api_version: '2026-10-28.endive', created: nowSeconds(), livemode: false, pending_webhooks: 1,
    request: { id: null, idempotency_key: null }, type, data: { object },
  }, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? stripeSecret, timestamp: options.timestamp ?? nowSeconds() });
  return post(options.baseUrl ?? api.baseUrl, '/webhooks/stripe', payload, { 'stripe-signature': signature });
}

/** A generic event signed over "<timestamp>.<body>" with the shared secret (or `options`' secret and time). */
function genericEvent(eventId: string, body: unknown, options: { secret?: string; timestamp?: number; headers?: Record<string, string> } = {}) {
  const payload = JSON.stringify(body);
  const timestamp = String(options.timestamp ?? nowSeconds());
  const signature = createHmac('sha256', options.secret ?? genericSecret).update(`${timestamp}.${payload}`).digest('hex');
  return post(api.baseUrl, '/webhooks/generic', payload,
    { 'webhook-id': eventId, 'webhook-timestamp': timestamp, 'webhook-signature': `sha256=${signature}`, ...options.headers });
}

const paymentIntent = (id: string, amountMinor: number, metadata: Record<string, string>) => ({
  id, object: 'payment_intent', amount: amountMinor, amount_received: amountMinor, currency: 'usd', status: 'succeeded', metadata,
  latest_charge: `ch_${id.slice(3)}`, receipt_email: 'ap@northwind.example',
});

const storedEvent = async (provider: string, eventId: string) => (await stack.db.pool.query(
  'SELECT type, status, reason, invoice_id, attempts, payload FROM webhook_events WHERE provider = $1 AND event_id = $2', [provider, eventId])).rows[0];
const eventCount = async () => Number((await stack.db.pool.query('SELECT count(*) AS n FROM webhook_events')).rows[0].n);
const paymentsOf = async (invoiceId: string) => (await stack.db.pool.query(
  'SELECT payment_id, amount_minor, reversed_at IS NOT NULL AS reversed FROM payments WHERE invoice_id = $1 ORDER BY payment_id', [invoiceId])).rows;

test('a Stripe payment closes the invoice, the same event twice changes nothing, and a refund reopens it', async () => {
  await register('WH-1', 120_000);
  const paid = await stripeEvent('evt_paid_1', 'payment_intent.succeeded', paymentIntent('pi_wh1', 120_000, { invoice_id: 'WH-1' }));
  expect(paid.status).toBe(200);
  expect(paid.body).toMatchObject({
    provider: 'stripe', eventId: 'evt_paid_1', type: 'payment_intent.succeeded', status: 'applied', invoiceId: 'WH-1',
    result: { paymentId: 'pi_wh1', duplicate: false, status: 'paid', balance: usd(0) },
  });
  expect(await storedEvent('stripe', 'evt_paid_1')).toMatchObject({ status: 'applied', invoice_id: 'WH-1', attempts: 1, payload: { data: { object: { id: 'pi_wh1' } } } });

  // Stripe redelivers the event: the stored answer, nothing applied again.
  const again = await stripeEvent('evt_paid_1', 'payment_intent.succeeded', paymentIntent('pi_wh1', 120_000, { invoice_id: 'WH-1' }));
  expect(again.status).toBe(200);
  expect(again.body).toEqual({ ...paid.body, duplicate: true });
  // Another event about the same PaymentIntent is one payment too: its id is the payment's id.
  const sameMoney = await stripeEvent('evt_paid_1b', 'payment_intent.succeeded', paymentIntent('pi_wh1', 120_000, { invoice_id: 'WH-1' }));
  expect(sameMoney.body).toMatchObject({ status: 'applied', result: { paymentId: 'pi_wh1', duplicate: true, status: 'paid' } });
  expect(await paymentsOf('WH-1')).toEqual([{ payment_id: 'pi_wh1', amount_minor: 120_000, reversed: false }]);
  expect((await stack.call('GET', '/invoices/WH-1', undefined, erp)).body).toMatchObject({ status: 'paid', balance: usd(0) });

  // The charge is refunded in full: the charge names its PaymentIntent, whose payment is found and reversed.
  const refund = { id: 'ch_wh1', object: 'charge', amount: 120_000, amount_refunded: 120_000, refunded: true, currency: 'usd', payment_intent: 'pi_wh1', metadata: {} };
  const refunded = await stripeEvent('evt_refund_1', 'charge.refunded', refund);
  expect(refunded.status).toBe(200);
  expect(refunded.body).toMatchObject({ status: 'applied', invoiceId: 'WH-1', result: { status: 'in_collection', balance: usd(120_000) } });
  expect((await stripeEvent('evt_refund_1', 'charge.refunded', refund)).body).toMatchObject({ status: 'applied', duplicate: true });
  expect(await paymentsOf('WH-1')).toEqual([{ payment_id: 'pi_wh1', amount_minor: 120_000, reversed: true }]);
  const invoice = await eventually(() => stack.call('GET', '/invoices/WH-1', undefined, erp), (answer) => answer.body?.status === 'in_collection');
  expect(invoice.body).toMatchObject({ status: 'in_collection', balance: usd(120_000) });

  // A partial refund cannot be a reversal of the whole payment: kept for review, the invoice untouched.
  const partial = await stripeEvent('evt_refund_2', 'charge.refunded', { ...refund, id: 'ch_wh1b', amount_refunded: 10_000, refunded: false });
  expect(partial.status).toBe(202);
  expect(partial.body).toMatchObject({ status: 'refused', reason: expect.stringContaining('partly refunded') });
});

test('a Stripe invoice paid in part, found by its number; a dispute on the charge opens and closes either way', async () => {
  await register('WH-2', 200_000);
  const stripeInvoice = {
    id: 'in_wh2', object: 'invoice', number: 'N-WH-2', amount_paid: 50_000, currency: 'usd', payment_intent: 'pi_wh2', metadata: {},
    status: 'paid', status_transitions: { paid_at: nowSeconds() }, customer_email: 'ap@northwind.example',
  };
  const paid = await stripeEvent('evt_inv_2', 'invoice.paid', stripeInvoice);
  expect(paid.body).toMatchObject({ status: 'applied', invoiceId: 'WH-2', result: { paymentId: 'pi_wh2', balance: usd(150_000) } });

  const dispute = { id: 'dp_wh2', object: 'dispute', amount: 50_000, currency: 'usd', reason: 'product_not_received', status: 'needs_response', charge: 'ch_wh2', payment_intent: 'pi_wh2', metadata: {} };
  const opened = await stripeEvent('evt_dp_2', 'charge.dispute.created', dispute);
  expect(opened.status).toBe(200);
  expect(opened.body).toMatchObject({ status: 'applied', invoiceId: 'WH-2', result: { balance: usd(150_000), collectible: usd(100_000) } });
  const rows = await eventually(() => stack.db.pool.query("SELECT category, department, status, amount_minor FROM disputes WHERE dispute_id = 'dp_wh2'"),
    (result) => result.rows.length === 1);
  expect(rows.rows).toEqual([{ category: 'delivery', department: 'logistics', status: 'open', amount_minor: 50_000 }]);

  // Lost: the customer keeps the money, a credit memo takes the disputed amount off.
  const lost = await stripeEvent('evt_dp_2_closed', 'charge.dispute.closed', { ...dispute, status: 'lost' });
  expect(lost.body).toMatchObject({ status: 'applied', result: { balance: usd(100_000), collectible: usd(100_000) } });

  // Another dispute, won: dunning goes on for the full amount.
  const second = { ...dispute, id: 'dp_wh2b', amount: 20_000, reason: 'fraudulent' };
  expect((await stripeEvent('evt_dp_3', 'charge.dispute.created', second)).body).toMatchObject({ status: 'applied', result: { collectible: usd(80_000) } });
  const won = await stripeEvent('evt_dp_3_closed', 'charge.dispute.closed', { ...second, status: 'won' });
  expect(won.body).toMatchObject({ status: 'applied', result: { balance: usd(100_000), collectible: usd(100_000) } });
  const state = await stack.call('GET', '/invoices/WH-2', undefined, erp);
  expect(state.body.disputes).toMatchObject([
    { disputeId: 'dp_wh2', status: 'resolved_for_customer', creditMemoMinor: 50_000 },
    { disputeId: 'dp_wh2b', category: 'duplicate_charge', status: 'resolved_for_company' },
  ]);
});

test('an event for an unknown invoice is kept as unmatched, answered 202, and listed for review with an API key', async () => {
  const before = await stack.call('GET', '/invoices/WH-404', undefined, erp);
  expect(before.status).toBe(404);
  const unmatched = await stripeEvent('evt_unknown_1', 'payment_intent.succeeded', paymentIntent('pi_unknown', 9_900, { invoice_id: 'WH-404' }));
  expect(unmatched.status).toBe(202);
  expect(unmatched.body).toMatchObject({ status: 'unmatched', reason: expect.stringContaining('no invoice WH-404 (metadata.invoice_id)') });
  const generic = await genericEvent('erp-unknown-1', { type: 'payment', invoiceNumber: 'NO-SUCH-NUMBER', paymentId: 'ERP-PAY-404', amount: usd(500) });
  expect(generic.status).toBe(202);
  expect(generic.body).toMatchObject({ status: 'unmatched', reason: expect.stringContaining('no invoice numbered NO-SUCH-NUMBER') });
  // A redelivery is answered the same, and stays one event.
  expect((await stripeEvent('evt_unknown_1', 'payment_intent.succeeded', paymentIntent('pi_unknown', 9_900, { invoice_id: 'WH-404' }))).status).toBe(202);
  expect(await storedEvent('stripe', 'evt_unknown_1')).toMatchObject({ status: 'unmatched', attempts: 1 });
  expect(Number((await stack.db.pool.query("SELECT count(*) AS n FROM payments WHERE payment_id IN ('pi_unknown', 'ERP-PAY-404')")).rows[0].n)).toBe(0);

  const review = await stack.api.fetch('/webhook-events', { key: auditor });
  expect(review.status).toBe(200);
  const listed = (await review.json()) as { status: string; events: { provider: string; eventId: string; status: string; payload: any }[] };
  expect(listed.status).toBe('unmatched');
  expect(listed.events.map((e) => `${e.provider}/${e.eventId}`)).toEqual(expect.arrayContaining(['stripe/evt_unknown_1', 'generic/erp-unknown-1']));
  expect(listed.events.every((e) => e.status === 'unmatched')).toBe(true);
  expect(listed.events.find((e) => e.eventId === 'evt_unknown_1')?.payload.data.object.metadata).toEqual({ invoice_id: 'WH-404' });
  // The list shows payloads: it takes a key, unlike the webhooks themselves.
  expect((await fetch(`${stack.api.baseUrl}/webhook-events`)).status).toBe(401);
  const badQuery = await stack.call('GET', '/webhook-events?status=lost', undefined, auditor);
  expect(badQuery).toMatchObject({ status: 422, body: { errors: [{ field: 'query.status' }] } });
});

test('a bad signature or a stale timestamp is refused with problem+json and stores nothing', async () => {
  await register('WH-3', 30_000);
  const stored = await eventCount();
  const intent = paymentIntent('pi_wh3', 30_000, { invoice_id: 'WH-3' });

  const forged = await stripeEvent('evt_forged', 'payment_intent.succeeded', intent, { secret: `whsec_${randomBytes(24).toString('hex')}` });
  expect(forged).toMatchObject({ status: 401, type: expect.stringContaining('application/problem+json'),
    body: { errors: [{ field: 'header.stripe-signature', reason: expect.stringContaining('does not match') }] } });
  const stale = await stripeEvent('evt_stale', 'payment_intent.succeeded', intent, { timestamp: nowSeconds() - 600 });
  expect(stale).toMatchObject({ status: 401, body: { errors: [{ field: 'header.stripe-signature', reason: expect.stringContaining('5 minutes') }] } });
  const unsigned = await post(api.baseUrl, '/webhooks/stripe', JSON.stringify({ id: 'evt_unsigned', type: 'payment_intent.succeeded' }), {});
  expect(unsigned).toMatchObject({ status: 400, body: { errors: [{ field: 'header.stripe-signature', reason: 'is required' }] } });

  const body = { type: 'payment', invoiceId: 'WH-3', paymentId: 'ERP-PAY-3', amount: usd(30_000) };
  const wrongKey = await genericEvent('erp-forged', body, { secret: randomBytes(32).toString('hex') });
  expect(wrongKey).toMatchObject({ status: 401, type: expect.stringContaining('application/problem+json'), body: { errors: [{ field: 'header.webhook-signature' }] } });
  const old = await genericEvent('erp-stale', body, { timestamp: nowSeconds() - 301 });
  expect(old).toMatchObject({ status: 401, body: { errors: [{ field: 'header.webhook-timestamp', reason: expect.stringContaining('5 minutes') }] } });
  const ahead = await genericEvent('erp-ahead', body, { timestamp: nowSeconds() + 400 });
  expect(ahead.body.errors[0].field).toBe('header.webhook-timestamp');
  const noId = await genericEvent('', body);
  expect(noId).toMatchObject({ status: 400, body: { errors: [{ field: 'header.webhook-id', reason: 'is required' }] } });

  expect(await eventCount()).toBe(stored);
  expect(await paymentsOf('WH-3')).toEqual([]);
});

test('the generic webhook applies a payment, answers a replayed id as before, and refuses a bad body naming the field', async () => {
  await register('WH-4', 80_000);
  const paid = await genericEvent('erp-evt-1', { type: 'payment', invoiceId: 'WH-4', paymentId: 'ERP-PAY-4', amount: usd(30_000), method: 'ach' });
  expect(paid.status).toBe(200);
  expect(paid.body).toMatchObject({ provider: 'generic', eventId: 'erp-evt-1', type: 'payment', status: 'applied', invoiceId: 'WH-4', result: { balance: usd(50_000) } });

  // The same id again, even with another body: the first answer, nothing changed.
  const replay = await genericEvent('erp-evt-1', { type: 'payment', invoiceId: 'WH-4', paymentId: 'ERP-PAY-4b', amount: usd(50_000) });
  expect(replay.status).toBe(200);
  expect(replay.body).toEqual({ ...paid.body, duplicate: true });
  expect(await paymentsOf('WH-4')).toEqual([{ payment_id: 'ERP-PAY-4', amount_minor: 30_000, reversed: false }]);

  const stored = await eventCount();
  const decimal = await genericEvent('erp-evt-2', { type: 'payment', invoiceId: 'WH-4', paymentId: 'ERP-PAY-5', amount: { amountMinor: 12.5, currency: 'USD' } });
  expect(decimal).toMatchObject({ status: 422, type: expect.stringContaining('application/problem+json'),
    body: { errors: [{ field: 'body.amount.amountMinor', reason: 'must be an integer number of minor units (cents), not a decimal' }] } });
  const unknownType = await genericEvent('erp-evt-3', { type: 'refund', invoiceId: 'WH-4' });
  expect(unknownType.body.errors).toEqual([{ field: 'body.type', reason: 'must be one of payment, reversal, dispute, dispute_resolution' }]);
  const noInvoice = await genericEvent('erp-evt-4', { type: 'reversal', paymentId: 'ERP-PAY-4', reason: 'returned' });
  expect(noInvoice.body.errors).toEqual([{ field: 'body.invoiceId', reason: 'is required (or invoiceNumber): the invoice this event is for' }]);
  expect(await eventCount()).toBe(stored);

  // A refusal by the invoice itself is kept for review, with the workflow's reason.
  const otherCurrency = await genericEvent('erp-evt-5', { type: 'dispute', invoiceId: 'WH-4', disputeId: 'ERP-D-1', category: 'pricing', amount: { amountMinor: 100, currency: 'EUR' } });
  expect(otherCurrency.status).toBe(202);
  expect(otherCurrency.body).toMatchObject({ status: 'refused', invoiceId: 'WH-4', reason: 'amount.currency: invoice is in USD, this is in EUR' });

  // A returned payment through the generic webhook reverses it.
  const returned = await genericEvent('erp-evt-6', { type: 'reversal', invoiceNumber: 'N-WH-4', paymentId: 'ERP-PAY-4', reason: 'ACH return R01' });
  expect(returned.body).toMatchObject({ status: 'applied', invoiceId: 'WH-4', result: { balance: usd(80_000) } });
});

test('an event that cannot reach its invoice\'s workflow is kept as failed, answered 503, and applied when delivered again', async () => {
  await register('WH-5', 40_000);
  // The same app in front of a Temporal address where nothing listens.
  const nowhere = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 1_000 }) });
  const cut = await startTestApi({ db: stack.db.pool, client: nowhere, taskQueue, webhooks: { stripeSecret, genericSecret } });
  try {
    const intent = paymentIntent('pi_wh5', 40_000, { invoice_id: 'WH-5' });
    const failed = await stripeEvent('evt_wh5', 'payment_intent.succeeded', intent, { baseUrl: cut.baseUrl });
    expect(failed).toMatchObject({ status: 503, type: expect.stringContaining('application/problem+json'), body: { detail: expect.stringContaining('evt_wh5 is stored but not applied') } });
    expect(await storedEvent('stripe', 'evt_wh5')).toMatchObject({ status: 'failed', invoice_id: 'WH-5', attempts: 1 });
  } finally {
    await cut.close();
    await nowhere.connection.close();
  }
  const redelivered = await stripeEvent('evt_wh5', 'payment_intent.succeeded', paymentIntent('pi_wh5', 40_000, { invoice_id: 'WH-5' }));
  expect(redelivered).toMatchObject({ status: 200, body: { status: 'applied', result: { status: 'paid', balance: usd(0) } } });
  expect(redelivered.body.duplicate).toBeUndefined();
  expect(await storedEvent('stripe', 'evt_wh5')).toMatchObject({ status: 'applied', attempts: 2 });
}, 120_000);

test('a webhook whose secret is not configured answers 404 problem+json naming its variable, and stores nothing', async () => {
  const stored = await eventCount();
  const stripe = await stripeEvent('evt_unconfigured', 'payment_intent.succeeded', paymentIntent('pi_x', 100, { invoice_id: 'WH-1' }), { baseUrl: stack.api.baseUrl });
  expect(stripe).toMatchObject({ status: 404, type: expect.stringContaining('application/problem+json'), body: { detail: expect.stringContaining('STRIPE_WEBHOOK_SECRET') } });
  const generic = await post(stack.api.baseUrl, '/webhooks/generic', '{}', { 'webhook-id': 'evt_1', 'webhook-timestamp': '1', 'webhook-signature': 'sha256=00' });
  expect(generic).toMatchObject({ status: 404, body: { detail: expect.stringContaining('WEBHOOK_SECRET') } });
  // Without its signature headers a request is refused first: that is the sender's to fix either way.
  const unsigned = await post(stack.api.baseUrl, '/webhooks/generic', '{}', {});
  expect(unsigned).toMatchObject({ status: 400, body: { errors: [{ field: 'header.webhook-id', reason: 'is required' }] } });
  expect(await eventCount()).toBe(stored);
});
