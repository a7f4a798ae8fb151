/**
 * What reaches the customer after a pause, on the time-skipping server: the most severe notice
 * missed during a hold goes out once when it ends; no legal or agency letter reaches a customer who
 * has not had the final notice; a dispute resolved while its SLA breach is being saved is not
 * escalated; a balance too small to chase stops dunning.
 */
import { collectionsPolicySchema, type CollectionsPolicy } from '../../src/domain/policy/schema';
import {
  cancelInvoiceSignal, invoiceStateQuery, openDisputeUpdate, placeHoldUpdate, recordPaymentUpdate, releaseHoldUpdate, resolveDisputeUpdate,
  type InvoiceCollectionInput,
} from '../../workflows/invoice-collection/definitions';
import { DAY, settled, startCollectionTestBed, type CollectionTestBed } from '../support/collection-test-bed';
import { EVERY_DAY_POLICY } from '../support/invoice-fixtures';

/** Lets a test hold the SLA breach of one dispute while it is being saved, to land a resolution in that await. */
const gate = { disputeId: '', entered: () => undefined as void, release: Promise.resolve() };

let bed: CollectionTestBed;

beforeAll(async () => {
  bed = await startCollectionTestBed('contact-resumes-test', {
    wrapActivities: (real) => ({
      ...real,
      async saveDispute(input) {
        if (input.disputeId === gate.disputeId && input.event.type === 'dispute_sla_breached') {
          gate.entered();
          await gate.release;
        }
        return real.saveDispute(input);
      },
    }),
  });
});

afterAll(async () => {
  await bed?.teardown();
});

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
const policyWith = (changes: Partial<CollectionsPolicy>): CollectionsPolicy => collectionsPolicySchema.parse({ ...EVERY_DAY_POLICY, ...changes });
const eventTypes = async (input: InvoiceCollectionInput) =>
  (await bed.rows<{ type: string }>('SELECT type FROM collection_events WHERE invoice_id = $1 ORDER BY occurred_at, event_id', [input.invoice.invoiceId])).map((e) => e.type);

describe('after a pause the customer is told before any hand-off', () => {
  test('a VIP hold from day 5 to day 40: the missed final notice goes out once at day 40, then the legal and agency letters', async () => {
    const input = await bed.start({ dueInDays: -5 }); // the 1-day reminder is due at start
    const handle = bed.handleOf(input);
    await handle.executeUpdate(placeHoldUpdate, { args: [{ holdId: 'VIP', kind: 'vip', reason: 'key account renegotiation' }] });
    await bed.env.sleep(35 * DAY);
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day']);
    await handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: 'VIP', releasedBy: 'account manager' }] });
    await settled(handle);
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day', 'resumed/final-notice']);
    await bed.env.sleep(85 * DAY); // day 125: legal at 90 and the agency at 120 have run
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day', 'resumed/final-notice', 'escalate-legal/letter', 'escalate-agency/letter']);
    const state = await handle.query(invoiceStateQuery);
    expect(state.escalationLevel).toBe('agency');
    await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
    await handle.result();
  });

  test('an invoice that reaches legal without a final notice gets the final notice first and the letter after the contact gap', async () => {
    const input = await bed.start({ dueInDays: -95 }); // starts at the legal step; every notice before it was skipped
    expect(bed.emailSteps(input)).toEqual(['resumed/final-notice']);
    await bed.env.sleep(DAY);
    expect(bed.emailSteps(input)).toEqual(['resumed/final-notice']);
    await bed.env.sleep(3 * DAY); // the default contact gap is 3 days
    expect(bed.emailSteps(input)).toEqual(['resumed/final-notice', 'escalate-legal/letter']);
    const sent = bed.resend.delivered().filter((email) => email.idempotencyKey?.includes(input.invoice.invoiceId));
    expect(sent[0].acceptedAt).toBeLessThan(sent[1].acceptedAt as number);
    await bed.handleOf(input).signal(cancelInvoiceSignal, { reason: 'test over' });
  });

  test('a legal letter for a customer under a hold waits for the hold and the final notice; it is never sent while held', async () => {
    const input = await bed.start({ dueInDays: -89 });
    const handle = bed.handleOf(input);
    await handle.executeUpdate(placeHoldUpdate, { args: [{ holdId: 'L', kind: 'legal', reason: 'counsel reviewing' }] });
    const before = bed.emailSteps(input);
    await bed.env.sleep(10 * DAY); // legal at day 90 falls inside the hold: the step is skipped, nothing is sent
    expect(bed.emailSteps(input)).toEqual(before);
    await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
    await handle.result();
  });
});

