/**
 * Payment plans through the HTTP API on the whole engine: a standard plan over two invoices of one
 * customer starts at once and a payment is allocated oldest installment and oldest invoice first; a
 * custom plan waits for a manager whose approver role covers its total; plans are cancelled; bad
 * proposals are refused naming the field, and roles that may not act are refused.
 */
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { eventually, startE2eStack, type E2eStack } from '../support/e2e-stack';

let stack: E2eStack;
let erp: string;
let collector: string;
let arManager: string;
let controller: string;
let auditor: string;

beforeAll(async () => {
  stack = await startE2eStack('plans-e2e');
  erp = await stack.api.createKey('system', { holder: 'ERP' });
  collector = await stack.api.createKey('collector', { holder: 'Carla Collector' });
  arManager = await stack.api.createKey('manager', { holder: 'Ann Lee', approverRole: 'ar-manager' });
  controller = await stack.api.createKey('manager', { holder: 'Cole Controller', approverRole: 'controller' });
  auditor = await stack.api.createKey('auditor', { holder: 'Audra Auditor' });
});

afterAll(async () => {
  await stack?.close();
});

const today = isoDateOf(Date.now());
const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

async function register(invoiceId: string, customerId: string, dueInDays: number, amountMinor: number) {
  const response = await stack.call('POST', '/invoices', {
    invoiceId, invoiceNumber: `N-${invoiceId}`, amount: usd(amountMinor), dueDate: addDays(today, dueInDays),
    customer: { customerId, name: 'Northwind Traders', email: 'ap@northwind.example', segment: 'smb' },
  }, erp);
  expect(response.status).toBe(201);
  await eventually(() => stack.call('GET', `/invoices/${invoiceId}`), (s) => s.body?.recentHistory?.length >= 2);
}

/** The plan once its status is one of `statuses`. */
function planWhen(planId: string, ...statuses: string[]) {
  return eventually(() => stack.call('GET', `/plans/${planId}`, undefined, auditor), (answer) => statuses.includes(answer.body?.status));
}

test('a standard plan over two invoices starts at once, and a payment pays the oldest installment and invoice first', async () => {
  await register('PA-1', 'C-PLAN-1', -40, 60_000);
  await register('PA-2', 'C-PLAN-1', -10, 30_000);

  const proposed = await stack.call('POST', '/plans', { planId: 'PLAN-A', invoiceIds: ['PA-2', 'PA-1'], termDays: 60 }, collector);
  expect(proposed.status).toBe(201);
  expect(proposed.body).toMatchObject({ planId: 'PLAN-A', outcome: 'accepted', kind: 'standard', total: usd(90_000) });
  // Oldest due date first: the first installment is all PA-1, the second the rest of PA-1 and PA-2.
  expect(proposed.body.installments.map((i: { amount: unknown; parts: unknown }) => [i.amount, i.parts])).toEqual([
    [usd(45_000), [{ invoiceId: 'PA-1', amount: usd(45_000) }]],
    [usd(45_000), [{ invoiceId: 'PA-1', amount: usd(15_000) }, { invoiceId: 'PA-2', amount: usd(30_000) }]],
  ]);

  const read = await eventually(() => stack.call('GET', '/plans/PLAN-A', undefined, auditor),
    (answer) => answer.body?.invoices?.every((invoice: { joined: boolean }) => invoice.joined));
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({
    planId: 'PLAN-A', status: 'active', kind: 'standard', customerId: 'C-PLAN-1', proposedBy: 'Carla Collector',
    terms: { termDays: 60, installmentCount: 2 }, remaining: usd(90_000),
  });
  expect(read.body.invoices).toEqual(expect.arrayContaining([
    expect.objectContaining({ invoiceId: 'PA-1', amount: usd(60_000), joined: true }), expect.objectContaining({ invoiceId: 'PA-2', amount: usd(30_000), joined: true }),
  ]));
  expect(read.body.installments[0].dueDate).toBe(addDays(read.body.agreementDate, 30));

  const paid = await stack.call('POST', '/plans/PLAN-A/payments', { paymentId: 'PAY-1', amount: usd(50_000) }, erp);
  expect(paid.status).toBe(201);
  expect(paid.body).toMatchObject({ paymentId: 'PAY-1', duplicate: false });
  expect(paid.body.parts).toEqual([
    expect.objectContaining({ installment: 1, invoiceId: 'PA-1', amountMinor: 45_000, partId: 'PAY-1:1:PA-1' }),
    expect.objectContaining({ installment: 2, invoiceId: 'PA-1', amountMinor: 5_000, partId: 'PAY-1:2:PA-1' }),
  ]);
  expect(paid.body.state).toMatchObject({ paid: usd(50_000), remaining: usd(40_000) });
  expect(paid.body.state.installments.map((i: { status: string; paid: unknown }) => [i.status, i.paid])).toEqual([['paid', usd(45_000)], [expect.any(String), usd(5_000)]]);
  const again = await stack.call('POST', '/plans/PLAN-A/payments', { paymentId: 'PAY-1', amount: usd(50_000) }, erp);
  expect(again).toMatchObject({ status: 200, body: { duplicate: true } });

  // Each part is an ordinary payment on its invoice.
  const invoice = await eventually(() => stack.call('GET', '/invoices/PA-1'), (answer) => answer.body?.balance?.amountMinor === 10_000);
  expect(invoice.body.balance).toEqual(usd(10_000));
  const ledger = await stack.db.pool.query('SELECT payment_id FROM payments WHERE invoice_id = $1 ORDER BY payment_id', ['PA-1']);
  expect(ledger.rows.map((row) => row.payment_id)).toEqual(['PAY-1:1:PA-1', 'PAY-1:2:PA-1']);

  // An invoice in a running plan cannot be in another.
  const twice = await stack.call('POST', '/plans', { planId: 'PLAN-A2', invoiceIds: ['PA-2'], termDays: 30 }, collector);
  expect(twice.status).toBe(422);
  expect(twice.body.errors).toEqual([{ field: 'body.invoiceIds.0', reason: expect.stringContaining('PLAN-A') }]);
});

