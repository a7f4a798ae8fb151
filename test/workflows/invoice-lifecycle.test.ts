/**
 * Every path of an invoice's life beyond plain dunning, on the time-skipping server with the real
 * activities: disputes, promises, holds, approvals, charges, settlements, write-off approval and
 * recovery, chargebacks, bankruptcy and continue-as-new — and how they interact. Each test checks
 * what was sent (and not sent), the tasks opened, the ledger rows and the final state.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { collectionsPolicySchema, type CollectionsPolicy } from '../../src/domain/policy/schema';
import {
  cancelInvoiceSignal, decideEscalationUpdate, decideSettlementUpdate, decideWriteOffUpdate, invoiceStateQuery, openDisputeUpdate,
  placeHoldUpdate, promiseToPayUpdate, proposeSettlementUpdate, recordPaymentUpdate, releaseHoldUpdate, reportBankruptcyUpdate,
  resolveDisputeUpdate, reversePaymentUpdate, waiveChargesUpdate, type InvoiceCollectionInput,
} from '../../workflows/invoice-collection/definitions';
import { DAY, settled, startCollectionTestBed, type CollectionTestBed } from '../support/collection-test-bed';
import { EVERY_DAY_POLICY } from '../support/invoice-fixtures';

let bed: CollectionTestBed;

beforeAll(async () => {
  bed = await startCollectionTestBed('invoice-lifecycle-test');
});

afterAll(async () => {
  await bed?.teardown();
});

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
const policyWith = (changes: Partial<CollectionsPolicy>): CollectionsPolicy => collectionsPolicySchema.parse({ ...EVERY_DAY_POLICY, ...changes });
const today = async () => isoDateOf(await bed.env.currentTimeMs());

/** The reason a refused update gives (the workflow's validator names the field). */
async function refusal(update: Promise<unknown>): Promise<string> {
  try {
    await update;
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    return String((error as WorkflowUpdateFailedError).cause?.message);
  }
  throw new Error('expected the update to be refused');
}

function updates(input: InvoiceCollectionInput) {
  const handle = bed.handleOf(input);
  return {
    handle,
    state: () => handle.query(invoiceStateQuery),
    pay: (paymentId: string, amountMinor: number) => handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId, amount: usd(amountMinor) }] }),
    cancel: async () => {
      await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
      await handle.result();
    },
  };
}

const tasksOf = (input: InvoiceCollectionInput) =>
  bed.rows<{ kind: string; level: string; status: string }>('SELECT kind, level, status FROM tasks WHERE invoice_id = $1 ORDER BY task_id', [input.invoice.invoiceId]);
const ledgerOf = (input: InvoiceCollectionInput) =>
  bed.rows<{ kind: string; amount_minor: number }>('SELECT kind, amount_minor FROM ledger_entries WHERE invoice_id = $1 ORDER BY entry_id', [input.invoice.invoiceId]);
const eventTypes = async (input: InvoiceCollectionInput) =>
  (await bed.rows<{ type: string }>('SELECT type FROM collection_events WHERE invoice_id = $1 ORDER BY event_id', [input.invoice.invoiceId])).map((e) => e.type);

