/**
 * The contact rule on the time-skipping server with a mail provider that fails, drops, answers
 * slowly and stalls: once a payment that closes the invoice, a cancel or a hold is recorded, no
 * notice decided before it is delivered; and no notice is retried beyond the provider's 24-hour
 * idempotency window.
 */
import { createNoticeActivities } from '../../activities/notices/activities';
import { TemplateLibrary } from '../../src/notices/template-library';
import { resendTransport } from '../../activities/notices/mail-transport';
import {
  cancelInvoiceSignal, invoiceWorkflowId, placeHoldUpdate, recordPaymentUpdate, releaseHoldUpdate, type InvoiceCollectionInput,
} from '../../workflows/invoice-collection/definitions';
import { DAY, settled, startCollectionTestBed, type CollectionTestBed } from '../support/collection-test-bed';
import { TEST_FROM } from '../support/collections-worker';

let bed: CollectionTestBed;

// A provider call may take 2.5 s here (20 s in production), so a stall is seen quickly.
beforeAll(async () => {
  bed = await startCollectionTestBed('contact-rule-test', { timings: { sendTimeoutMs: 2_500 } });
});

afterEach(() => bed.resend.behave({}));

afterAll(async () => {
  await bed?.teardown();
});

const usd = (amountMinor: number) => ({ amountMinor, currency: 'USD' });
const keyOf = (input: InvoiceCollectionInput, step: string) => `${invoiceWorkflowId(input.invoice.invoiceId)}/step/${step}`;
const requestsFor = (key: string) => bed.resend.requests.filter((request) => request.idempotencyKey === key);
const communication = async (key: string) =>
  (await bed.rows<{ status: string; suppressed_reason: string | null }>('SELECT status, suppressed_reason FROM communications WHERE idempotency_key = $1', [key]))[0];
const eventTypes = async (input: InvoiceCollectionInput) =>
  (await bed.rows<{ type: string }>('SELECT type FROM collection_events WHERE invoice_id = $1 ORDER BY occurred_at, event_id', [input.invoice.invoiceId])).map((e) => e.type);

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a stale notice is never delivered after a payment, cancel or hold lands in the back-off', () => {
  test.each([
    ['answers the first attempt with a 500', { failNext: 1 }],
    ['drops the first attempt', { dropNext: 1 }],
  ])('a payment in full while the provider %s: the retry never leaves, the notice is suppressed', async (_how, behaviour) => {
    bed.resend.behave(behaviour);
    const input = await bed.start({ dueInDays: -2 }); // the 1-day reminder is due at start; its attempt fails
    const key = keyOf(input, 'reminder-1-day');
    expect(requestsFor(key)).toHaveLength(1);
    const handle = bed.handleOf(input);
    const paid = await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'p-1', amount: usd(125_000) }] });
    expect(paid.status).toBe('paid');
    await settled(handle);
    await bed.env.sleep(2 * DAY);
    expect(bed.emailSteps(input)).toEqual([]);
    expect(requestsFor(key)).toHaveLength(1);
    expect(await communication(key)).toEqual({ status: 'suppressed', suppressed_reason: 'the invoice is paid' });
    const types = await eventTypes(input);
    expect(types).toEqual(expect.arrayContaining(['payment_received', 'notice_suppressed']));
    expect(types).not.toContain('notice_sent');
  });

  test('a cancel during the back-off: the notice is suppressed and collection ends', async () => {
    bed.resend.behave({ failNext: 1 });
    const input = await bed.start({ dueInDays: -2 });
    const handle = bed.handleOf(input);
    await handle.signal(cancelInvoiceSignal, { reason: 'invoice voided' });
    expect((await handle.result()).status).toBe('cancelled');
    expect(bed.emailSteps(input)).toEqual([]);
    expect(await communication(keyOf(input, 'reminder-1-day'))).toEqual({ status: 'suppressed', suppressed_reason: 'the invoice is cancelled' });
  });

  test('a hold during the back-off: the notice is suppressed; when the hold ends it goes out once', async () => {
    bed.resend.behave({ failNext: 1 });
    const input = await bed.start({ dueInDays: -2 });
    const handle = bed.handleOf(input);
    await handle.executeUpdate(placeHoldUpdate, { args: [{ holdId: 'H-1', kind: 'legal', reason: 'counsel reviewing' }] });
    await settled(handle);
    expect(bed.emailSteps(input)).toEqual([]);
    expect((await communication(keyOf(input, 'reminder-1-day'))).suppressed_reason).toBe('contact is held (legal hold: counsel reviewing)');
    await bed.env.sleep(DAY);
    expect(bed.emailSteps(input)).toEqual([]);
    await handle.executeUpdate(releaseHoldUpdate, { args: [{ holdId: 'H-1' }] });
    await settled(handle);
    expect(bed.emailSteps(input)).toEqual(['resumed/reminder-1-day']);
    await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
    await handle.result();
  });
});

