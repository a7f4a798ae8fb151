/**
 * Payment plans on the time-skipping server, with the real invoice workflows and activities on a real
 * Postgres: a plan's whole life with one installment late but within grace; a breach that
 * re-escalates its invoices; a payment split across installments of two invoices; a custom plan that
 * waits for approval within the approver's limit; refusals with their reasons.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { addDays } from '../../src/domain/calendar';
import { collectionsPolicySchema } from '../../src/domain/policy/schema';
import { ConflictError } from '../../src/invoices/invoice-errors';
import { approvePlanUpdate, cancelPlanUpdate, planStateQuery, recordPlanPaymentUpdate, type PlanState } from '../../workflows/payment-plan/definitions';
import { invoiceStateQuery, proposeSettlementUpdate } from '../../workflows/invoice-collection/definitions';
import { settled } from '../support/collection-test-bed';
import { EVERY_DAY_POLICY } from '../support/invoice-fixtures';
import { startPlanTestBed, type PlanTestBed } from '../support/payment-plan-test-bed';

let bed: PlanTestBed;

beforeAll(async () => {
  bed = await startPlanTestBed('payment-plan-test');
});

afterAll(async () => {
  await bed?.teardown();
});

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });

async function refusal(promise: Promise<unknown>): Promise<{ field?: string; message: string }> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause as { message: string; details?: { field: string }[] };
  return { field: cause.details?.[0]?.field, message: cause.message };
}

function remindersOf(planId: string): { key: string; at: string; owedMinor: number }[] {
  return bed.contactRequests
    .filter((r) => r.request.requester === `plan-${planId}` && r.request.requestId.endsWith('/reminder'))
    .map((r) => ({ key: r.request.requestId.split('/')[1], at: r.request.notice.event.occurredAt, owedMinor: r.request.notice.invoice.balance.amountMinor }));
}

/** Whether the Resend stand-in has accepted a message under this key (the outreach sends it a moment after the request). */
async function delivered(key: string): Promise<boolean> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (bed.resend.delivered().some((email) => email.idempotencyKey === key)) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

async function eventTypes(invoiceId: string): Promise<string[]> {
  return (await bed.rows<{ type: string }>('SELECT type FROM collection_events WHERE invoice_id = $1 ORDER BY occurred_at, event_id', [invoiceId])).map((e) => e.type);
}