describe('disputes', () => {
  test('the undisputed part keeps being collected; a resolution for the customer issues a credit memo', async () => {
    const input = await bed.start({ dueInDays: -3 }); // 1,250.00, reminder-1-day done
    const { handle, state, pay } = updates(input);
    const opened = await handle.executeUpdate(openDisputeUpdate, { args: [{ disputeId: 'D-1', category: 'pricing', amount: usd(25_000), reason: 'wrong unit price' }] });
    expect(opened.collectible).toEqual(usd(100_000));
    expect(opened.disputes[0]).toMatchObject({ disputeId: 'D-1', department: 'sales', status: 'open' });
    expect(opened.paused).toBeNull();

    await bed.env.sleep(5 * DAY); // the 7-day reminder asks for the undisputed part
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day', 'reminder-7-days']);
    const [notice] = await bed.rows<{ body_text: string }>("SELECT body_text FROM communications WHERE idempotency_key LIKE '%reminder-7-days'", []);
    expect(notice.body_text).toContain('$1,000.00');

    const resolved = await handle.executeUpdate(resolveDisputeUpdate, { args: [{ disputeId: 'D-1', inFavourOf: 'customer', creditMemo: usd(20_000), resolvedBy: 'sales@example.com' }] });
    expect(resolved.balance).toEqual(usd(105_000));
    expect(resolved.disputes[0]).toMatchObject({ status: 'resolved_for_customer', creditMemoMinor: 20_000 });
    // The same resolution again changes nothing.
    await handle.executeUpdate(resolveDisputeUpdate, { args: [{ disputeId: 'D-1', inFavourOf: 'customer', creditMemo: usd(20_000), resolvedBy: 'sales@example.com' }] });
    expect((await pay('p-1', 105_000)).status).toBe('paid');
    await settled(handle); // the answer comes before the paid invoice closes its open tasks

    expect(await ledgerOf(input)).toEqual([{ kind: 'credit_memo', amount_minor: -20_000 }]);
    expect((await tasksOf(input)).filter((t) => t.kind === 'dispute')).toEqual([{ kind: 'dispute', level: 'sales', status: 'cancelled' }]);
    const [row] = await bed.rows('SELECT status, credit_memo_minor FROM disputes WHERE invoice_id = $1', [input.invoice.invoiceId]);
    expect(row).toEqual({ status: 'resolved_for_customer', credit_memo_minor: 20_000 });
    expect((await state()).status).toBe('paid');
  });

  test('a whole-balance dispute pauses dunning, a breached SLA escalates, a resolution against the customer resumes on the full amount', async () => {
    const input = await bed.start({ dueInDays: -2 });
    const { handle, state, cancel } = updates(input);
    const opened = await handle.executeUpdate(openDisputeUpdate, { args: [{ disputeId: 'D-2', category: 'quality' }] });
    expect(opened.paused).toBe('the whole balance is disputed');
    await bed.env.sleep(15 * DAY); // past the 7-day and 15-day reminders and the 5-business-day SLA
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day']);
    expect((await tasksOf(input)).map((t) => [t.kind, t.level])).toEqual([['dispute', 'operations'], ['escalation', 'management']]);
    expect((await state()).disputes[0].slaBreached).toBe(true);

    await handle.executeUpdate(resolveDisputeUpdate, { args: [{ disputeId: 'D-2', inFavourOf: 'company', resolvedBy: 'ops@example.com' }] });
    await bed.env.sleep(DAY / 4);
    // Caught up once: the latest step that came due runs, the one before it is recorded as skipped.
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day', 'reminder-15-days']);
    const after = await state();
    expect(after.skippedSteps).toContain('reminder-7-days');
    expect(after.collectible).toEqual(usd(125_000));
    expect(await eventTypes(input)).toEqual(expect.arrayContaining(['dispute_opened', 'dispute_sla_breached', 'dispute_resolved', 'steps_skipped']));
    await cancel();
  });

  test('a dispute in a category the policy does not know, or larger than the balance, is refused and changes nothing', async () => {
    const input = await bed.start({ dueInDays: -2, policy: policyWith({ disputes: { ...DEFAULT_POLICY.disputes, categories: ['pricing'] } }) });
    const { handle, state, cancel } = updates(input);
    await expect(handle.executeUpdate(openDisputeUpdate, { args: [{ disputeId: 'D-3', category: 'quality' }] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    expect(await refusal(handle.executeUpdate(openDisputeUpdate, { args: [{ disputeId: 'D-4', category: 'pricing', amount: usd(999_999) }] }))).toMatch(/amount.amountMinor: must not exceed the undisputed balance/);
    expect((await state()).disputes).toEqual([]);
    await cancel();
  });
});

describe('promises to pay', () => {
  test('a kept promise pauses dunning and ends it when the money arrives', async () => {
    const input = await bed.start({ dueInDays: -2 });
    const { handle, state, pay } = updates(input);
    await handle.executeUpdate(promiseToPayUpdate, { args: [{ promiseId: 'PR-1', amount: usd(125_000), promisedDate: addDays(await today(), 10) }] });
    await bed.env.sleep(9 * DAY); // the 7-day reminder falls inside the promise
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day']);
    expect((await state()).paused).toContain('promise to pay');
    expect((await pay('p-1', 125_000)).status).toBe('paid');
    expect(await eventTypes(input)).toEqual(expect.arrayContaining(['promise_made', 'promise_kept']));
  });

  test('a broken promise re-escalates one level and dunning resumes', async () => {
    const input = await bed.start({ dueInDays: -40 }); // collector call at 35 already open
    const { handle, state, cancel } = updates(input);
    await bed.env.sleep(DAY / 4);
    expect((await state()).escalationLevel).toBe('collector');
    await handle.executeUpdate(promiseToPayUpdate, { args: [{ promiseId: 'PR-2', amount: usd(50_000), promisedDate: addDays(await today(), 3) }] });
    await bed.env.sleep(4 * DAY); // promised date + 3 days grace not reached yet: the 45-day sales step waits
    expect((await tasksOf(input)).map((t) => t.level)).toEqual(['collector']);
    await bed.env.sleep(4 * DAY); // the day after the promised date plus grace
    const after = await state();
    expect(after.promise).toBeNull();
    expect(after.escalationLevel).toBe('sales');
    expect((await tasksOf(input)).map((t) => [t.kind, t.level])).toEqual([['call', 'collector'], ['escalation', 'sales']]);
    expect(await eventTypes(input)).toEqual(expect.arrayContaining(['promise_made', 'promise_broken']));
    await cancel();
  });

  test('a dispute during a promise: the promise still holds dunning, and a partial payment does not keep it', async () => {
    const input = await bed.start({ dueInDays: -2 });
    const { handle, state, pay, cancel } = updates(input);
    await handle.executeUpdate(promiseToPayUpdate, { args: [{ promiseId: 'PR-3', amount: usd(100_000), promisedDate: addDays(await today(), 5) }] });
    await handle.executeUpdate(openDisputeUpdate, { args: [{ disputeId: 'D-5', category: 'delivery', amount: usd(25_000) }] });
    await pay('p-1', 40_000);
    expect((await state()).promise?.promiseId).toBe('PR-3');
    await bed.env.sleep(6 * DAY);
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day']);
    await bed.env.sleep(4 * DAY); // past the promised date plus grace: broken, the missed 7-day reminder is caught up
    expect(await eventTypes(input)).toContain('promise_broken');
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day', 'reminder-7-days']);
    const [notice] = await bed.rows<{ body_text: string }>('SELECT body_text FROM communications WHERE invoice_id = $1 ORDER BY created_at DESC LIMIT 1', [input.invoice.invoiceId]);
    expect(notice.body_text).toContain('$600.00'); // 1,250.00 − 400.00 paid − 250.00 disputed
    expect((await state()).disputes[0].status).toBe('open');
    await cancel();
  });

  test('a promise in the past or beyond the policy limit is refused', async () => {
    const input = await bed.start({ dueInDays: -2 });
    const { handle, cancel } = updates(input);
    expect(await refusal(handle.executeUpdate(promiseToPayUpdate, { args: [{ promiseId: 'x', amount: usd(1), promisedDate: addDays(await today(), -1) }] }))).toMatch(/promisedDate: must not be in the past/);
    expect(await refusal(handle.executeUpdate(promiseToPayUpdate, { args: [{ promiseId: 'y', amount: usd(1), promisedDate: addDays(await today(), 61) }] }))).toMatch(/promisedDate: must be on or before/);
    await cancel();
  });
});

describe('holds', () => {
  test('a legal hold across the write-off date stops contact but keeps the clock: the review still opens on day 180', async () => {
    const input = await bed.start({ dueInDays: -100 });
    const { handle, state, cancel } = updates(input);
    await bed.env.sleep(DAY / 4); // the legal step that applies at day 100 runs first
    await handle.executeUpdate(placeHoldUpdate, { args: [{ holdId: 'H-1', kind: 'legal', reason: 'litigation pending' }] });
    await bed.env.sleep(82 * DAY);
    const at182 = await state();
    expect(at182.status).toBe('write_off_review');
    expect(at182.skippedSteps).toContain('escalate-agency');
    // Started at day 100 with the final notice skipped: it goes out first and the legal letter waits the
    // contact gap behind it; the hold then keeps the letter back. Nothing else reaches the customer.
    expect(bed.emailSteps(input)).toEqual(['resumed/final-notice']);
    expect((await tasksOf(input)).map((t) => t.kind)).toEqual(['escalation', 'write_off_review']);
    await handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: 'H-1', releasedBy: 'legal@example.com' }] });
    expect((await state()).holds).toEqual([]);
    // Releasing it again answers the same state, like every repeated update; an unknown hold is still refused.
    expect((await handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: 'H-1', releasedBy: 'legal@example.com' }] })).holds).toEqual([]);
    expect(await refusal(handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: 'H-9' }] }))).toContain('no hold H-9');
    await cancel();
  });

  test('a seasonal pause ends by itself on its date and contact resumes', async () => {
    const input = await bed.start({ dueInDays: 5 });
    const { handle, cancel } = updates(input);
    await handle.executeUpdate(placeHoldUpdate, { args: [{ holdId: 'H-2', kind: 'seasonal', reason: 'harvest season', until: addDays(await today(), 9) }] });
    await bed.env.sleep(21 * DAY);
    // −3 and +1 fell inside the pause and were skipped; the more severe of them goes out once when it ends, then +7 and +15.
    expect(bed.emailSteps(input)).toEqual(['resumed/reminder-1-day', 'reminder-7-days', 'reminder-15-days']);
    expect(await eventTypes(input)).toEqual(expect.arrayContaining(['hold_placed', 'step_skipped', 'hold_released']));
    await cancel();
  });
});

