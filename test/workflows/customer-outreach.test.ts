/**
 * One voice per customer, in their hours, on the time-skipping server: a customer's invoices reach
 * them through its outreach workflow, which merges what falls in one window, keeps to business hours
 * in the customer's zone (no weekends, no public holidays of their country) and to the minimum gap,
 * drops an invoice paid before the message leaves, and calls instead of emailing a customer who asked.
 */
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { collectionsPolicySchema, type CollectionsPolicy } from '../../src/domain/policy/schema';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { communicationTimelineQuery, customerOutreachWorkflowId, setDoNotDunSignal, type DoNotDun } from '../../workflows/customer-outreach/definitions';
import { cancelInvoiceSignal, invoiceStateQuery, recordPaymentUpdate, type InvoiceCollectionInput } from '../../workflows/invoice-collection/definitions';
import { DAY, settled, startCollectionTestBed, type CollectionTestBed } from '../support/collection-test-bed';
import { EVERY_DAY_POLICY, invoiceInput } from '../support/invoice-fixtures';
import { registerInvoice } from '../../src/invoices/registration';

let bed: CollectionTestBed;

beforeAll(async () => {
  bed = await startCollectionTestBed('customer-outreach-test');
});

afterAll(async () => {
  await bed?.teardown();
});

const contact = (changes: Partial<CollectionsPolicy['contact']>): CollectionsPolicy =>
  collectionsPolicySchema.parse({ ...EVERY_DAY_POLICY, contact: { ...EVERY_DAY_POLICY.contact, ...changes } });
const naming = (...inputs: InvoiceCollectionInput[]) => bed.resend.delivered().filter((email) => inputs.some((i) => email.body.text.includes(i.invoice.invoiceNumber)));
const outreachTimeline = (customerId: string) => bed.env.client.workflow.getHandle(customerOutreachWorkflowId(customerId)).query(communicationTimelineQuery);
/** When the outreach sent the message that carried an invoice's step, in the customer's zone. */
async function sentAt(customerId: string, input: InvoiceCollectionInput, step: string, zone: string): Promise<DateTime> {
  const requestId = `invoice-${input.invoice.invoiceId}/step/${step}`;
  const entry = (await outreachTimeline(customerId)).find((e) => e.requestIds.includes(requestId));
  if (!entry) throw new Error(`no message carried ${requestId}`);
  return DateTime.fromISO(entry.at).setZone(zone);
}
/** The activities a customer's outreach has scheduled, in order. */
const outreachActivities = async (customerId: string) => ((await bed.env.client.workflow.getHandle(customerOutreachWorkflowId(customerId)).fetchHistory()).events ?? [])
  .map((event) => event.activityTaskScheduledEventAttributes?.activityType?.name).filter((name) => name !== undefined);
const keysOf = (input: InvoiceCollectionInput) => bed.resend.delivered().map((email) => email.idempotencyKey ?? '').filter((key) => key.startsWith(`invoice-${input.invoice.invoiceId}/`));
const eventTypes = async (input: InvoiceCollectionInput) =>
  (await bed.rows<{ type: string }>('SELECT type FROM collection_events WHERE invoice_id = $1 ORDER BY occurred_at, event_id', [input.invoice.invoiceId])).map((e) => e.type);

async function endAll(...inputs: InvoiceCollectionInput[]): Promise<void> {
  for (const input of inputs) await bed.handleOf(input).signal(cancelInvoiceSignal, { reason: 'test over' });
}