test('a custom plan waits for a manager whose approver role covers its total; a plan is cancelled, then it has ended', async () => {
  await register('PB-1', 'C-PLAN-2', -45, 900_000);
  const proposed = await stack.call('POST', '/plans', { planId: 'PLAN-B', invoiceIds: ['PB-1'], termDays: 120, installmentCount: 4 }, collector);
  expect(proposed.status).toBe(202);
  expect(proposed.body).toMatchObject({ outcome: 'awaiting_approval', kind: 'custom', reason: expect.stringContaining('120 days') });
  expect(proposed.body.installments).toHaveLength(4);

  // ar-manager may approve up to $5,000.00: not this plan. The role is the key's, so the refusal is a 403.
  const tooSmall = await stack.call('POST', '/plans/PLAN-B/approval', { approved: true }, arManager);
  expect(tooSmall.status).toBe(403);
  expect(tooSmall.body.errors).toEqual([{ field: 'header.authorization', reason: expect.stringContaining('controller or above') }]);
  const approved = await stack.call('POST', '/plans/PLAN-B/approval', { approved: true, note: 'cash flow forecast attached' }, controller);
  expect(approved.status).toBe(200);
  expect(approved.body.approval).toEqual({ approved: true, decidedBy: 'Cole Controller', role: 'controller', note: 'cash flow forecast attached' });
  expect((await planWhen('PLAN-B', 'active')).body.status).toBe('active');

  const cancelled = await stack.call('POST', '/plans/PLAN-B/cancel', { reason: 'customer refinanced' }, collector);
  expect(cancelled.status).toBe(200);
  const ended = await planWhen('PLAN-B', 'cancelled');
  expect(ended.body).toMatchObject({ status: 'cancelled', timeline: expect.arrayContaining([expect.objectContaining({ summary: expect.stringContaining('customer refinanced') })]) });
  expect((await stack.call('POST', '/plans/PLAN-B/cancel', { reason: 'again' }, collector)).status).toBe(409);
  // Once its workflow has let the invoice go and closed, the id cannot start another plan.
  await stack.env.client.workflow.getHandle('plan-PLAN-B').result();
  const reused = await stack.call('POST', '/plans', { planId: 'PLAN-B', invoiceIds: ['PB-1'], termDays: 30 }, collector);
  expect(reused.status).toBe(409);
  expect(reused.body.detail).toContain('a plan id is used once');
});

test('refused proposals name the field and the reason; roles that may not act are refused', async () => {
  const unknown = await stack.call('POST', '/plans', { planId: 'PLAN-X', invoiceIds: ['NOPE'], termDays: 60 }, collector);
  expect(unknown.status).toBe(422);
  expect(unknown.body).toMatchObject({ errors: [{ field: 'body.invoiceIds.0', reason: 'no invoice NOPE is registered' }], decision: { outcome: 'refused' } });
  const notNumber = await stack.call('POST', '/plans', { planId: 'PLAN-Y', invoiceIds: ['PA-1'], termDays: 'sixty' }, collector);
  expect(notNumber.status).toBe(422);
  expect(notNumber.body.errors).toEqual([{ field: 'body.termDays', reason: 'must be a number' }]);
  const spoofed = await stack.call('POST', '/plans', { planId: 'PLAN-Y', invoiceIds: ['PA-1'], termDays: 60, proposedBy: 'someone else' }, collector);
  expect(spoofed.status).toBe(422);
  expect(spoofed.body.errors).toEqual([{ field: 'body.proposedBy', reason: expect.stringMatching(/^is taken from the API key/) }]);
  expect((await stack.call('GET', '/plans/PLAN-NONE', undefined, auditor)).status).toBe(404);

  const forbidden = [
    await stack.call('POST', '/plans', { planId: 'PLAN-Z', invoiceIds: ['PA-1'], termDays: 60 }, erp),
    await stack.call('POST', '/plans/PLAN-A/payments', { paymentId: 'PAY-9', amount: usd(1_000) }, collector),
    await stack.call('POST', '/plans/PLAN-A/approval', { approved: true }, collector),
    await stack.call('POST', '/plans/PLAN-A/cancel', { reason: 'no' }, auditor),
    await stack.call('GET', '/plans/recommendation?customerId=C-PLAN-1', undefined, erp),
  ];
  for (const answer of forbidden) expect(answer).toMatchObject({ status: 403, body: { errors: [{ field: 'header.authorization' }] } });
  expect((await stack.call('GET', '/plans/PLAN-A', undefined, auditor)).body).toMatchObject({ status: 'active', paid: usd(50_000) });
});