describe('escalations that need approval', () => {
  test('agency for a VIP waits for a decision and never fires on its timer alone', async () => {
    const input = await bed.start({ dueInDays: -110, customer: { vip: true } });
    const { handle, state, cancel } = updates(input);
    await bed.env.sleep(20 * DAY);
    const waiting = await state();
    expect(waiting.escalationLevel).toBe('legal');
    expect(waiting.pendingApprovals).toMatchObject([{ level: 'agency', stepId: 'escalate-agency' }]);
    expect((await tasksOf(input)).map((t) => [t.kind, t.level])).toEqual([['escalation', 'legal'], ['approval', 'management']]);
    expect(await refusal(handle.executeUpdate(decideEscalationUpdate, { args: [{ level: 'legal', approved: true, decidedBy: 'cfo' }] }))).toMatch(/level: no escalation to legal/);
    const approved = await handle.executeUpdate(decideEscalationUpdate, { args: [{ level: 'agency', approved: true, decidedBy: 'cfo@example.com' }] });
    expect(approved.escalationLevel).toBe('agency');
    expect((await tasksOf(input)).at(-1)).toMatchObject({ kind: 'escalation', level: 'agency' });
    await cancel();
  });

  test('legal for a strategic account, declined: the account stays where it was', async () => {
    const input = await bed.start({ dueInDays: -85, customer: { segment: 'strategic' } });
    const { handle, state, cancel } = updates(input);
    await bed.env.sleep(10 * DAY);
    expect((await state()).pendingApprovals.map((p) => p.level)).toEqual(['legal']);
    const declined = await handle.executeUpdate(decideEscalationUpdate, { args: [{ level: 'legal', approved: false, decidedBy: 'vp-sales', note: 'renewal talks' }] });
    expect(declined.escalationLevel).toBe('management');
    expect(await eventTypes(input)).toContain('escalation_declined');
    await cancel();
  });

  test('a balance below the agency minimum goes to a write-off review instead of the agency', async () => {
    const input = await bed.start({ dueInDays: -115, amountMinor: 50_000 });
    const { state, cancel } = updates(input);
    await bed.env.sleep(10 * DAY);
    const s = await state();
    expect(s.status).toBe('write_off_review');
    expect(s.escalationLevel).toBe('legal');
    expect((await tasksOf(input)).map((t) => t.kind)).toEqual(['escalation', 'write_off_review']);
    await cancel();
  });
});