test('two invoices of one customer with the same step day produce one email naming both', async () => {
  const customer = { customerId: 'C-MERGE', name: 'Merge & Sons' };
  const policy = contact({ mergeWindowSeconds: 10 });
  const first = await bed.start({ dueInDays: 5, customer, policy });
  const second = await bed.start({ dueInDays: 5, customer, policy, amountMinor: 40_000 });
  await bed.env.sleep(3 * DAY); // both reach the upcoming reminder at the same instant
  await settled(bed.handleOf(first));
  await settled(bed.handleOf(second));
  const merged = bed.resend.delivered().filter((email) => email.idempotencyKey === `${customerOutreachWorkflowId('C-MERGE')}/message-1`);
  expect(merged).toHaveLength(1);
  expect(merged[0].body.text).toContain(`#${first.invoice.invoiceNumber}`);
  expect(merged[0].body.text).toContain(`#${second.invoice.invoiceNumber}`);
  expect(merged[0].body.text).toContain('Total due: $1,650.00');
  expect(merged[0].body.subject).toContain('and 1 more overdue invoice');
  expect(keysOf(first)).toEqual([]); // nothing went out per invoice
  const rows = await bed.rows<{ status: string; message_key: string }>(
    'SELECT status, message_key FROM communications WHERE invoice_id = ANY($1)', [[first.invoice.invoiceId, second.invoice.invoiceId]]);
  expect(rows).toEqual([
    { status: 'sent', message_key: `${customerOutreachWorkflowId('C-MERGE')}/message-1` },
    { status: 'sent', message_key: `${customerOutreachWorkflowId('C-MERGE')}/message-1` },
  ]);
  const [entry] = await outreachTimeline('C-MERGE');
  expect(entry.requestIds).toHaveLength(2);
  await endAll(first, second);
});

test('a customer with no other open invoice is reminded without the merge wait; once another opens, the next reminders wait and merge', async () => {
  const customerId = 'C-ALONE';
  const policy = contact({ mergeWindowSeconds: 10 });
  const outreach = bed.env.client.workflow.getHandle(customerOutreachWorkflowId(customerId));
  const timers = async () => ((await outreach.fetchHistory()).events ?? []).filter((event) => event.timerStartedEventAttributes).length;
  const first = await bed.start({ dueInDays: 4, customer: { customerId }, policy });
  await bed.env.sleep(3 * DAY); // the upcoming reminder, alone
  await settled(bed.handleOf(first));
  await settled(outreach);
  expect(keysOf(first)).toEqual([`invoice-${first.invoice.invoiceId}/step/reminder-upcoming`]);
  expect(await timers()).toBe(0);
  expect(await outreachActivities(customerId)).toEqual(['contactCalendar', 'sendMessageInWindow']);

  const second = await bed.start({ dueInDays: 5, customer: { customerId }, policy }); // its upcoming reminder falls on the first's 1-day reminder
  await bed.env.sleep(3 * DAY);
  await settled(bed.handleOf(second));
  await settled(outreach);
  // The first's request went at once, found the second open and sent nothing; both then waited the window and went as one.
  expect(await outreachActivities(customerId)).toEqual(['contactCalendar', 'sendMessageInWindow', 'sendMessageInWindow', 'sendMessageInWindow']);
  expect(await timers()).toBe(1);
  const timeline = await outreachTimeline(customerId);
  expect(timeline.map((entry) => entry.requestIds.length)).toEqual([1, 2]);
  const merged = bed.resend.delivered().filter((email) => email.idempotencyKey === `${customerOutreachWorkflowId(customerId)}/message-2`);
  expect(merged).toHaveLength(1);
  expect(merged[0].body.text).toContain(`#${first.invoice.invoiceNumber}`);
  expect(merged[0].body.text).toContain(`#${second.invoice.invoiceNumber}`);
  await endAll(first, second);
});

/** The first date at least `fromDays` ahead on which `pick` holds. */
async function dateAhead(fromDays: number, pick: (date: DateTime) => boolean): Promise<string> {
  let date = DateTime.fromMillis(await bed.env.currentTimeMs(), { zone: 'UTC' }).startOf('day').plus({ days: fromDays });
  while (!pick(date)) date = date.plus({ days: 1 });
  return date.toISODate() as string;
}

const usHolidays = new Holidays('US', { types: ['public'] });
const isUsHoliday = (date: DateTime) => usHolidays.getHolidays(date.year).some((h) => h.type === 'public' && h.date.startsWith(date.toISODate() as string));
const isOpenWeekday = (date: DateTime) => date.weekday <= 5 && !isUsHoliday(date);

/** Starts an invoice whose 1-day reminder falls on `stepDate` (09:00 UTC) for a customer in Los Angeles. */
async function reminderOn(stepDate: string, customerId: string): Promise<InvoiceCollectionInput> {
  const today = isoDateOf(await bed.env.currentTimeMs());
  const dueDate = addDays(stepDate, -1);
  const dueInDays = Math.round((Date.parse(dueDate) - Date.parse(today)) / DAY);
  // The default contact policy: business hours 9–17 on weekdays (the invoice moves a weekend step to Monday 09:00 UTC, the customer's outreach to 09:00 in their zone).
  const policy = contact({ businessHours: { startHour: 9, endHour: 17 }, quietWeekdays: ['saturday', 'sunday'], mergeWindowSeconds: 0 });
  return bed.start({ dueInDays, customer: { customerId, timeZone: 'America/Los_Angeles', country: 'US' }, policy });
}