describe('a notice in flight is serialised with what lands during it', () => {
  test('a payment during a slow send is recorded after the notice went out, never before it', async () => {
    bed.resend.behave({ delayMs: 1_000 });
    const input = await bed.start({ dueInDays: -2, settle: false });
    const key = keyOf(input, 'reminder-1-day');
    await until(() => requestsFor(key).length === 1, 'the notice to reach the provider');
    const handle = bed.handleOf(input);
    const paid = await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'p-1', amount: usd(125_000) }] });
    const answeredAt = Date.now();
    expect(paid.status).toBe('paid');
    const [delivered] = bed.resend.delivered().filter((email) => email.idempotencyKey === key);
    // The payment's ledger write waited for the invoice's lock, held by the send: the payment was
    // acknowledged after the notice went out, and the timeline has them in that order.
    expect(delivered.acceptedAt).toBeLessThanOrEqual(answeredAt);
    const types = await eventTypes(input);
    expect(types.indexOf('notice_sent')).toBeLessThan(types.indexOf('payment_received'));
    await settled(handle);
    await bed.env.sleep(10 * DAY);
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day']);
  });

  test('a hold placed during a slow send is acknowledged after the notice went out; nothing follows it', async () => {
    bed.resend.behave({ delayMs: 1_000 });
    const input = await bed.start({ dueInDays: -2, settle: false });
    const key = keyOf(input, 'reminder-1-day');
    await until(() => requestsFor(key).length === 1, 'the notice to reach the provider');
    const handle = bed.handleOf(input);
    await handle.executeUpdate(placeHoldUpdate, { args: [{ holdId: 'H-1', kind: 'vip', reason: 'key account' }] });
    const [delivered] = bed.resend.delivered().filter((email) => email.idempotencyKey === key);
    expect(delivered.acceptedAt).toBeLessThanOrEqual(Date.now());
    await settled(handle);
    await bed.env.sleep(10 * DAY);
    expect(bed.emailSteps(input)).toEqual(['reminder-1-day']);
    await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
    await handle.result();
  });

  test('a stalled provider: the attempt is abandoned, and a payment during the back-off suppresses the retry', async () => {
    bed.resend.behave({ stall: true });
    const input = await bed.start({ dueInDays: -2, settle: false });
    const key = keyOf(input, 'reminder-1-day');
    await until(() => requestsFor(key).length === 1, 'the notice to reach the provider');
    const handle = bed.handleOf(input);
    await settled(handle); // the 2.5 s send timeout failed the attempt; the workflow waits to retry
    bed.resend.behave({});
    await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'p-1', amount: usd(125_000) }] });
    await settled(handle);
    await bed.env.sleep(DAY);
    expect(bed.emailSteps(input)).toEqual([]);
    expect((await communication(key)).status).toBe('suppressed');
  });
});

describe("retries stay inside the provider's 24-hour idempotency window", () => {
  test('a provider down for a day: retries stop before 23 hours, the notice is suppressed and a person is asked to call', async () => {
    bed.resend.behave({ failNext: 1_000_000 });
    const input = await bed.start({ dueInDays: -2 });
    const key = keyOf(input, 'reminder-1-day');
    await bed.env.sleep(2 * DAY);
    const attempts = requestsFor(key).length;
    expect(attempts).toBeGreaterThan(100); // 5 s doubling to 10 minutes, for 23 hours
    expect(attempts).toBeLessThan(160);
    expect(bed.emailSteps(input)).toEqual([]);
    expect((await communication(key)).suppressed_reason).toContain('24-hour idempotency window');
    const tasks = await bed.rows<{ kind: string; title: string }>('SELECT kind, title FROM tasks WHERE invoice_id = $1', [input.invoice.invoiceId]);
    expect(tasks).toEqual([expect.objectContaining({ kind: 'call' })]);
    expect(tasks[0].title).toContain('another way');
    bed.resend.behave({});
    await bed.env.sleep(DAY);
    expect(requestsFor(key)).toHaveLength(attempts);
    await bed.handleOf(input).signal(cancelInvoiceSignal, { reason: 'test over' });
  });

  test('the notice activity itself refuses to send once its first attempt is older than the window (a worker that died for a day)', async () => {
    const input = await bed.start({ dueInDays: 20 }); // nothing due for weeks: the test drives the activity directly
    const notices = (providerWindowMs?: number) => createNoticeActivities({
      db: bed.db.pool, templates: new TemplateLibrary(), transport: resendTransport('re_test_key', bed.resend.baseUrl),
      from: TEST_FROM, companyName: 'Example Co.', collectionsPhone: '+1 555 0100', providerWindowMs,
    });
    const notice = {
      customer: { customerId: input.customer.customerId, name: input.customer.name, email: input.customer.email },
      invoice: { invoiceNumber: input.invoice.invoiceNumber, amount: input.invoice.amount, balance: input.invoice.amount, dueDate: input.invoice.dueDate, daysPastDue: 1 },
      template: 'reminder-past-due', tone: 'friendly',
      event: {
        idempotencyKey: `${invoiceWorkflowId(input.invoice.invoiceId)}/manual/window`, workflowId: invoiceWorkflowId(input.invoice.invoiceId), invoiceId: input.invoice.invoiceId,
        type: 'notice_sent', summary: 'Reminder', occurredAt: new Date().toISOString(), data: {},
        snapshot: { seq: 1_000, status: 'in_collection', balanceMinor: 125_000, paidMinor: 0, creditMinor: 0, escalationLevel: 'none', daysPastDue: 1, agingBucket: '1-30', nextAction: null, nextActionAt: null },
      },
    };
    bed.resend.behave({ failNext: 1 });
    await expect(notices().sendDunningNotice(notice)).rejects.toThrow(/Resend refused/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(notices(10).sendDunningNotice(notice)).resolves.toBe('expired');
    expect(requestsFor(notice.event.idempotencyKey)).toHaveLength(1);
    expect((await communication(notice.event.idempotencyKey)).status).toBe('suppressed');
    await bed.handleOf(input).signal(cancelInvoiceSignal, { reason: 'test over' });
  });
});