test('a plan\'s whole life: the letter, a reminder before each due date, one installment late but within grace, completion', async () => {
  const input = await bed.start({ dueInDays: -40, amountMinor: 90_000 });
  const invoiceId = input.invoice.invoiceId;
  const decision = await bed.propose({ planId: 'PLAN-LIFE', invoiceIds: [invoiceId], termDays: 90 });
  expect(decision).toMatchObject({ outcome: 'accepted', kind: 'standard', total: usd(90_000) });
  expect(decision.installments?.map((i) => i.amount.amountMinor)).toEqual([30_000, 30_000, 30_000]);

  const plan = bed.planHandle('PLAN-LIFE');
  const started = await plan.query(planStateQuery);
  expect(started).toMatchObject({ status: 'active', invoices: [{ invoiceId, joined: true }] });
  const [due1, due2, due3] = started.installments.map((i) => i.dueDate);
  expect(due1).toBe(addDays(started.agreementDate as string, 30));
  expect((await bed.handleOf(input).query(invoiceStateQuery)).paymentPlan?.planId).toBe('PLAN-LIFE');

  // The agreement letter goes through the customer's outreach workflow with every installment.
  const letter = bed.contactRequests.find((r) => r.request.requestId === 'plan-PLAN-LIFE/agreement-letter');
  expect(letter?.outreach.customer.customerId).toBe(input.customer.customerId);
  expect(letter?.request).toMatchObject({
    purpose: 'plan', requester: 'plan-PLAN-LIFE',
    notice: { letter: { name: 'payment-plan-agreement', plan: { total: usd(90_000), installments: [{ number: 1, dueDate: due1 }, { number: 2 }, { number: 3, dueDate: due3 }] } } },
  });

  // It reaches the customer through the real outreach workflow, although the plan pauses the invoice's dunning.
  expect(await delivered('plan-PLAN-LIFE/agreement-letter')).toBe(true);

  // Reminded three days before the due date, at the policy's send hour, and not before.
  await bed.advanceTo(addDays(due1, -3), 8, 'PLAN-LIFE');
  expect(remindersOf('PLAN-LIFE')).toEqual([]);
  await bed.advanceTo(addDays(due1, -3), 10, 'PLAN-LIFE');
  expect(remindersOf('PLAN-LIFE')).toEqual([{ key: 'installment-1', at: expect.stringMatching(new RegExp(`^${addDays(due1, -3)}T09:00`)), owedMinor: 30_000 }]);
  expect(await delivered('plan-PLAN-LIFE/installment-1/reminder')).toBe(true);
  const reminder = bed.resend.delivered().find((email) => email.idempotencyKey === 'plan-PLAN-LIFE/installment-1/reminder');
  expect(reminder?.body.subject).toBe(`Payment plan installment due ${due1}: $300.00`);
  expect(reminder?.body.text).toContain(`PLAN-LIFE installment 1 of 3: $300.00 due on ${due1}.`);
  const first = await plan.executeUpdate(recordPlanPaymentUpdate, { args: [{ paymentId: 'LIFE-1', amount: usd(30_000) }] });
  expect(first).toMatchObject({ duplicate: false, parts: [{ installment: 1, invoiceId, amountMinor: 30_000, partId: `LIFE-1:1:${invoiceId}` }] });
  const again = await plan.executeUpdate(recordPlanPaymentUpdate, { args: [{ paymentId: 'LIFE-1', amount: usd(30_000) }] });
  expect(again.duplicate).toBe(true);
  await settled(plan);

  // Installment 2 is paid two days late: within the five days' grace, so the plan goes on.
  await bed.advanceTo(addDays(due2, 2), 10, 'PLAN-LIFE');
  expect((await plan.query(planStateQuery)).installments.map((i) => i.status)).toEqual(['paid', 'in_grace', 'upcoming']);
  await plan.executeUpdate(recordPlanPaymentUpdate, { args: [{ paymentId: 'LIFE-2', amount: usd(30_000) }] });
  const late = await plan.query(planStateQuery);
  expect(late).toMatchObject({ status: 'active', paid: usd(60_000) });
  expect(late.installments.map((i) => i.status)).toEqual(['paid', 'paid_late', 'upcoming']);
  await settled(plan);

  await bed.advanceTo(addDays(due3, -1), 10, 'PLAN-LIFE');
  expect(remindersOf('PLAN-LIFE').map((r) => r.key)).toEqual(['installment-1', 'installment-2', 'installment-3']);
  await plan.executeUpdate(recordPlanPaymentUpdate, { args: [{ paymentId: 'LIFE-3', amount: usd(30_000) }] });
  const ended: PlanState = await plan.result();
  expect(ended).toMatchObject({ status: 'completed', remaining: usd(0), invoices: [{ invoiceId, left: 'completed' }] });

  await settled(bed.handleOf(input));
  const invoice = await bed.handleOf(input).query(invoiceStateQuery);
  expect(invoice).toMatchObject({ status: 'paid', paymentPlan: null });
  expect(await eventTypes(invoiceId)).toEqual(expect.arrayContaining(['plan_joined', 'payment_received', 'plan_completed']));
  const ledger = await bed.rows('SELECT payment_id, amount_minor FROM payments WHERE invoice_id = $1 ORDER BY payment_id', [invoiceId]);
  expect(ledger).toEqual([1, 2, 3].map((n) => ({ payment_id: `LIFE-${n}:${n}:${invoiceId}`, amount_minor: 30_000 })));
  const [row] = await bed.rows('SELECT status, paid_minor, total_minor FROM payment_plans WHERE plan_id = $1', ['PLAN-LIFE']);
  expect(row).toEqual({ status: 'completed', paid_minor: 90_000, total_minor: 90_000 });
});