test("a step due on Saturday goes out on Monday within business hours in the customer's zone", async () => {
  const saturday = await dateAhead(3, (d) => d.weekday === 6 && isOpenWeekday(d.plus({ days: 2 })));
  const input = await reminderOn(saturday, 'C-LA-SAT');
  await bed.env.sleep(DateTime.fromISO(saturday, { zone: 'UTC' }).plus({ days: 3 }).toMillis() - (await bed.env.currentTimeMs()));
  await settled(bed.handleOf(input));
  expect(keysOf(input)).toContain(`invoice-${input.invoice.invoiceId}/step/reminder-1-day`);
  const at = await sentAt('C-LA-SAT', input, 'reminder-1-day', 'America/Los_Angeles');
  expect(at.toISODate()).toBe(DateTime.fromISO(saturday).plus({ days: 2 }).toISODate()); // Monday
  expect(at.hour).toBe(9);
  await endAll(input);
});

test("a step due on the customer's public holiday waits for the next open day", async () => {
  const holiday = await dateAhead(3, (d) => d.weekday <= 5 && isUsHoliday(d));
  let next = DateTime.fromISO(holiday, { zone: 'UTC' }).plus({ days: 1 });
  while (!isOpenWeekday(next)) next = next.plus({ days: 1 });
  const input = await reminderOn(holiday, 'C-LA-HOLIDAY');
  await bed.env.sleep(next.plus({ days: 1 }).toMillis() - (await bed.env.currentTimeMs()));
  await settled(bed.handleOf(input));
  const at = await sentAt('C-LA-HOLIDAY', input, 'reminder-1-day', 'America/Los_Angeles');
  expect(at.toISODate()).toBe(next.toISODate());
  expect(at.hour).toBe(9);
  await endAll(input);
});

test("the minimum gap holds across a customer's invoices: the second invoice's reminder waits for it", async () => {
  const customer = { customerId: 'C-GAP' };
  const first = await bed.start({ dueInDays: 5, customer });
  const second = await bed.start({ dueInDays: 6, customer }); // its reminders come a day after the first's
  await bed.env.sleep(6 * DAY);
  await settled(bed.handleOf(second));
  const timeline = await outreachTimeline('C-GAP');
  expect(timeline.map((entry) => entry.requestIds.length)).toEqual([1, 1]);
  const gap = Date.parse(timeline[1].at) - Date.parse(timeline[0].at);
  expect(gap).toBeGreaterThanOrEqual(3 * DAY); // the default policy's three days, not the one day between the steps
  expect(gap).toBeLessThan(3 * DAY + 60_000);
  expect(keysOf(second)).toEqual([`invoice-${second.invoice.invoiceId}/step/reminder-upcoming`]);
  await endAll(first, second);
});

test('an invoice paid while its request waits for the window drops out of the merged message', async () => {
  const customer = { customerId: 'C-NIGHT', timeZone: 'Pacific/Auckland' }; // 09:00 UTC is the middle of the night there
  const policy = contact({ businessHours: { startHour: 9, endHour: 17 }, quietWeekdays: [], mergeWindowSeconds: 10 });
  const paid = await bed.start({ dueInDays: 5, customer, policy });
  const open = await bed.start({ dueInDays: 5, customer, policy, amountMinor: 40_000 });
  const askedAt = Date.parse(`${addDays(paid.invoice.dueDate, -3)}T09:00:00Z`); // both upcoming reminders, at 09:00 UTC
  await bed.env.sleep(askedAt + 60_000 - (await bed.env.currentTimeMs())); // 22:00 in Auckland: the window opens at 09:00 there
  await settled(bed.handleOf(open));
  expect(naming(paid, open)).toHaveLength(0);
  await bed.handleOf(paid).executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'pay-night', amount: { amountMinor: 125_000, currency: 'USD' } }] });
  await settled(bed.handleOf(paid));
  await bed.env.sleep(DAY);
  await settled(bed.handleOf(open));
  const sent = naming(paid, open);
  expect(sent).toHaveLength(1);
  expect(sent[0].body.text).not.toContain(paid.invoice.invoiceNumber);
  expect(sent[0].idempotencyKey).toBe(`invoice-${open.invoice.invoiceId}/step/reminder-upcoming`);
  expect(await eventTypes(paid)).toEqual(expect.arrayContaining(['payment_received', 'notice_suppressed']));
  expect(await eventTypes(paid)).not.toContain('notice_sent');
  await endAll(open);
});