describe('interest and late fees', () => {
  const charging = policyWith({
    interest: { ...DEFAULT_POLICY.interest, enabled: true, annualRateBasisPoints: 1200, graceDays: 10 },
    lateFee: { percentBasisPoints: 150, afterDays: 30 },
  });

  test('charged deterministically as separate charges, shown in the state, posted to the ledger, waived by update', async () => {
    const input = await bed.start({ dueInDays: 1, policy: charging });
    const { handle, state, pay, cancel } = updates(input);
    await bed.env.sleep(32 * DAY); // through the 30-day final notice
    const s = await state();
    // Late fee 1.5 % of 1,250.00 = 18.75; interest 12 %/365 on 1,250.00 for days 10–15 and 15–30 (posted before each notice).
    expect(s.charges.lateFee).toEqual(usd(1_875));
    expect(s.charges.interest).toEqual(usd(205 + 616));
    expect(s.balance).toEqual(usd(125_000 + 1_875 + 821));
    const ledger = await ledgerOf(input);
    expect(ledger).toEqual([{ kind: 'interest', amount_minor: 205 }, { kind: 'late_fee', amount_minor: 1_875 }, { kind: 'interest', amount_minor: 616 }]);
    const [finalNotice] = await bed.rows<{ body_text: string }>("SELECT body_text FROM communications WHERE invoice_id = $1 AND idempotency_key LIKE '%final-notice'", [input.invoice.invoiceId]);
    expect(finalNotice.body_text).toContain('Interest (12 % a year): $8.21');
    expect(finalNotice.body_text).toContain('Late fee: $18.75');

    // The payment on day 31 first posts day 30–31's interest (0.41), then goes to the principal first,
    // leaving only the charges and stopping interest.
    expect((await pay('p-1', 125_000)).balance).toEqual(usd(1_875 + 821 + 41));
    const waived = await handle.executeUpdate(waiveChargesUpdate, { args: [{ kind: 'all', decidedBy: 'ar-manager', reason: 'goodwill' }] });
    expect(waived.status).toBe('paid');
    expect((await ledgerOf(input)).at(-1)).toEqual({ kind: 'charge_waiver', amount_minor: -(1_875 + 821 + 41) });
    const [invoice] = await bed.rows('SELECT status, balance_minor, interest_minor, late_fee_minor FROM invoices WHERE invoice_id = $1', [input.invoice.invoiceId]);
    expect(invoice).toEqual({ status: 'paid', balance_minor: 0, interest_minor: 0, late_fee_minor: 0 });
    await cancel();
  });
});