test('an installment missed past grace breaches the plan: the invoice still owed re-escalates, the one it paid leaves completed; the customer gets no new plan', async () => {
  const customer = { customerId: 'CUST-BREACH' };
  const older = await bed.start({ dueInDays: -50, amountMinor: 20_000, customer });
  const newer = await bed.start({ dueInDays: -20, amountMinor: 100_000, customer });
  const decision = await bed.propose({ planId: 'PLAN-BREACH', invoiceIds: [newer.invoice.invoiceId, older.invoice.invoiceId], termDays: 60 });
  expect(decision.installments?.[0].parts).toEqual([
    { invoiceId: older.invoice.invoiceId, amount: usd(20_000) },
    { invoiceId: newer.invoice.invoiceId, amount: usd(40_000) },
  ]);
  const plan = bed.planHandle('PLAN-BREACH');
  await plan.executeUpdate(recordPlanPaymentUpdate, { args: [{ paymentId: 'BREACH-1', amount: usd(20_000) }] }); // pays the older invoice in full
  await settled(plan);
  const [due1] = (await plan.query(planStateQuery)).installments.map((i) => i.dueDate);

  await bed.advanceTo(addDays(due1, 5), 10, 'PLAN-BREACH'); // the last day of grace: still running
  expect((await plan.query(planStateQuery)).status).toBe('active');
  await bed.advanceTo(addDays(due1, 6), 10, 'PLAN-BREACH');
  const ended: PlanState = await plan.result();
  expect(ended.status).toBe('breached');
  expect(ended.reason).toBe(`installment 1 (due ${due1}) missed past the 5-day grace`);
  expect(ended.invoices).toEqual(expect.arrayContaining([
    expect.objectContaining({ invoiceId: older.invoice.invoiceId, left: 'completed' }),
    expect.objectContaining({ invoiceId: newer.invoice.invoiceId, left: 'breached' }),
  ]));

  await settled(bed.handleOf(newer));
  const reEscalated = await bed.handleOf(newer).query(invoiceStateQuery);
  expect(reEscalated.paymentPlan).toBeNull();
  expect(reEscalated.escalationLevel).not.toBe('none');
  expect(await eventTypes(newer.invoice.invoiceId)).toEqual(expect.arrayContaining(['plan_joined', 'plan_breached']));
  expect((await bed.handleOf(older).query(invoiceStateQuery)).status).toBe('paid');

  const another = await bed.start({ dueInDays: -5, amountMinor: 30_000, customer });
  const refused = await bed.propose({ planId: 'PLAN-AFTER-BREACH', invoiceIds: [another.invoice.invoiceId], termDays: 30 });
  expect(refused).toMatchObject({ outcome: 'refused', field: 'invoiceIds', reason: expect.stringContaining('breach of payment plan PLAN-BREACH') });
});