test('a customer who asked not to be emailed gets a call task instead of an email', async () => {
  const input = await bed.start({ dueInDays: 5, customer: { customerId: 'C-NO-EMAIL' } });
  await bed.db.pool.query('UPDATE customers SET do_not_contact = true WHERE customer_id = $1', ['C-NO-EMAIL']);
  await bed.env.sleep(3 * DAY);
  await settled(bed.handleOf(input));
  expect(keysOf(input)).toEqual([]);
  const [communication] = await bed.rows<{ status: string; suppressed_reason: string }>(
    'SELECT status, suppressed_reason FROM communications WHERE invoice_id = $1', [input.invoice.invoiceId]);
  expect(communication).toEqual({ status: 'suppressed', suppressed_reason: 'the customer asked not to be emailed' });
  const tasks = await bed.rows<{ kind: string; title: string }>('SELECT kind, title FROM tasks WHERE invoice_id = $1', [input.invoice.invoiceId]);
  expect(tasks).toEqual([expect.objectContaining({ kind: 'call' })]);
  expect(tasks[0].title).toContain('another way');
  await endAll(input);
});

/** Sets or lifts the customer's flag as the API does: signal-with-start, so it applies before any request. */
async function doNotDun(input: InvoiceCollectionInput, flag: DoNotDun): Promise<void> {
  const { customer } = input;
  await bed.env.client.workflow.signalWithStart('customerOutreach', {
    workflowId: customerOutreachWorkflowId(customer.customerId),
    taskQueue: 'customer-outreach-test',
    args: [{ customer: { customerId: customer.customerId, name: customer.name, email: customer.email }, contact: input.policy.contact }],
    signal: setDoNotDunSignal,
    signalArgs: [flag],
  });
}

test('"do not dun" holds every invoice of the customer; lifted, each resumes with the notice that applies now, once', async () => {
  const customer = { customerId: 'C-DND' };
  const policy = contact({ mergeWindowSeconds: 10 }); // the two resumed requests arrive a moment apart
  const first = await bed.start({ dueInDays: 5, customer, policy });
  await doNotDun(first, { on: true, reason: 'disputed contract', by: 'head of AR' });
  await bed.env.sleep(13 * DAY); // day 8: the upcoming, 1-day and 7-day reminders come due while the flag is on
  const second = await bed.start({ dueInDays: -4, customer, policy }); // its 1-day reminder is due at start
  await settled(bed.handleOf(second));
  expect([...keysOf(first), ...keysOf(second)]).toEqual([]);
  const state = await bed.handleOf(first).query(invoiceStateQuery);
  expect(state.paused).toBe('customer hold: do not dun (disputed contract, set by head of AR)');
  expect(await eventTypes(first)).toEqual(expect.arrayContaining(['step_skipped']));
  await doNotDun(first, { on: false, reason: 'contract settled', by: 'head of AR' });
  await settled(bed.handleOf(first));
  await settled(bed.handleOf(second));
  await bed.env.sleep(60_000); // past the merge window
  await settled(bed.handleOf(first));
  // Both invoices catch up at once: the most severe notice each missed, in one message.
  const [resumed] = await outreachTimeline('C-DND');
  expect(resumed.requestIds).toEqual(expect.arrayContaining([
    expect.stringMatching(new RegExp(`^invoice-${first.invoice.invoiceId}/resumed/reminder-7-days/`)),
    expect.stringMatching(new RegExp(`^invoice-${second.invoice.invoiceId}/resumed/reminder-1-day/`)),
  ]));
  expect(resumed.requestIds).toHaveLength(2);
  expect(bed.resend.delivered().filter((email) => email.idempotencyKey === `${customerOutreachWorkflowId('C-DND')}/message-1`)).toHaveLength(1);
  expect((await bed.handleOf(first).query(invoiceStateQuery)).paused).toBeNull();
  await endAll(first, second);
});

