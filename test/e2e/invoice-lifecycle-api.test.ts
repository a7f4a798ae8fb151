/**
 * Disputes, promises, holds, waivers, settlements, chargebacks, bankruptcy and write-off decisions
 * through the HTTP API on the whole engine: each answers with the invoice's new state, and bad input
 * is refused with the field and the reason, with nothing applied. Each call is made with a key of
 * the role that does it in practice; who acted, and a write-off approver's role, come from the key.
 */
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { eventually, startE2eStack, type E2eStack } from '../support/e2e-stack';

let stack: E2eStack;
/** Keys: the ERP, a collector, a manager without an approver role, and managers approving as ar-manager and controller. */
let erp: string;
let collector: string;
let manager: string;
let arManager: string;
let controller: string;

beforeAll(async () => {
  stack = await startE2eStack('lifecycle-e2e');
  erp = await stack.api.createKey('system', { holder: 'ERP' });
  collector = await stack.api.createKey('collector', { holder: 'Carla Collector' });
  manager = await stack.api.createKey('manager', { holder: 'Max Manager' });
  arManager = await stack.api.createKey('manager', { holder: 'Ann Lee', approverRole: 'ar-manager' });
  controller = await stack.api.createKey('manager', { holder: 'Cole Controller', approverRole: 'controller' });
});

afterAll(async () => {
  await stack?.close();
});

const today = isoDateOf(Date.now());
const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

async function register(invoiceId: string, dueInDays: number, amountMinor = 250_000) {
  const response = await stack.call('POST', '/invoices', {
    invoiceId, invoiceNumber: `N-${invoiceId}`, amount: usd(amountMinor), dueDate: addDays(today, dueInDays),
    customer: { customerId: `C-${invoiceId}`, name: 'Northwind Traders', email: 'ap@northwind.example', segment: 'smb', riskTier: 'yellow' },
  }, erp);
  expect(response.status).toBe(201);
  // Let the step that applies at registration run first.
  await eventually(() => stack.call('GET', `/invoices/${invoiceId}`), (s) => s.body?.recentHistory?.length >= 2);
}

