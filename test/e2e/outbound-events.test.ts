/**
 * Outbound events on the whole engine: a subscription made through the API, an invoice paid through
 * the API, and the dispatcher POSTing the signed event to a real local receiver that fails twice
 * before it answers 200; verified with the standardwebhooks library and the secret creation answered.
 * Also: types not subscribed to are not sent, a repeated timeline entry queues nothing twice,
 * several dispatchers send each event once, a receiver that never answers 2xx is given up on, and a
 * deactivated subscription gets nothing more.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { createCollectionLogActivities } from '../../activities/collection-log/activities';
import type { CollectionEvent } from '../../activities/collection-log/collection-event';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { startEventDispatcher, type DispatcherOptions, type RunningDispatcher } from '../../src/events/dispatcher';
import { eventually, startE2eStack, type E2eStack } from '../support/e2e-stack';

/** Short waits, so a day's retry schedule plays out in seconds. */
const FAST: DispatcherOptions = { pollIntervalMs: 50, timeoutMs: 2_000, retry: { firstDelayMs: 200, maxDelayMs: 1_000, giveUpAfterMs: 5_000 } };

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A subscriber's endpoint: `/flaky` fails twice then answers 200, `/down` always 500, `/slow` 200 after 100 ms, anything else 200. */
class Receiver {
  readonly requests: Received[] = [];
  private readonly server: Server;
  private flakyFailures = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = req.url ?? '';
        this.requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        if (path === '/flaky' && this.flakyFailures < 2) {
          this.flakyFailures += 1;
          res.writeHead(500).end('temporarily unavailable');
        } else if (path === '/down') {
          res.writeHead(500).end('down for maintenance');
        } else {
          setTimeout(() => res.writeHead(200).end('ok'), path === '/slow' ? 100 : 0);
        }
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  at(path: string): Received[] {
    return this.requests.filter((request) => request.path === path);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let stack: E2eStack;
let receiver: Receiver;
let receiverUrl: string;
let dispatcher: RunningDispatcher;
let manager: string;
let erp: string;

beforeAll(async () => {
  stack = await startE2eStack('outbound-events-e2e');
  receiver = new Receiver();
  receiverUrl = await receiver.listen();
  // Beside the worker, as the engine runs it, with a schedule in milliseconds.
  dispatcher = startEventDispatcher({ db: stack.db.pool }, FAST);
  manager = await stack.api.createKey('manager', { holder: 'Ann Lee' });
  erp = await stack.api.createKey('system', { holder: 'ERP' });
}, 180_000);

afterAll(async () => {
  await dispatcher?.stop();
  await receiver?.close();
  await stack?.close();
});

async function subscribe(path: string, eventTypes?: string[]) {
  const created = await stack.call('POST', '/subscriptions', { url: `${receiverUrl}${path}`, ...(eventTypes ? { eventTypes } : {}) }, manager);
  expect(created.status).toBe(201);
  return created.body as { subscriptionId: string; signingSecret: string };
}

async function register(invoiceId: string, amountMinor: number) {
  const registered = await stack.call('POST', '/invoices', {
    invoiceId, invoiceNumber: `N-${invoiceId}`, amount: { amountMinor, currency: 'USD' }, dueDate: addDays(isoDateOf(Date.now()), 10),
    customer: { customerId: `C-${invoiceId}`, name: 'Outbound Outfitters', email: 'ap@outbound.example' },
  }, erp);
  expect(registered.status).toBe(201);
  await eventually(() => stack.call('GET', `/invoices/${invoiceId}/events`), (answer) => answer.body?.events?.length >= 1);
}

const deliveriesOf = async (subscriptionId: string) => (await stack.call('GET', `/subscriptions/${subscriptionId}/deliveries`, undefined, manager)).body.deliveries;

/** A timeline entry as the invoice workflow records it; seq 0 leaves the invoice's read model as it is. */
const promiseBroken = (invoiceId: string, promiseId: string): CollectionEvent => ({
  idempotencyKey: `invoice-${invoiceId}/promise/${promiseId}/broken`, workflowId: `invoice-${invoiceId}`, invoiceId, type: 'promise_broken',
  summary: `Promise ${promiseId} broken: re-escalating to collector`, occurredAt: new Date().toISOString(),
  data: { promise: { promiseId, amountMinor: 10_000, promisedDate: isoDateOf(Date.now()) }, level: 'collector' },
  snapshot: { seq: 0, status: 'in_collection', balanceMinor: 80_000, paidMinor: 0, creditMinor: 0, escalationLevel: 'collector', daysPastDue: 0,
    agingBucket: 'current', nextAction: null, nextActionAt: null },
});

test('outbound delivery with a receiver that fails twice: three attempts, one webhook-id, each signed, delivered', async () => {
  const paidHook = await subscribe('/flaky', ['invoice.paid']);
  expect(paidHook.signingSecret).toMatch(/^whsec_/);
  const escalations = await subscribe('/escalations', ['invoice.escalated']);

  await register('OB-1', 120_000);
  const paid = await stack.call('POST', '/invoices/OB-1/payments', { paymentId: 'OB-PAY-1', amount: { amountMinor: 120_000, currency: 'USD' } }, erp);
  expect(paid.body).toMatchObject({ status: 'paid', balance: { amountMinor: 0 } });

  const [delivery] = await eventually(() => deliveriesOf(paidHook.subscriptionId), (list) => list?.[0]?.status === 'delivered');
  expect(delivery).toMatchObject({ type: 'invoice.paid', invoiceId: 'OB-1', status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null });

  const attempts = receiver.at('/flaky');
  expect(attempts).toHaveLength(3);
  expect(new Set(attempts.map((a) => a.headers['webhook-id']))).toEqual(new Set([delivery.eventId]));
  const verifier = new Webhook(paidHook.signingSecret);
  for (const attempt of attempts) {
    const headers = { 'webhook-id': String(attempt.headers['webhook-id']), 'webhook-timestamp': String(attempt.headers['webhook-timestamp']),
      'webhook-signature': String(attempt.headers['webhook-signature']) };
    expect(verifier.verify(attempt.body, headers)).toEqual({
      id: delivery.eventId, type: 'invoice.paid', occurredAt: expect.any(String), invoiceId: 'OB-1', customerId: 'C-OB-1',
      data: expect.objectContaining({ status: 'paid', paymentId: 'OB-PAY-1', amount: { amountMinor: 120_000, currency: 'USD' }, balance: { amountMinor: 0, currency: 'USD' } }),
    });
  }
  // The same bytes every time: only the timestamp and the signature are the attempt's own.
  expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
  expect(() => new Webhook(escalations.signingSecret).verify(attempts[0].body, attempts[0].headers as Record<string, string>)).toThrow();

  // The escalation subscriber wanted no payment: nothing was queued for it, and nothing sent.
  expect(await deliveriesOf(escalations.subscriptionId)).toEqual([]);
  expect(receiver.at('/escalations')).toEqual([]);

  // Secrets are answered once: the list has none.
  const listed = await stack.call('GET', '/subscriptions', undefined, manager);
  expect(listed.body.subscriptions).toContainEqual(expect.objectContaining({ subscriptionId: paidHook.subscriptionId, eventTypes: ['invoice.paid'], active: true, createdBy: 'Ann Lee' }));
  expect(JSON.stringify(listed.body)).not.toContain('whsec_');
}, 60_000);

test('a repeat of the same timeline entry (a retried activity) queues no second event or delivery', async () => {
  const { subscriptionId } = await subscribe('/promises', ['promise.broken']);
  await register('OB-2', 80_000);
  const { recordCollectionEvent } = createCollectionLogActivities(stack.db.pool);
  await recordCollectionEvent(promiseBroken('OB-2', 'PTP-1'));
  await recordCollectionEvent(promiseBroken('OB-2', 'PTP-1'));

  const deliveries = await eventually(() => deliveriesOf(subscriptionId), (list) => list?.[0]?.status === 'delivered');
  expect(deliveries).toHaveLength(1);
  const events = await stack.db.pool.query("SELECT event_id FROM outbound_events WHERE collection_event_key = 'invoice-OB-2/promise/PTP-1/broken'");
  expect(events.rows).toEqual([{ event_id: deliveries[0].eventId }]);
  await new Promise((resolve) => setTimeout(resolve, 300)); // a pass or two of the dispatcher
  expect(receiver.at('/promises')).toHaveLength(1);
  expect(JSON.parse(receiver.at('/promises')[0].body)).toMatchObject({ type: 'promise.broken', data: { promiseId: 'PTP-1', reescalatedTo: 'collector' } });
});

test('several dispatchers side by side send each event once', async () => {
  const { subscriptionId } = await subscribe('/slow', ['promise.broken']);
  await register('OB-3', 80_000);
  const more = [startEventDispatcher({ db: stack.db.pool }, { ...FAST, batchSize: 3 }), startEventDispatcher({ db: stack.db.pool }, { ...FAST, batchSize: 3 })];
  try {
    const { recordCollectionEvent } = createCollectionLogActivities(stack.db.pool);
    await Promise.all(Array.from({ length: 24 }, (_, n) => recordCollectionEvent(promiseBroken('OB-3', `PTP-${n}`))));
    const deliveries = await eventually(() => deliveriesOf(subscriptionId), (list) => list?.length === 24 && list.every((d: { status: string }) => d.status === 'delivered'));
    expect(deliveries.map((d: { attempts: number }) => d.attempts)).toEqual(Array(24).fill(1));
    const ids = receiver.at('/slow').map((request) => request.headers['webhook-id']);
    expect(ids).toHaveLength(24);
    expect(new Set(ids).size).toBe(24);
  } finally {
    await Promise.all(more.map((d) => d.stop()));
  }
});

test('a receiver that never answers 2xx is given up on at the end of the schedule, and the delivery shows failed with the last error', async () => {
  const { subscriptionId } = await subscribe('/down', ['promise.broken']);
  await register('OB-4', 80_000);
  await createCollectionLogActivities(stack.db.pool).recordCollectionEvent(promiseBroken('OB-4', 'PTP-1'));
  const [delivery] = await eventually(() => deliveriesOf(subscriptionId), (list) => list?.[0]?.status === 'failed', 20_000);
  expect(delivery).toMatchObject({ status: 'failed', lastStatusCode: 500, lastError: 'answered 500: down for maintenance', nextAttemptAt: null, deliveredAt: null });
  expect(delivery.attempts).toBeGreaterThanOrEqual(3);
  expect(receiver.at('/down')).toHaveLength(delivery.attempts);
});

test('a deactivated subscription gets nothing more; managers subscribe, other roles may not; a URL must be https', async () => {
  const { subscriptionId } = await subscribe('/stopped', ['promise.broken']);
  const stopped = await stack.call('POST', `/subscriptions/${subscriptionId}/deactivate`, {}, manager);
  expect(stopped.status).toBe(200);
  expect(stopped.body).toMatchObject({ subscriptionId, active: false, deactivatedBy: 'Ann Lee' });
  expect((await stack.call('POST', `/subscriptions/${subscriptionId}/deactivate`, {}, manager)).body.active).toBe(false);
  await register('OB-5', 80_000);
  await createCollectionLogActivities(stack.db.pool).recordCollectionEvent(promiseBroken('OB-5', 'PTP-1'));
  expect(await deliveriesOf(subscriptionId)).toEqual([]);

  expect((await stack.call('POST', '/subscriptions/sub_0000000000000404/deactivate', {}, manager)).status).toBe(404);
  expect((await stack.call('POST', '/subscriptions', { url: 'https://erp.example.com/hooks' }, erp)).status).toBe(403);
  const plainHttp = await stack.call('POST', '/subscriptions', { url: 'http://erp.example.com/hooks', eventTypes: ['invoice.paid', 'invoice.void'] }, manager);
  expect(plainHttp.status).toBe(422);
  expect(plainHttp.type).toContain('application/problem+json');
  expect(plainHttp.body.errors).toEqual([
    { field: 'body.url', reason: 'must be an https URL (plain http only to localhost or 127.0.0.1, for testing)' },
    { field: 'body.eventTypes.1', reason: 'must be one of invoice.paid, invoice.escalated, invoice.written_off, promise.broken' },
  ]);
});