describe('settlement offers', () => {
  const settling = policyWith({ settlement: { enabled: true, approvalLimitPercent: 10, offerValidDays: 14 } });

  test('within the limit it is accepted; paid by the deadline it settles, the discount recorded', async () => {
    const input = await bed.start({ dueInDays: -20, policy: settling });
    const { handle, state, pay } = updates(input);
    const answer = await handle.executeUpdate(proposeSettlementUpdate, { args: [{ offerId: 'S-1', amount: usd(112_500), proposedBy: 'collector@example.com' }] });
    expect(answer).toMatchObject({ outcome: 'accepted', discountBasisPoints: 1_000, deadline: addDays(await today(), 14) });
    await bed.env.sleep(12 * DAY); // the final notice at 30 falls inside the offer
    expect(bed.emailSteps(input)).toEqual(['reminder-15-days', 'S-1/letter']);
    const letter = bed.resend.delivered().find((email) => email.idempotencyKey?.endsWith('/settlement/S-1/letter'));
    expect(letter?.body.text).toContain('$1,125.00');
    expect(letter?.body.text).toContain(answer.deadline);
    const paid = await pay('p-1', 112_500);
    expect(paid.status).toBe('settled');
    expect(await ledgerOf(input)).toEqual([{ kind: 'settlement_discount', amount_minor: -12_500 }]);
    expect((await state()).status).toBe('settled');
  });

  test('above the limit it waits for approval; unpaid at the deadline it expires and collection resumes', async () => {
    const input = await bed.start({ dueInDays: -20, policy: settling });
    const { handle, state, cancel } = updates(input);
    const answer = await handle.executeUpdate(proposeSettlementUpdate, { args: [{ offerId: 'S-2', amount: usd(100_000), proposedBy: 'collector' }] });
    expect(answer.outcome).toBe('awaiting_approval');
    expect((await tasksOf(input)).at(-1)).toMatchObject({ kind: 'approval', level: 'management' });
    const approved = await handle.executeUpdate(decideSettlementUpdate, { args: [{ offerId: 'S-2', approved: true, decidedBy: 'controller' }] });
    expect(approved.outcome).toBe('accepted');
    await bed.env.sleep(16 * DAY);
    expect((await state()).settlement).toBeNull();
    expect(await eventTypes(input)).toContain('settlement_expired');
    // Resumed at day 36: the final notice it passed goes out first, then the step that applies now (the collector call).
    expect(bed.emailSteps(input)).toEqual(['reminder-15-days', 'S-2/letter', 'final-notice']);
    expect((await state()).skippedSteps).not.toContain('final-notice');
    expect((await tasksOf(input)).at(-1)).toMatchObject({ kind: 'call', level: 'collector' });
    await cancel();
  });

  test('a payment during an offer that does not reach the amount leaves it open; a second offer is refused', async () => {
    const input = await bed.start({ dueInDays: -20, policy: settling });
    const { handle, state, pay, cancel } = updates(input);
    await handle.executeUpdate(proposeSettlementUpdate, { args: [{ offerId: 'S-3', amount: usd(115_000), proposedBy: 'collector' }] });
    expect((await pay('p-1', 50_000)).status).toBe('in_collection');
    expect((await state()).settlement?.offerId).toBe('S-3');
    expect(await refusal(handle.executeUpdate(proposeSettlementUpdate, { args: [{ offerId: 'S-4', amount: usd(70_000), proposedBy: 'collector' }] }))).toMatch(/offerId: offer S-3 is still open/);
    expect((await pay('p-2', 65_000)).status).toBe('settled');
    expect(await ledgerOf(input)).toEqual([{ kind: 'settlement_discount', amount_minor: -10_000 }]);
    await cancel().catch(() => undefined);
  });
});