test('a dispute on part of an invoice, refused mistakes, a credit memo, a promise, a hold', async () => {
  await register('LC-1', -3);
  const badCategory = await stack.call('POST', '/invoices/LC-1/disputes', { disputeId: 'D-1', category: 'colour' }, erp);
  expect(badCategory.status).toBe(422);
  expect(badCategory.body.errors[0]).toMatchObject({ field: 'body.category' });
  const tooLarge = await stack.call('POST', '/invoices/LC-1/disputes', { disputeId: 'D-1', category: 'pricing', amount: usd(999_999) }, erp);
  expect(tooLarge.status).toBe(422);
  expect(tooLarge.body.errors).toEqual([{ field: 'body.amount.amountMinor', reason: 'must not exceed the undisputed balance of $2,500.00' }]);

  const opened = await stack.call('POST', '/invoices/LC-1/disputes', { disputeId: 'D-1', category: 'pricing', amount: usd(50_000), reason: 'price list' }, erp);
  expect(opened.status).toBe(201);
  expect(opened.body).toMatchObject({ collectible: usd(200_000), disputes: [{ disputeId: 'D-1', department: 'sales', status: 'open' }] });
  const again = await stack.call('POST', '/invoices/LC-1/disputes', { disputeId: 'D-1', category: 'pricing', amount: usd(50_000) }, erp);
  expect(again.body.disputes).toHaveLength(1);

  const claimed = await stack.call('POST', '/invoices/LC-1/disputes/D-1/resolution', { inFavourOf: 'customer', resolvedBy: 'sales@example.com' }, manager);
  expect(claimed).toMatchObject({ status: 422, body: { errors: [{ field: 'body.resolvedBy', reason: expect.stringMatching(/^is taken from the API key/) }] } });
  const resolved = await stack.call('POST', '/invoices/LC-1/disputes/D-1/resolution', { inFavourOf: 'customer' }, manager);
  expect(resolved.status).toBe(200);
  expect(resolved.body).toMatchObject({ balance: usd(200_000), disputes: [{ status: 'resolved_for_customer', creditMemoMinor: 50_000 }] });
  const unknown = await stack.call('POST', '/invoices/LC-1/disputes/D-404/resolution', { inFavourOf: 'company' }, manager);
  expect(unknown.status).toBe(422);
  expect(unknown.body.errors[0].field).toBe('path.disputeId'); // the dispute id comes from the path

  const past = await stack.call('POST', '/invoices/LC-1/promises', { promiseId: 'P-1', amount: usd(100_000), promisedDate: addDays(today, -1) }, collector);
  expect(past.body.errors).toEqual([{ field: 'body.promisedDate', reason: 'must not be in the past' }]);
  const promised = await stack.call('POST', '/invoices/LC-1/promises', { promiseId: 'P-1', amount: usd(100_000), promisedDate: addDays(today, 7) }, collector);
  expect(promised.status).toBe(201);
  expect(promised.body.paused).toContain('promise to pay');

  const held = await stack.call('POST', '/invoices/LC-1/holds', { holdId: 'H-1', kind: 'vip', reason: 'CFO call pending' }, collector);
  expect(held.body.holds).toMatchObject([{ holdId: 'H-1', kind: 'vip' }]);
  const released = await stack.call('POST', '/invoices/LC-1/holds/H-1/release', {}, collector);
  expect(released.body.holds).toEqual([]);

  // Who acted is the key's holder, whatever the body might have said.
  const timeline = await eventually(() => stack.call('GET', '/invoices/LC-1/events', undefined, collector),
    (answer) => JSON.stringify(answer.body).includes('released by Carla Collector'));
  const summaries = timeline.body.events.map((event: { summary: string }) => event.summary).join('\n');
  for (const byKey of ['Max Manager', 'taken by Carla Collector', 'released by Carla Collector']) expect(summaries).toContain(byKey);

  const ledger = await stack.db.pool.query('SELECT kind, amount_minor FROM ledger_entries WHERE invoice_id = $1', ['LC-1']);
  expect(ledger.rows).toEqual([{ kind: 'credit_memo', amount_minor: -50_000 }]);
  const disputes = await stack.db.pool.query('SELECT status, department FROM disputes WHERE invoice_id = $1', ['LC-1']);
  expect(disputes.rows).toEqual([{ status: 'resolved_for_customer', department: 'sales' }]);
});

test('a settlement the policy does not offer, a chargeback that reopens, a bankruptcy and the write-off approval by role', async () => {
  await register('LC-2', -10, 300_000);
  const settlement = await stack.call('POST', '/invoices/LC-2/settlement-offers', { offerId: 'S-1', amount: usd(250_000) }, collector);
  expect(settlement.status).toBe(422);
  expect(settlement.body.errors).toEqual([{ field: 'body.amount', reason: 'the policy offers no settlements' }]);

  const paid = await stack.call('POST', '/invoices/LC-2/payments', { paymentId: 'card-9', amount: usd(300_000) }, erp);
  expect(paid.body.status).toBe('paid');
  const reversal = await stack.call('POST', '/invoices/LC-2/payments/card-9/reversal', { reason: 'chargeback' }, erp);
  expect(reversal.status).toBe(200);
  expect(reversal.body).toMatchObject({ status: 'in_collection', balance: usd(300_000) });

  const early = await stack.call('POST', '/invoices/LC-2/write-off-decision', { approved: true }, arManager);
  expect(early.status).toBe(409);
  const bankrupt = await stack.call('POST', '/invoices/LC-2/bankruptcy', { reference: 'Case 26-77' }, collector);
  expect(bankrupt.status).toBe(200);
  await eventually(() => stack.call('GET', '/invoices/LC-2'), (s) => s.body?.status === 'write_off_review');

  const noRole = await stack.call('POST', '/invoices/LC-2/write-off-decision', { approved: true }, manager);
  expect(noRole.status).toBe(403);
  expect(noRole.body.errors).toEqual([{ field: 'header.authorization', reason: expect.stringMatching(/^this key carries no write-off approver role: /) }]);
  const written = await stack.call('POST', '/invoices/LC-2/write-off-decision', { approved: true }, arManager);
  expect(written.status).toBe(200);
  expect(written.body.status).toBe('written_off');
  const ledger = await stack.db.pool.query('SELECT kind, amount_minor FROM ledger_entries WHERE invoice_id = $1 ORDER BY entry_id', ['LC-2']);
  expect(ledger.rows).toEqual([{ kind: 'payment_reversal', amount_minor: 300_000 }, { kind: 'write_off', amount_minor: -300_000 }]);

  const recovery = await stack.call('POST', '/invoices/LC-2/payments', { paymentId: 'trustee-1', amount: usd(40_000) }, erp);
  expect(recovery.body).toMatchObject({ status: 'written_off', balance: usd(260_000) });
  const kinds = await stack.db.pool.query("SELECT kind FROM payments WHERE payment_id = 'trustee-1'", []);
  expect(kinds.rows).toEqual([{ kind: 'recovery' }]);
});