describe('a step conditioned on the customer as a whole', () => {
  const policy = collectionsPolicySchema.parse({
    ...EVERY_DAY_POLICY,
    dunningSteps: [
      ...EVERY_DAY_POLICY.dunningSteps,
      { id: 'account-call', offsetDays: 10, action: 'call_task', whenAccount: { overdueInvoicesAtLeast: 2, overdueBalanceAtLeastMinor: 150_000 } },
    ],
  });
  const callTasks = async (input: InvoiceCollectionInput) =>
    bed.rows<{ title: string }>("SELECT title FROM tasks WHERE invoice_id = $1 AND kind = 'call'", [input.invoice.invoiceId]);

  test('runs when the customer owes enough over enough overdue invoices', async () => {
    const customer = { customerId: 'C-ACCOUNT-BIG' };
    const first = await bed.start({ dueInDays: -9, customer, policy });
    const second = await bed.start({ dueInDays: -30, customer, policy, amountMinor: 50_000 });
    await bed.env.sleep(2 * DAY); // the first reaches day 10
    await settled(bed.handleOf(first));
    expect(await callTasks(first)).toHaveLength(1);
    await endAll(first, second);
  });

  test('is skipped, and says why, when the customer owes too little over a single overdue invoice', async () => {
    const input = await bed.start({ dueInDays: -9, customer: { customerId: 'C-ACCOUNT-SMALL' }, policy });
    await bed.env.sleep(2 * DAY);
    await settled(bed.handleOf(input));
    expect(await callTasks(input)).toHaveLength(0);
    const [skipped] = await bed.rows<{ summary: string }>(
      "SELECT summary FROM collection_events WHERE invoice_id = $1 AND type = 'step_skipped'", [input.invoice.invoiceId]);
    expect(skipped.summary).toContain("the customer's overdue balance of $1,250.00 is below $1,500.00");
    await endAll(input);
  });
});

test("continue-as-new keeps a customer's outreach small, and its timeline carries over", async () => {
  const first = await bed.start({ dueInDays: 5, customer: { customerId: 'C-LONG' }, settle: false });
  // Started before any request, with a small history limit, as a long-lived customer's would reach one.
  await bed.env.client.workflow.signalWithStart('customerOutreach', {
    workflowId: customerOutreachWorkflowId('C-LONG'),
    taskQueue: 'customer-outreach-test',
    args: [{ customer: { customerId: 'C-LONG', name: first.customer.name, email: first.customer.email }, contact: first.policy.contact, historyEventLimit: 40 }],
    signal: setDoNotDunSignal,
    signalArgs: [{ on: false, reason: 'start', by: 'test' }],
  });
  const outreach = bed.env.client.workflow.getHandle(customerOutreachWorkflowId('C-LONG'));
  const firstRun = (await outreach.describe()).runId;
  await bed.env.sleep(40 * DAY); // the upcoming, 1-, 7-, 15- and 30-day notices
  await settled(bed.handleOf(first));
  expect((await outreach.describe()).runId).not.toBe(firstRun);
  const timeline = await outreach.query(communicationTimelineQuery);
  expect(timeline.map((entry) => entry.requestIds[0].split('/').at(-1))).toEqual(['reminder-upcoming', 'reminder-1-day', 'reminder-7-days', 'reminder-15-days', 'final-notice']);
  expect((await outreach.fetchHistory()).events?.length).toBeLessThan(60);
  await endAll(first);
});

test('requests after the first go to the running outreach as signals; an outreach an operator ended is started again and the next reminder arrives', async () => {
  const input = await bed.start({ dueInDays: 5, customer: { customerId: 'C-ENDED' } });
  const invoice = bed.handleOf(input);
  await bed.env.sleep(7 * DAY); // the upcoming and 1-day reminders
  await settled(invoice);
  const requestedBy = async (how: 'activity' | 'signal') => ((await invoice.fetchHistory()).events ?? []).filter((event) => (how === 'activity'
    ? event.activityTaskScheduledEventAttributes?.activityType?.name === 'requestCustomerContact'
    : event.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName === 'requestContact')).length;
  expect([await requestedBy('activity'), await requestedBy('signal')]).toEqual([1, 1]);

  await bed.env.client.workflow.getHandle(customerOutreachWorkflowId('C-ENDED')).terminate('ended by an operator');
  await bed.env.sleep(7 * DAY); // the 7-day reminder: its signal finds no outreach, the activity starts one
  await settled(invoice);
  expect(keysOf(input).map((key) => key.split('/').at(-1))).toEqual(['reminder-upcoming', 'reminder-1-day', 'reminder-7-days']);
  expect([await requestedBy('activity'), await requestedBy('signal')]).toEqual([2, 2]);
  await endAll(input);
});