describe('write-off, recovery, bankruptcy and chargebacks', () => {
  test('the approval hierarchy by amount, the write-off posted, and a later payment recorded as a recovery', async () => {
    const input = await bed.start({ dueInDays: -179, amountMinor: 1_000_000 }); // 10,000.00: above the AR manager's 5,000.00
    const { handle, state, pay } = updates(input);
    await bed.env.sleep(2 * DAY);
    expect((await state()).status).toBe('write_off_review');
    expect(await refusal(handle.executeUpdate(decideWriteOffUpdate, { args: [{ approved: true, decidedBy: 'ann', role: 'ar-manager' }] }))).toMatch(/role: a write-off of this balance needs controller or above/);
    const decided = await handle.executeUpdate(decideWriteOffUpdate, { args: [{ approved: true, decidedBy: 'carl', role: 'controller', note: 'uncollectible' }] });
    expect(decided.status).toBe('written_off');
    expect(await ledgerOf(input)).toEqual([{ kind: 'write_off', amount_minor: -1_000_000 }]);

    await bed.env.sleep(30 * DAY);
    const recovery = await pay('late-1', 300_000);
    expect(recovery).toMatchObject({ status: 'written_off', balance: usd(700_000) });
    const payments = await bed.rows('SELECT payment_id, kind FROM payments WHERE invoice_id = $1', [input.invoice.invoiceId]);
    expect(payments).toEqual([{ payment_id: 'late-1', kind: 'recovery' }]);
    expect(await eventTypes(input)).toContain('recovery_received');
    expect((await handle.result()).status).toBe('written_off'); // the recovery window ends
  });

  test('a close that posts money closes the open tasks in the same posting: an approved write-off is one activity, a payment that pays off needs none', async () => {
    const activitiesAfter = async (input: InvoiceCollectionInput, mark: string) => {
      const events = (await bed.handleOf(input).fetchHistory()).events ?? [];
      const names = events.map((event) => event.activityTaskScheduledEventAttributes?.activityType?.name).filter((name) => name !== undefined);
      return names.slice(names.lastIndexOf(mark) + 1);
    };
    const writtenOff = await bed.start({ dueInDays: -179 });
    const review = updates(writtenOff);
    await bed.env.sleep(2 * DAY);
    expect((await review.state()).status).toBe('write_off_review');
    await review.handle.executeUpdate(decideWriteOffUpdate, { args: [{ approved: true, decidedBy: 'ann', role: 'ar-manager' }] });
    await settled(review.handle);
    // The review's task was the last activity before the decision; the decision, the posting and the tasks' close are one.
    expect(await activitiesAfter(writtenOff, 'openCollectorTask')).toEqual(['postLedgerEntry']);
    expect((await tasksOf(writtenOff)).filter((t) => t.status === 'open')).toEqual([]);
    expect((await tasksOf(writtenOff)).find((t) => t.kind === 'write_off_review')?.status).toBe('done');
    expect((await eventTypes(writtenOff)).slice(-2)).toEqual(['written_off', 'write_off']);
    expect(await ledgerOf(writtenOff)).toEqual([{ kind: 'write_off', amount_minor: -125_000 }]);

    const paid = await bed.start({ dueInDays: -36 }); // the collector's call task opens at the start
    const payer = updates(paid);
    await settled(payer.handle);
    expect((await tasksOf(paid)).map((t) => [t.kind, t.status])).toEqual([['call', 'open']]);
    expect((await payer.pay('p-1', 125_000)).status).toBe('paid');
    expect((await tasksOf(paid)).map((t) => [t.kind, t.status])).toEqual([['call', 'cancelled']]); // closed before the payment's answer
    await settled(payer.handle);
    expect(await activitiesAfter(paid, 'openCollectorTask')).toEqual([]);
    // Both end once their recovery and chargeback windows pass.
    expect((await review.handle.result()).status).toBe('written_off');
    expect((await payer.handle.result()).status).toBe('paid');
  });

  test('a bankruptcy notice stops contact and opens the write-off review at once', async () => {
    const input = await bed.start({ dueInDays: -3 });
    const { handle, state, cancel } = updates(input);
    await bed.env.sleep(DAY / 4); // the reminder that applies at start goes out first
    await handle.executeUpdate(reportBankruptcyUpdate, { args: [{ reference: 'Case 26-1234', reportedBy: 'legal' }] });
    await bed.env.sleep(DAY / 4);
    expect((await state()).status).toBe('write_off_review');
    await bed.env.sleep(10 * DAY);
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day']);
    const decided = await handle.executeUpdate(decideWriteOffUpdate, { args: [{ approved: true, decidedBy: 'ann', role: 'ar-manager' }] });
    expect(decided.status).toBe('written_off');
    await cancel();
  });

  test('a chargeback after paid reopens the invoice and dunning resumes; the reversal is on the ledger', async () => {
    const input = await bed.start({ dueInDays: -3 });
    const { handle, state, pay, cancel } = updates(input);
    await bed.env.sleep(DAY / 4);
    expect((await pay('card-1', 125_000)).status).toBe('paid');
    await bed.env.sleep(10 * DAY);
    const reopened = await handle.executeUpdate(reversePaymentUpdate, { args: [{ paymentId: 'card-1', reason: 'chargeback: fraud' }] });
    expect(reopened).toMatchObject({ status: 'in_collection', balance: usd(125_000) });
    await bed.env.sleep(DAY / 4);
    // Day 13: the 7-day reminder was missed while paid and is caught up once.
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day', 'reminder-7-days']);
    expect(await ledgerOf(input)).toEqual([{ kind: 'payment_reversal', amount_minor: 125_000 }]);
    const [payment] = await bed.rows<{ reversed_at: Date | null }>('SELECT reversed_at FROM payments WHERE payment_id = $1', ['card-1']);
    expect(payment.reversed_at).not.toBeNull();
    expect(await refusal(handle.executeUpdate(reversePaymentUpdate, { args: [{ paymentId: 'nope', reason: 'x' }] }))).toMatch(/paymentId: no payment nope/);
    expect((await state()).status).toBe('in_collection');
    await cancel();
  });
});

