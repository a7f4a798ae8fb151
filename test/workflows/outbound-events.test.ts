/**
 * Outbound events from the real invoice workflow on the time-skipping server: the timeline entries it
 * records become exactly the events subscribers want (each move up the ladder, the approved
 * write-off once, a broken promise, the payment that clears the balance) and nothing else, queued
 * for each subscriber that asked for the type. Sending them is test/e2e/outbound-events.test.ts.
 */
import { addDays } from '../../src/domain/calendar';
import { createSubscription } from '../../src/events/subscriptions';
import { decideWriteOffUpdate, invoiceStateQuery, promiseToPayUpdate, recordPaymentUpdate, type InvoiceCollectionInput } from '../../workflows/invoice-collection/definitions';
import { DAY, startCollectionTestBed, type CollectionTestBed } from '../support/collection-test-bed';

let bed: CollectionTestBed;
let everything: string;
let paidOnly: string;

beforeAll(async () => {
  bed = await startCollectionTestBed('outbound-events-test');
  everything = (await createSubscription(bed.db.pool, { url: 'https://erp.example.com/hooks/all' }, 'test manager')).subscriptionId;
  paidOnly = (await createSubscription(bed.db.pool, { url: 'https://erp.example.com/hooks/paid', eventTypes: ['invoice.paid'] }, 'test manager')).subscriptionId;
});

afterAll(async () => {
  await bed?.teardown();
});

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

/** The invoice's outbound events in timeline order. */
const outboundOf = (input: InvoiceCollectionInput) => bed.rows<{ event_id: string; type: string; data: Record<string, unknown> }>(
  `SELECT o.event_id, o.type, o.data FROM outbound_events o JOIN collection_events c ON c.idempotency_key = o.collection_event_key
    WHERE o.invoice_id = $1 ORDER BY c.event_id`, [input.invoice.invoiceId]);

/** The invoice's deliveries queued for a subscription. */
const deliveriesFor = async (input: InvoiceCollectionInput, subscriptionId: string) => (await bed.rows<{ type: string }>(
  `SELECT o.type FROM event_deliveries d JOIN outbound_events o USING (event_id) JOIN collection_events c ON c.idempotency_key = o.collection_event_key
    WHERE o.invoice_id = $1 AND d.subscription_id = $2 ORDER BY c.event_id`,
  [input.invoice.invoiceId, subscriptionId])).map((row) => row.type);

test('a whole life: one event each time the account moves up to sales, management, legal and agency, and one for the approved write-off', async () => {
  const input = await bed.start({ dueInDays: 5 });
  const handle = bed.handleOf(input);
  await bed.env.sleep(Date.parse(`${addDays(input.invoice.dueDate, 180)}T10:00:00Z`) - (await bed.env.currentTimeMs()));
  expect((await handle.query(invoiceStateQuery)).status).toBe('write_off_review');
  await handle.executeUpdate(decideWriteOffUpdate, { args: [{ approved: true, decidedBy: 'controller@example.com', role: 'ar-manager', note: 'uncollectible' }] });
  await handle.result();

  const events = await outboundOf(input);
  // The collector's call at day 35 is the first rung, not an escalation; the write-off's ledger entry is the same write-off.
  expect(events.map((e) => [e.type, e.data.level ?? e.data.reason])).toEqual([
    ['invoice.escalated', 'sales'], ['invoice.escalated', 'management'], ['invoice.escalated', 'legal'], ['invoice.escalated', 'agency'],
    ['invoice.written_off', 'approved'],
  ]);
  expect(events.at(-1)?.data).toMatchObject({ status: 'written_off', amount: usd(125_000), decidedBy: 'controller@example.com', escalationLevel: 'agency' });
  expect(new Set(events.map((e) => e.event_id)).size).toBe(5);
  expect(await deliveriesFor(input, everything)).toHaveLength(5);
  expect(await deliveriesFor(input, paidOnly)).toEqual([]);
});

test('a broken promise and its re-escalation, then the payment that clears the balance; a later payment is credit, not a second paid event', async () => {
  const input = await bed.start({ dueInDays: -40 }); // the collector's call at day 35 is already open
  const handle = bed.handleOf(input);
  await bed.env.sleep(DAY / 4);
  await handle.executeUpdate(promiseToPayUpdate, { args: [{ promiseId: 'PR-1', amount: usd(50_000), promisedDate: addDays(input.invoice.dueDate, 43) }] });
  await bed.env.sleep(8 * DAY); // past the promised date and its grace, without the money
  const { balance } = await handle.query(invoiceStateQuery);
  await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'PAY-1', amount: balance }] });
  await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'PAY-2', amount: usd(1_000) }] });

  const events = await outboundOf(input);
  expect(events.map((e) => e.type)).toEqual(['promise.broken', 'invoice.escalated', 'invoice.paid']);
  expect(events[0].data).toMatchObject({ promiseId: 'PR-1', promisedAmount: usd(50_000), reescalatedTo: 'sales' });
  expect(events[2].data).toMatchObject({ status: 'paid', paymentId: 'PAY-1', amount: balance, balance: usd(0) });
  expect(await deliveriesFor(input, everything)).toEqual(['promise.broken', 'invoice.escalated', 'invoice.paid']);
  expect(await deliveriesFor(input, paidOnly)).toEqual(['invoice.paid']);
});