test('a body cannot claim a role: the approver role of the key is checked against the amount, and who decided is its holder', async () => {
  await register('LC-3', -10, 900_000);
  expect((await stack.call('POST', '/invoices/LC-3/bankruptcy', { reference: 'Case 26-78' }, collector)).status).toBe(200);
  await eventually(() => stack.call('GET', '/invoices/LC-3'), (s) => s.body?.status === 'write_off_review');

  const claimed = await stack.call('POST', '/invoices/LC-3/write-off-decision', { approved: true, decidedBy: 'anon', role: 'cfo' }, arManager);
  expect(claimed.status).toBe(422);
  expect(claimed.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.decidedBy', 'body.role']);
  const overLimit = await stack.call('POST', '/invoices/LC-3/write-off-decision', { approved: true }, arManager);
  expect(overLimit.status).toBe(403);
  expect(overLimit.body.errors).toEqual([{ field: 'header.authorization',
    reason: 'this key\'s write-off approver role "ar-manager": a write-off of this balance needs controller or above' }]);
  expect((await stack.call('GET', '/invoices/LC-3')).body.status).toBe('write_off_review');

  const written = await stack.call('POST', '/invoices/LC-3/write-off-decision', { approved: true, note: 'trustee confirmed no assets' }, controller);
  expect(written).toMatchObject({ status: 200, body: { status: 'written_off' } });
  const decision = await stack.db.pool.query<{ data: { decidedBy: string; role: string } }>(
    "SELECT data FROM collection_events WHERE invoice_id = $1 AND type = 'written_off'", ['LC-3']);
  expect(decision.rows.map((row) => row.data)).toEqual([expect.objectContaining({ decidedBy: 'Cole Controller', role: 'controller' })]);
});

test('unknown invoices are 404 and malformed bodies are 422 with the field', async () => {
  expect((await stack.call('POST', '/invoices/NOPE/holds', { holdId: 'H', kind: 'legal', reason: 'x' })).status).toBe(404);
  const bad = await stack.call('POST', '/invoices/NOPE/holds', { holdId: 'H', kind: 'forever', reason: '' });
  expect(bad.status).toBe(422);
  expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.kind', 'body.reason']);
});

test('a seasonal hold needs its end date', async () => {
  const endless = await stack.call('POST', '/invoices/NOPE/holds', { holdId: 'H-SEASON', kind: 'seasonal', reason: 'year-end close' });
  expect(endless).toMatchObject({ status: 422, body: { errors: [{ field: 'body.until', reason: 'is required for a seasonal hold: the date it ends (YYYY-MM-DD)' }] } });
});