test("the outreach times messages by the customer's open hours fetched once; a zone corrected since applies to the next message, which waits for it and goes once", async () => {
  const customerId = 'C-MOVED';
  const policy = contact({ businessHours: { startHour: 9, endHour: 17 }, quietWeekdays: [], mergeWindowSeconds: 0 });
  const input = await bed.start({ dueInDays: 4, customer: { customerId, timeZone: 'UTC' }, policy });
  const activitiesRun = () => outreachActivities(customerId);
  await bed.env.sleep(3 * DAY); // the upcoming reminder, inside 9–17 UTC
  await settled(bed.handleOf(input));
  expect(await activitiesRun()).toEqual(['contactCalendar', 'sendMessageInWindow']);

  // Corrected after the outreach learnt its hours: 09:00 UTC, when the 1-day reminder comes due, is 01:00 in Los Angeles.
  await bed.rows("UPDATE customers SET time_zone = 'America/Los_Angeles' WHERE customer_id = $1", [customerId]);
  await bed.env.sleep(3 * DAY);
  await settled(bed.handleOf(input));
  const at = await sentAt(customerId, input, 'reminder-1-day', 'America/Los_Angeles');
  expect(at.hour).toBe(9);
  expect(at.toISODate()).toBe(DateTime.fromISO(input.invoice.dueDate, { zone: 'UTC' }).plus({ days: 1 }).toISODate());
  expect(keysOf(input).map((key) => key.split('/').at(-1))).toEqual(['reminder-upcoming', 'reminder-1-day']);
  // The first try, at 09:00 UTC, found the hours moved and sent nothing; the next, at 09:00 in Los Angeles, went.
  expect(await activitiesRun()).toEqual(['contactCalendar', 'sendMessageInWindow', 'sendMessageInWindow', 'sendMessageInWindow']);
  await endAll(input);
});

test("a registration that moves the customer to another zone tells the outreach: the next message uses the new hours at once, even when they open earlier", async () => {
  const customerId = 'C-MOVED-EARLIER';
  const policy = contact({ businessHours: { startHour: 9, endHour: 17 }, quietWeekdays: [], mergeWindowSeconds: 0 });
  const input = await bed.start({ dueInDays: 4, customer: { customerId, timeZone: 'America/Los_Angeles' }, policy });
  await bed.env.sleep(3 * DAY); // the upcoming reminder, at 09:00 in Los Angeles (17:00 UTC)
  await settled(bed.handleOf(input));
  expect((await sentAt(customerId, input, 'reminder-upcoming', 'America/Los_Angeles')).hour).toBe(9);

  // Another invoice of the customer, registered through the API's path, says the customer is in UTC: 09:00 UTC is eight hours earlier.
  const another = invoiceInput({ now: await bed.env.currentTimeMs(), dueInDays: 60, customer: { customerId, timeZone: 'UTC' } });
  await registerInvoice({ db: bed.db.pool, client: bed.env.client, taskQueue: 'customer-outreach-test' }, { ...another.invoice, customer: another.customer });
  await bed.env.sleep(3 * DAY); // the 1-day reminder comes due at 09:00 UTC
  await settled(bed.handleOf(input));
  const at = await sentAt(customerId, input, 'reminder-1-day', 'UTC');
  expect([at.toISODate(), at.hour]).toEqual([DateTime.fromISO(input.invoice.dueDate, { zone: 'UTC' }).plus({ days: 1 }).toISODate(), 9]);
  // The hours were fetched again before it: no attempt was turned back by the old ones.
  expect(await outreachActivities(customerId)).toEqual(['contactCalendar', 'sendMessageInWindow', 'contactCalendar', 'sendMessageInWindow']);
  await endAll(input, another);
});
