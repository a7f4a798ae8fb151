/**
 * An invoice's life on the time-skipping server: 180 days in seconds, with the real activities
 * writing to a real Postgres and sending through the real Resend SDK to a local stand-in.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { saveInvoice } from '../../src/invoices/invoice-store';
import { startInvoiceCollection } from '../../src/invoices/start-collection';
import { ensureDefaultPolicy } from '../../src/policies/policy-store';
import { addDays } from '../../src/domain/calendar';
import {
  cancelInvoiceSignal, decideWriteOffUpdate, invoiceStateQuery, invoiceWorkflowId, recordPaymentUpdate, writeOffDecisionSignal,
  type InvoiceCollectionInput, type InvoiceOutcome,
} from '../../workflows/invoice-collection/definitions';
import { invoiceCollection } from '../../workflows/invoice-collection/workflow';
import { testWorker } from '../support/collections-worker';
import { freshDatabase, type TestDatabase } from '../support/database';
import { invoiceInput, type InvoiceOptions } from '../support/invoice-fixtures';
import { startResendStandIn, type ResendStandIn } from '../support/resend-stand-in';
import { timeSkippingEnvironment } from '../support/temporal';

const TASK_QUEUE = 'invoice-collection-test';
const DAY = 86_400_000;

let env: TestWorkflowEnvironment;
let db: TestDatabase;
let resend: ResendStandIn;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  [env, db, resend] = await Promise.all([timeSkippingEnvironment(), freshDatabase(), startResendStandIn()]);
  await ensureDefaultPolicy(db.pool);
  worker = await testWorker(env.nativeConnection, TASK_QUEUE, db.pool, resend.baseUrl);
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await Promise.all([env?.teardown(), db?.drop(), resend?.close()]);
});

async function start(options: Omit<InvoiceOptions, 'now'>): Promise<InvoiceCollectionInput> {
  const input = invoiceInput({ ...options, now: await env.currentTimeMs() });
  await saveInvoice(db.pool, input);
  await startInvoiceCollection(env.client, TASK_QUEUE, input, await env.currentTimeMs());
  return input;
}

const handleOf = (input: InvoiceCollectionInput) => env.client.workflow.getHandle(invoiceWorkflowId(input.invoice.invoiceId));
const emailsTo = (input: InvoiceCollectionInput) =>
  resend.delivered().filter((email) => email.idempotencyKey?.startsWith(`${invoiceWorkflowId(input.invoice.invoiceId)}/`));

async function rows<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]> {
  return (await db.pool.query(sql, params)).rows as T[];
}

test('a full 180-day life: each notice on its day, the final notice, the call, the escalations, the write-off review', async () => {
  const input = await start({ dueInDays: 5 });
  const handle = handleOf(input);

  // To day 180 after the send hour, whatever the hour the test started at.
  await env.sleep(Date.parse(`${addDays(input.invoice.dueDate, 180)}T10:00:00Z`) - (await env.currentTimeMs()));
  const state = await handle.query(invoiceStateQuery);
  expect(state.status).toBe('write_off_review');
  expect(state.escalationLevel).toBe('agency');
  expect(state.agingBucket).toBe('120+');

  const emails = emailsTo(input);
  const workflowId = invoiceWorkflowId(input.invoice.invoiceId);
  expect(emails.map((e) => e.idempotencyKey)).toEqual([
    `${workflowId}/step/reminder-upcoming`,
    `${workflowId}/step/reminder-1-day`,
    `${workflowId}/step/reminder-7-days`,
    `${workflowId}/step/reminder-15-days`,
    `${workflowId}/step/final-notice`,
    `${workflowId}/step/escalate-legal/letter`,
    `${workflowId}/step/escalate-agency/letter`,
  ]);
  expect(emails[0].body.subject).toBe(`Upcoming invoice due: #${input.invoice.invoiceNumber}`);
  expect(emails[4].body.subject).toBe(`FINAL NOTICE — overdue invoice #${input.invoice.invoiceNumber}`);
  expect(emails[4].body.text).toContain('$1,250.00');
  expect(emails[4].body.to).toBe('ap@acme.example');
  expect(emails.every((e) => e.authorization === 'Bearer re_test_key')).toBe(true);

  // Each notice went out on its day relative to the due date.
  const sent = await rows<{ key: string; due_offset: number }>(
    `SELECT c.idempotency_key AS key, (c.created_at::date - i.due_date) AS due_offset FROM communications c
     JOIN invoices i USING (invoice_id) WHERE c.invoice_id = $1 ORDER BY c.created_at`, [input.invoice.invoiceId]);
  expect(sent).toHaveLength(7);
  const events = await rows<{ type: string; day: number }>(
    `SELECT e.type, (e.occurred_at::date - i.due_date) AS day FROM collection_events e JOIN invoices i USING (invoice_id)
     WHERE e.invoice_id = $1 ORDER BY e.event_id`, [input.invoice.invoiceId]);
  expect(events.map((e) => [e.type, e.day])).toEqual([
    ['collection_started', -5],
    ['notice_sent', -3], ['notice_sent', 1], ['notice_sent', 7], ['notice_sent', 15], ['notice_sent', 30],
    ['call_task_opened', 35],
    ['escalation_task_opened', 45], ['escalation_task_opened', 60],
    ['escalation_task_opened', 90], ['letter_sent', 90], ['escalation_task_opened', 120], ['letter_sent', 120],
    ['write_off_review_task_opened', 180],
  ]);
  const tasks = await rows<{ kind: string; level: string }>('SELECT kind, level FROM tasks WHERE invoice_id = $1 ORDER BY task_id', [input.invoice.invoiceId]);
  expect(tasks).toEqual([
    { kind: 'call', level: 'collector' },
    { kind: 'escalation', level: 'sales' },
    { kind: 'escalation', level: 'management' },
    { kind: 'escalation', level: 'legal' },
    { kind: 'escalation', level: 'agency' },
    { kind: 'write_off_review', level: 'management' },
  ]);

  await handle.executeUpdate(decideWriteOffUpdate, { args: [{ approved: true, decidedBy: 'controller@example.com', role: 'ar-manager', note: 'uncollectible' }] });
  const outcome: InvoiceOutcome = await handle.result();
  expect(outcome.status).toBe('written_off');
  expect(outcome.balance).toEqual({ amountMinor: 125_000, currency: 'USD' });
  const [invoice] = await rows<{ status: string }>('SELECT status FROM invoices WHERE invoice_id = $1', [input.invoice.invoiceId]);
  expect(invoice.status).toBe('written_off');
});

test('payment in full ends dunning at once: no notice after it', async () => {
  const input = await start({ dueInDays: 5 });
  const handle = handleOf(input);
  await env.sleep(7 * DAY); // past the −3 and +1 reminders

  const result = await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'pay-full', amount: { amountMinor: 125_000, currency: 'USD' } }] });
  expect(result).toMatchObject({ duplicate: false, status: 'paid', balance: { amountMinor: 0, currency: 'USD' } });
  expect((await handle.result()).status).toBe('paid');

  await env.sleep(60 * DAY);
  expect(emailsTo(input).map((e) => e.idempotencyKey?.split('/').pop())).toEqual(['reminder-upcoming', 'reminder-1-day']);
  const [invoice] = await rows<{ status: string; balance_minor: number }>('SELECT status, balance_minor FROM invoices WHERE invoice_id = $1', [input.invoice.invoiceId]);
  expect(invoice).toEqual({ status: 'paid', balance_minor: 0 });
});

test('partial payments reduce the balance, a repeated payment id changes nothing, overpayment becomes a credit', async () => {
  const input = await start({ dueInDays: -10 });
  const handle = handleOf(input);
  const pay = (paymentId: string, amountMinor: number) =>
    handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId, amount: { amountMinor, currency: 'USD' } }] });

  expect((await pay('p-1', 25_000)).balance.amountMinor).toBe(100_000);
  const repeat = await pay('p-1', 25_000);
  expect(repeat).toMatchObject({ duplicate: true, balance: { amountMinor: 100_000 } });
  expect((await pay('p-2', 40_000)).balance.amountMinor).toBe(60_000);
  expect((await handle.query(invoiceStateQuery)).status).toBe('in_collection');

  const last = await pay('p-3', 70_000);
  expect(last).toMatchObject({ status: 'paid', balance: { amountMinor: 0 }, credit: { amountMinor: 10_000, currency: 'USD' } });
  expect((await handle.result()).credit.amountMinor).toBe(10_000);

  const payments = await rows<{ payment_id: string; applied_minor: number; credit_minor: number }>(
    'SELECT payment_id, applied_minor, credit_minor FROM payments WHERE invoice_id = $1 ORDER BY recorded_at', [input.invoice.invoiceId]);
  expect(payments).toEqual([
    { payment_id: 'p-1', applied_minor: 25_000, credit_minor: 0 },
    { payment_id: 'p-2', applied_minor: 40_000, credit_minor: 0 },
    { payment_id: 'p-3', applied_minor: 60_000, credit_minor: 10_000 },
  ]);
});

test('a payment in another currency is refused and changes nothing', async () => {
  const input = await start({ dueInDays: -3 });
  const handle = handleOf(input);
  await expect(handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'eur-1', amount: { amountMinor: 100, currency: 'EUR' } }] }))
    .rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  expect((await handle.query(invoiceStateQuery)).balance.amountMinor).toBe(125_000);
  await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
  await handle.result();
});

test('a payment that would take the total paid beyond the safe integer range is refused', async () => {
  const input = await start({ dueInDays: -3, amountMinor: Number.MAX_SAFE_INTEGER });
  const handle = handleOf(input);
  await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'huge-1', amount: { amountMinor: Number.MAX_SAFE_INTEGER - 1, currency: 'USD' } }] });
  await expect(handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'huge-2', amount: { amountMinor: 2, currency: 'USD' } }] }))
    .rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  expect((await handle.query(invoiceStateQuery)).balance.amountMinor).toBe(1);
  await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
  await handle.result();
});

test('late start at 67 days past due performs only the step that applies now and records the skipped ones', async () => {
  const input = await start({ dueInDays: -67 });
  const handle = handleOf(input);
  await env.sleep(DAY / 2); // let the start settle without reaching the next step (day 90)

  const state = await handle.query(invoiceStateQuery);
  expect(state.skippedSteps).toEqual([
    'reminder-upcoming', 'reminder-1-day', 'reminder-7-days', 'reminder-15-days', 'final-notice', 'collector-call', 'escalate-sales',
  ]);
  expect(state).toMatchObject({ status: 'in_collection', escalationLevel: 'management', agingBucket: '61-90', daysPastDue: 67 });
  expect(state.nextAction?.description).toBe('escalate to legal, day 90');
  expect(emailsTo(input)).toHaveLength(0);
  const tasks = await rows('SELECT kind, level FROM tasks WHERE invoice_id = $1', [input.invoice.invoiceId]);
  expect(tasks).toEqual([{ kind: 'escalation', level: 'management' }]);

  await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
  await handle.result();
});

test('an invoice registered beyond the review age goes straight to the write-off review', async () => {
  const input = await start({ dueInDays: -200 });
  const handle = handleOf(input);
  await env.sleep(DAY / 2);
  const state = await handle.query(invoiceStateQuery);
  expect(state.status).toBe('write_off_review');
  expect(state.skippedSteps).toHaveLength(10);
  // Declined: collection continues, and the next review comes after the policy's interval.
  await handle.executeUpdate(decideWriteOffUpdate, { args: [{ approved: false, decidedBy: 'controller@example.com' }] });
  await env.sleep(DAY / 2);
  const after = await handle.query(invoiceStateQuery);
  expect(after.status).toBe('in_collection');
  expect(after.nextAction?.description).toBe('write-off review, day 270');
  await handle.signal(cancelInvoiceSignal, { reason: 'test over' });
  expect((await handle.result()).status).toBe('cancelled');
});

test('the legacy write-off signal takes the approval hierarchy: a collector cannot write off 90,000.00, a CFO can (through the update)', async () => {
  const input = await start({ dueInDays: -200, amountMinor: 9_000_000 });
  const handle = handleOf(input);
  await env.sleep(DAY / 2);
  expect((await handle.query(invoiceStateQuery)).status).toBe('write_off_review');
  await handle.signal(writeOffDecisionSignal, { approved: true, decidedBy: 'someone@example.com', role: 'collector' });
  await handle.signal(writeOffDecisionSignal, { approved: true, decidedBy: 'controller@example.com', role: 'controller' });
  await env.sleep(DAY / 2);
  expect((await handle.query(invoiceStateQuery)).status).toBe('write_off_review');
  const refused = await rows<{ summary: string }>("SELECT summary FROM collection_events WHERE invoice_id = $1 AND type = 'write_off_decision_refused' ORDER BY event_id", [input.invoice.invoiceId]);
  expect(refused).toHaveLength(2);
  expect(refused[1].summary).toContain('role');
  await expect(handle.executeUpdate(decideWriteOffUpdate, { args: [{ approved: true, decidedBy: 'controller@example.com', role: 'controller' }] }))
    .rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  const decided = await handle.executeUpdate(decideWriteOffUpdate, { args: [{ approved: true, decidedBy: 'cfo@example.com', role: 'cfo' }] });
  expect(decided.status).toBe('written_off');
  const ledger = await rows<{ kind: string; amount_minor: number }>("SELECT kind, amount_minor FROM ledger_entries WHERE invoice_id = $1 AND kind = 'write_off'", [input.invoice.invoiceId]);
  expect(ledger).toEqual([{ kind: 'write_off', amount_minor: -9_000_000 }]);
});

test('cancel (invoice voided) ends collection cleanly', async () => {
  const input = await start({ dueInDays: 5 });
  const handle = handleOf(input);
  await env.sleep(4 * DAY); // the −3 reminder only
  await handle.signal(cancelInvoiceSignal, { reason: 'invoice voided' });
  expect((await handle.result()).status).toBe('cancelled');
  await env.sleep(40 * DAY);
  expect(emailsTo(input)).toHaveLength(1);
  const events = await rows<{ type: string; summary: string }>('SELECT type, summary FROM collection_events WHERE invoice_id = $1 ORDER BY event_id', [input.invoice.invoiceId]);
  expect(events.at(-1)).toEqual({ type: 'invoice_cancelled', summary: 'cancelled: invoice voided' });
});

test('a new invoice records its start and goes to sleep in one workflow task, with no activity task', async () => {
  const input = await start({ dueInDays: 30 });
  const handle = handleOf(input);
  let events: NonNullable<Awaited<ReturnType<typeof handle.fetchHistory>>['events']> = [];
  for (let tries = 0; !events.some((event) => event.timerStartedEventAttributes) && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    events = (await handle.fetchHistory()).events ?? [];
  }
  const untilAsleep = events.slice(0, events.findIndex((event) => event.timerStartedEventAttributes) + 1);
  expect(untilAsleep.filter((event) => event.workflowTaskCompletedEventAttributes)).toHaveLength(1);
  expect(untilAsleep.filter((event) => event.activityTaskScheduledEventAttributes)).toHaveLength(0);
  expect(untilAsleep.filter((event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toHaveLength(1);
  expect(await rows('SELECT summary FROM collection_events WHERE invoice_id = $1', [input.invoice.invoiceId]))
    .toEqual([{ summary: 'collection started at -30 days past due' }]);
  await handle.signal(cancelInvoiceSignal, { reason: 'issued in error' });
  expect((await handle.result()).status).toBe('cancelled');
});

test('a cancel that arrives with the start wins over the step due at start', async () => {
  const input = invoiceInput({ dueInDays: -40, now: await env.currentTimeMs() });
  await saveInvoice(db.pool, input);
  const handle = await env.client.workflow.signalWithStart(invoiceCollection, {
    workflowId: invoiceWorkflowId(input.invoice.invoiceId), taskQueue: TASK_QUEUE, args: [input],
    signal: cancelInvoiceSignal, signalArgs: [{ reason: 'issued in error' }],
  });
  expect((await handle.result()).status).toBe('cancelled');
  expect(await rows('SELECT 1 FROM tasks WHERE invoice_id = $1', [input.invoice.invoiceId])).toHaveLength(0);
});