describe('contact days', () => {
  test('a step that falls on a holiday of the contact policy moves to the next allowed day', async () => {
    const holiday = addDays(await today(), 2); // the +1 reminder's day for an invoice due tomorrow
    const input = await bed.start({ dueInDays: 1, policy: policyWith({ contact: { ...EVERY_DAY_POLICY.contact, holidays: [holiday] } }) });
    const { state, cancel } = updates(input);
    await bed.env.sleep(DAY * 1.5 + 1);
    expect((await state()).nextAction?.at.slice(0, 10)).toBe(addDays(holiday, 1));
    await bed.env.sleep(2 * DAY);
    expect(bed.emailSteps(input)).toEqual(['reminder-upcoming', 'reminder-1-day']);
    const [sent] = await bed.rows<{ day: string }>(
      "SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM collection_events WHERE invoice_id = $1 AND idempotency_key LIKE '%/step/reminder-1-day'", [input.invoice.invoiceId]);
    expect(sent.day).toBe(addDays(holiday, 1));
    await cancel();
  });
});

describe('long lives', () => {
  test('continue-as-new carries the whole state and loses no payment that arrives meanwhile', async () => {
    const input = await bed.start({ dueInDays: -20, historyEventLimit: 40 });
    const { handle, state } = updates(input);
    const firstRun = (await handle.describe()).runId;
    await handle.executeUpdate(openDisputeUpdate, { args: [{ disputeId: 'D-9', category: 'pricing', amount: usd(5_000) }] });
    // Twenty payments of 10.00 at once, while the history crosses the limit.
    await Promise.all(Array.from({ length: 20 }, (_, i) => handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: `burst-${i}`, amount: usd(1_000) }] })));
    await bed.env.sleep(DAY);
    const s = await state();
    expect((await handle.describe()).runId).not.toBe(firstRun);
    expect(s.balance).toEqual(usd(125_000 - 20_000));
    expect(s.disputes.map((d) => d.disputeId)).toEqual(['D-9']);
    const [{ count }] = await bed.rows<{ count: string }>('SELECT count(*) FROM payments WHERE invoice_id = $1', [input.invoice.invoiceId]);
    expect(Number(count)).toBe(20);
    // A repeat after the new run started is still recognised.
    expect((await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'burst-3', amount: usd(1_000) }] })).duplicate).toBe(true);
    await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
    expect((await handle.result()).status).toBe('cancelled');
  });
});