describe('dispute SLAs', () => {
  test('a dispute resolved while another dispute\'s SLA breach is being saved is neither marked breached nor escalated', async () => {
    const input = await bed.start({ dueInDays: -2 });
    const handle = bed.handleOf(input);
    await handle.executeUpdate(openDisputeUpdate, { args: [{ disputeId: 'D-A', category: 'pricing', amount: usd(20_000) }] });
    await handle.executeUpdate(openDisputeUpdate, { args: [{ disputeId: 'D-B', category: 'quality', amount: usd(30_000) }] });
    const entered = new Promise<void>((resolve) => { gate.entered = resolve; });
    let release = () => undefined as void;
    gate.release = new Promise<void>((resolve) => { release = resolve; });
    gate.disputeId = 'D-A';
    const sleeping = bed.env.sleep(10 * DAY); // both SLAs (5 business days) pass
    await entered;
    const resolved = await handle.executeUpdate(resolveDisputeUpdate, { args: [{ disputeId: 'D-B', inFavourOf: 'company', resolvedBy: 'operations' }] });
    expect(resolved.disputes.find((d) => d.disputeId === 'D-B')?.status).toBe('resolved_for_company');
    release();
    await sleeping;
    gate.disputeId = '';
    const state = await handle.query(invoiceStateQuery);
    expect(state.disputes.find((d) => d.disputeId === 'D-A')?.slaBreached).toBe(true);
    expect(state.disputes.find((d) => d.disputeId === 'D-B')?.slaBreached).toBe(false);
    const escalations = await bed.rows<{ title: string }>("SELECT title FROM tasks WHERE invoice_id = $1 AND kind = 'escalation'", [input.invoice.invoiceId]);
    expect(escalations.map((t) => t.title)).toEqual([expect.stringContaining('Dispute D-A')]);
    await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
    await handle.result();
  });
});

describe('a balance too small to chase', () => {
  test('a remainder of 0.01 is written off as a small balance at once: no reminder, call or escalation follows', async () => {
    const input = await bed.start({ dueInDays: -3 });
    const handle = bed.handleOf(input);
    const paid = await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'p-1', amount: usd(124_999) }] });
    expect(paid.balance).toEqual(usd(1));
    await settled(handle);
    const state = await handle.query(invoiceStateQuery);
    expect(state.status).toBe('written_off');
    await bed.env.sleep(60 * DAY);
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day']);
    const ledger = await bed.rows<{ kind: string; amount_minor: number }>("SELECT kind, amount_minor FROM ledger_entries WHERE invoice_id = $1", [input.invoice.invoiceId]);
    expect(ledger).toEqual([{ kind: 'write_off', amount_minor: -1 }]);
    expect(await bed.rows('SELECT 1 FROM tasks WHERE invoice_id = $1', [input.invoice.invoiceId])).toHaveLength(0);
    expect((await eventTypes(input)).at(-1)).toBe('write_off');
  });

  test('a partial payment that leaves more than the minimum does not wake the main loop: its timer runs on, and the next reminder goes on its day', async () => {
    const input = await bed.start({ dueInDays: -3 });
    const handle = bed.handleOf(input);
    await settled(handle);
    const timers = async () => ((await handle.fetchHistory()).events ?? []).filter((event) => event.timerStartedEventAttributes || event.timerCanceledEventAttributes).length;
    const before = await timers();
    const paid = await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'p-1', amount: usd(100_000) }] });
    expect(paid.balance).toEqual(usd(25_000));
    await settled(handle);
    expect(await timers()).toBe(before); // neither cancelled nor started again
    await bed.env.sleep(5 * DAY); // the 7-day reminder, for what is left
    await settled(handle);
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day', 'reminder-7-days']);
    await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
    await handle.result();
  });

  test('with keep_without_contact the remainder stays a receivable, recorded, and nothing more reaches the customer', async () => {
    const policy = policyWith({ smallBalance: { minimumMinor: { USD: 500 }, action: 'keep_without_contact' } });
    const input = await bed.start({ dueInDays: -3, policy });
    const handle = bed.handleOf(input);
    await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'p-1', amount: usd(124_700) }] });
    await settled(handle);
    await bed.env.sleep(60 * DAY);
    const state = await handle.query(invoiceStateQuery);
    expect(state.status).toBe('in_collection');
    expect(state.balance).toEqual(usd(300));
    expect(state.paused).toContain("below the policy's minimum");
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day']);
    expect(await eventTypes(input)).toContain('small_balance_kept');
    await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
    await handle.result();
  });

  test('a currency the policy sets no minimum for is chased as before', async () => {
    const input = await bed.start({ dueInDays: -3, currency: 'JPY', amountMinor: 125_000 });
    const handle = bed.handleOf(input);
    await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'p-1', amount: { amountMinor: 124_999, currency: 'JPY' } }] });
    await settled(handle);
    await bed.env.sleep(5 * DAY);
    expect((await handle.query(invoiceStateQuery)).status).toBe('in_collection');
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day', 'reminder-7-days']);
    await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
    await handle.result();
  });
});