test('a payment split across installments of two invoices: the ledger shows which invoice each part paid', async () => {
  const customer = { customerId: 'CUST-SPLIT' };
  const a = await bed.start({ dueInDays: -60, amountMinor: 60_000, customer });
  const b = await bed.start({ dueInDays: -30, amountMinor: 90_000, customer });
  const [idA, idB] = [a.invoice.invoiceId, b.invoice.invoiceId];
  await bed.propose({ planId: 'PLAN-SPLIT', invoiceIds: [idA, idB], termDays: 90 });
  const plan = bed.planHandle('PLAN-SPLIT');
  await plan.executeUpdate(recordPlanPaymentUpdate, { args: [{ paymentId: 'SPLIT-1', amount: usd(50_000) }] });
  const split = await plan.executeUpdate(recordPlanPaymentUpdate, { args: [{ paymentId: 'SPLIT-2', amount: usd(70_000) }] });
  expect(split.parts.map(({ installment, invoiceId, amountMinor }) => ({ installment, invoiceId, amountMinor }))).toEqual([
    { installment: 2, invoiceId: idA, amountMinor: 10_000 },
    { installment: 2, invoiceId: idB, amountMinor: 40_000 },
    { installment: 3, invoiceId: idB, amountMinor: 20_000 },
  ]);
  expect(split.state.installments.map((i) => i.paid.amountMinor)).toEqual([50_000, 50_000, 20_000]);
  const ledger = await bed.rows(
    "SELECT payment_id, invoice_id, amount_minor, balance_after_minor FROM payments WHERE payment_id LIKE 'SPLIT-2:%' ORDER BY recorded_at", []);
  expect(ledger).toEqual([
    { payment_id: `SPLIT-2:2:${idA}`, invoice_id: idA, amount_minor: 10_000, balance_after_minor: 0 },
    { payment_id: `SPLIT-2:2:${idB}`, invoice_id: idB, amount_minor: 40_000, balance_after_minor: 50_000 },
    { payment_id: `SPLIT-2:3:${idB}`, invoice_id: idB, amount_minor: 20_000, balance_after_minor: 30_000 },
  ]);
  await settled(plan);
  const allocations = await bed.rows<{ part_id: string; installment: number }>('SELECT part_id, installment FROM plan_allocations WHERE payment_id = $1 ORDER BY part_id', ['SPLIT-2']);
  expect(allocations.map((r) => r.installment)).toEqual([2, 2, 3]);
  expect(await refusal(plan.executeUpdate(recordPlanPaymentUpdate, { args: [{ paymentId: 'SPLIT-3', amount: usd(30_001) }] })))
    .toMatchObject({ field: 'amount.amountMinor', message: expect.stringContaining('30000 minor units the plan still owes') as string });

  // Cancelled: the invoice the plan paid off leaves completed, the other resumes dunning.
  const cancelled = await plan.executeUpdate(cancelPlanUpdate, { args: [{ reason: 'customer will pay the rest at once', cancelledBy: 'manager@example.com' }] });
  expect(cancelled.status).toBe('cancelled');
  const ended: PlanState = await plan.result();
  expect(ended.invoices.map((i) => [i.invoiceId, i.left])).toEqual([[idA, 'completed'], [idB, 'cancelled']]);
  expect((await bed.handleOf(b).query(invoiceStateQuery)).paymentPlan).toBeNull();
});

test('a custom plan waits for approval within the approver\'s limit, then starts from the approval', async () => {
  const input = await bed.start({ dueInDays: -45, amountMinor: 900_000 });
  const decision = await bed.propose({ planId: 'PLAN-CUSTOM', invoiceIds: [input.invoice.invoiceId], termDays: 120, installmentCount: 4 });
  expect(decision).toMatchObject({ outcome: 'awaiting_approval', kind: 'custom', reason: 'a term of 120 days is longer than the 90 days the policy allows without approval' });
  expect((await bed.handleOf(input).query(invoiceStateQuery)).paymentPlan).toBeNull(); // dunning goes on until it is approved
  const [waiting] = await bed.rows('SELECT status, kind FROM payment_plans WHERE plan_id = $1', ['PLAN-CUSTOM']);
  expect(waiting).toEqual({ status: 'awaiting_approval', kind: 'custom' });

  const plan = bed.planHandle('PLAN-CUSTOM');
  await bed.env.sleep(2 * 86_400_000);
  await settled(plan);
  expect(await refusal(plan.executeUpdate(recordPlanPaymentUpdate, { args: [{ paymentId: 'EARLY', amount: usd(1_000) }] }))).toMatchObject({ message: expect.stringContaining('awaiting approval') });
  expect(await refusal(plan.executeUpdate(approvePlanUpdate, { args: [{ approved: true, decidedBy: 'ann@example.com', role: 'ar-manager' }] })))
    .toEqual({ field: 'role', message: 'role: a custom plan of this total needs controller or above' });
  const approved = await plan.executeUpdate(approvePlanUpdate, { args: [{ approved: true, decidedBy: 'carl@example.com', role: 'controller' }] });
  expect(approved.approval).toMatchObject({ approved: true, decidedBy: 'carl@example.com' });
  await settled(plan);
  const running = await plan.query(planStateQuery);
  expect(running.status).toBe('active');
  expect(running.installments.map((i) => i.dueDate)).toEqual([30, 60, 90, 120].map((days) => addDays(running.agreementDate as string, days)));
  expect(running.agreementDate).toBe(addDays(decision.installments?.[0].dueDate as string, -28)); // dated from the approval, two days after the proposal
  expect((await bed.handleOf(input).query(invoiceStateQuery)).paymentPlan?.planId).toBe('PLAN-CUSTOM');
  const [row] = await bed.rows('SELECT status, approved_by FROM payment_plans WHERE plan_id = $1', ['PLAN-CUSTOM']);
  expect(row).toEqual({ status: 'active', approved_by: 'carl@example.com' });
  await plan.executeUpdate(cancelPlanUpdate, { args: [{ reason: 'test over', cancelledBy: 'carl@example.com' }] });
  await plan.result();
});

