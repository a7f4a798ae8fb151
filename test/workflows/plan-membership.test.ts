/**
 * An invoice in a payment plan, on the time-skipping server: dunning waits while the plan runs; a
 * breach re-escalates one level and dunning catches up once; a cancelled plan resumes dunning; the
 * plan's messages are refused with the field and the reason when they do not apply.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  cancelInvoiceSignal, invoiceStateQuery, joinPlanUpdate, leavePlanUpdate, proposeSettlementUpdate,
} from '../../workflows/invoice-collection/definitions';
import { collectionsPolicySchema } from '../../src/domain/policy/schema';
import { DAY, settled, startCollectionTestBed, type CollectionTestBed } from '../support/collection-test-bed';
import { EVERY_DAY_POLICY } from '../support/invoice-fixtures';

let bed: CollectionTestBed;

beforeAll(async () => {
  bed = await startCollectionTestBed('plan-membership-test');
});

afterAll(async () => {
  await bed?.teardown();
});

async function refusal(promise: Promise<unknown>): Promise<{ field?: string; message: string }> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause as { message: string; details?: { field: string }[] };
  return { field: cause.details?.[0]?.field, message: cause.message };
}

test('while a plan runs nothing is sent; a breach re-escalates one level and the latest missed step runs once', async () => {
  const input = await bed.start({ dueInDays: -2 }); // the 1-day reminder went out at the start
  const handle = bed.handleOf(input);
  const joined = await handle.executeUpdate(joinPlanUpdate, { args: [{ planId: 'PLAN-1' }] });
  expect(joined.paymentPlan?.planId).toBe('PLAN-1');
  expect(joined.paused).toBe('payment plan PLAN-1');
  await bed.env.sleep(20 * DAY); // day 22: the 7- and 15-day reminders fall inside the plan
  expect(bed.emailSteps(input)).toEqual(['reminder-1-day']);
  const left = await handle.executeUpdate(leavePlanUpdate, { args: [{ planId: 'PLAN-1', outcome: 'breached', reason: 'installment 2 missed past grace' }] });
  expect(left.paymentPlan).toBeNull();
  expect(left.escalationLevel).toBe('collector');
  await settled(handle);
  expect(bed.emailSteps(input)).toEqual(['reminder-1-day', 'reminder-15-days']);
  const types = (await bed.rows<{ type: string }>('SELECT type FROM collection_events WHERE invoice_id = $1 ORDER BY occurred_at, event_id', [input.invoice.invoiceId])).map((e) => e.type);
  expect(types).toEqual(expect.arrayContaining(['plan_joined', 'plan_breached', 'call_task_opened', 'steps_skipped']));
  // A repeat of the plan's last message answers again and changes nothing.
  const again = await handle.executeUpdate(leavePlanUpdate, { args: [{ planId: 'PLAN-1', outcome: 'breached', reason: 'retry' }] });
  expect(again.escalationLevel).toBe('collector');
  await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
});

test('a cancelled plan resumes dunning without escalating; a plan it left cannot be joined again', async () => {
  const input = await bed.start({ dueInDays: 5 });
  const handle = bed.handleOf(input);
  await handle.executeUpdate(joinPlanUpdate, { args: [{ planId: 'PLAN-2' }] });
  await bed.env.sleep(10 * DAY); // day 5: the 1-day reminder is caught up when the plan ends
  expect(bed.emailSteps(input)).toEqual([]);
  const left = await handle.executeUpdate(leavePlanUpdate, { args: [{ planId: 'PLAN-2', outcome: 'cancelled', reason: 'customer asked to pay in full' }] });
  expect(left.escalationLevel).toBe('none');
  await settled(handle);
  expect(bed.emailSteps(input)).toEqual(['reminder-1-day']);
  expect(await refusal(handle.executeUpdate(joinPlanUpdate, { args: [{ planId: 'PLAN-2' }] }))).toMatchObject({ field: 'planId' });
  await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
});

test('an invoice in one plan, or with a settlement offer open, refuses another plan; leaving a plan it is not in is refused', async () => {
  const policy = collectionsPolicySchema.parse({ ...EVERY_DAY_POLICY, settlement: { enabled: true, approvalLimitPercent: 10, offerValidDays: 14 } });
  const input = await bed.start({ dueInDays: -10, policy });
  const handle = bed.handleOf(input);
  expect(await refusal(handle.executeUpdate(leavePlanUpdate, { args: [{ planId: 'NOPE', outcome: 'completed', reason: 'x' }] }))).toMatchObject({ field: 'planId' });
  await handle.executeUpdate(proposeSettlementUpdate, { args: [{ offerId: 'S-1', amount: { amountMinor: 110_000, currency: 'USD' }, proposedBy: 'collector' }] });
  const refused = await refusal(handle.executeUpdate(joinPlanUpdate, { args: [{ planId: 'PLAN-3' }] }));
  expect(refused.field).toBe('planId');
  expect(refused.message).toContain('settlement offer S-1');
  const state = await handle.query(invoiceStateQuery);
  expect(state.paymentPlan).toBeNull();
  await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
});