test('refusals come with the field and the reason; a plan id is used once; an invoice that will not join cancels the plan', async () => {
  const input = await bed.start({ dueInDays: -10, amountMinor: 120_000 });
  const stranger = await bed.start({ dueInDays: -10, amountMinor: 10_000 });
  const id = input.invoice.invoiceId;
  expect(await bed.propose({ planId: 'R-TERM', invoiceIds: [id], termDays: 400 }))
    .toMatchObject({ outcome: 'refused', field: 'termDays', reason: 'a term of 400 days is longer than the 365 days the policy allows' });
  expect(await bed.propose({ planId: 'R-SMALL', invoiceIds: [id], termDays: 360, installmentCount: 12 }))
    .toMatchObject({ outcome: 'refused', field: 'installmentCount', reason: expect.stringContaining('less than the policy\'s minimum of 10%') });
  expect(await bed.propose({ planId: 'R-CUSTOMER', invoiceIds: [id, stranger.invoice.invoiceId], termDays: 60 }))
    .toMatchObject({ outcome: 'refused', field: 'invoiceIds.1', reason: expect.stringContaining(`belongs to customer ${stranger.customer.customerId}`) });
  expect(await bed.propose({ planId: 'R-UNKNOWN', invoiceIds: ['INV-NOPE'], termDays: 60 }))
    .toMatchObject({ outcome: 'refused', field: 'invoiceIds.0', reason: 'no invoice INV-NOPE is registered' });
  await expect(bed.propose({ planId: 'R-TERM', invoiceIds: [id], termDays: 60 })).rejects.toBeInstanceOf(ConflictError);

  // The invoice has a settlement offer open: the plan is accepted, the invoice refuses to join, the plan is cancelled with its reason.
  const policy = collectionsPolicySchema.parse({ ...EVERY_DAY_POLICY, settlement: { enabled: true, approvalLimitPercent: 10, offerValidDays: 14 } });
  const offered = await bed.start({ dueInDays: -10, policy });
  await bed.handleOf(offered).executeUpdate(proposeSettlementUpdate, { args: [{ offerId: 'S-1', amount: usd(115_000), proposedBy: 'collector' }] });
  expect(await bed.propose({ planId: 'R-JOIN', invoiceIds: [offered.invoice.invoiceId], termDays: 30 })).toMatchObject({ outcome: 'accepted' });
  const ended: PlanState = await bed.planHandle('R-JOIN').result();
  expect(ended.status).toBe('cancelled');
  expect(ended.reason).toContain(`invoice ${offered.invoice.invoiceId} could not join`);
  expect(ended.reason).toContain('settlement offer S-1');
  expect(bed.contactRequests.some((r) => r.request.requester === 'plan-R-JOIN')).toBe(false);
});
