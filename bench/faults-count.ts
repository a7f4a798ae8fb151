/** The four figures of the faults benchmark, read at the end from the ledger, the read model, the workflows and the Resend stand-in. */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { invoiceStateQuery, invoiceWorkflowId } from '../workflows/invoice-collection/definitions';
import type { ReceivedEmail, ResendStandIn } from '../test/support/resend-stand-in';
import { INVOICE_AMOUNT_MINOR, type Traffic } from './faults-load';

export interface Figures {
  lostPayments: string[];
  /** Idempotency keys the stand-in accepted more than once (Resend answers the first message's id: one email reaches the customer). */
  keysAcceptedTwice: string[];
  /** Invoice steps (invoice and template) with accepted emails under more than one key: the customer got two. */
  stepsEmailedTwice: string[];
  staleReminders: string[];
  /** Accepted after the payment's ledger transaction began, but sent by a send that held the invoice's lock first: not stale. */
  racedReminders: string[];
  stuckWorkflows: string[];
  /** Invoices left owing with no email accepted: the reminder due at registration never went out. */
  owingWithoutEmail: string[];
}

const CONCURRENCY = 16;

async function eachInBatches<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(work));
}

function invoiceOf(email: ReceivedEmail): string {
  const to = [email.body.to].flat()[0] ?? '';
  return /^ap@(flt-\d+)\.example$/.exec(to)?.[1].toUpperCase() ?? to;
}

/** A payment is lost when it has no ledger row or the invoice's balance does not reflect it. */
async function lostPayments(db: Pool, traffic: Traffic): Promise<string[]> {
  const rows = await db.query<{ payment_id: string }>('SELECT payment_id FROM payments WHERE payment_id = ANY($1)', [traffic.payments.map((p) => p.paymentId)]);
  const recorded = new Set(rows.rows.map((row) => row.payment_id));
  const balances = new Map((await db.query<{ invoice_id: string; balance_minor: string }>('SELECT invoice_id, balance_minor FROM invoices')).rows
    .map((row) => [row.invoice_id, Number(row.balance_minor)]));
  return traffic.payments.filter((p) => !recorded.has(p.paymentId) || balances.get(p.invoiceId) !== INVOICE_AMOUNT_MINOR - p.amountMinor)
    .map((p) => `${p.paymentId}: ${recorded.has(p.paymentId) ? `balance ${balances.get(p.invoiceId)}` : 'no ledger row'}`);
}

function duplicates(resend: ResendStandIn): Pick<Figures, 'keysAcceptedTwice' | 'stepsEmailedTwice'> {
  const acceptedByKey = new Map<string, number>();
  for (const request of resend.requests) {
    if (request.acceptedAt !== undefined) acceptedByKey.set(request.idempotencyKey ?? '', (acceptedByKey.get(request.idempotencyKey ?? '') ?? 0) + 1);
  }
  const keysByStep = new Map<string, Set<string>>();
  for (const email of resend.delivered()) {
    const template = (email.body.tags as { name: string; value: string }[] | undefined)?.find((tag) => tag.name === 'template')?.value;
    const step = `${invoiceOf(email)} ${template}`;
    keysByStep.set(step, (keysByStep.get(step) ?? new Set()).add(email.idempotencyKey ?? ''));
  }
  return {
    keysAcceptedTwice: [...acceptedByKey].filter(([, n]) => n > 1).map(([key, n]) => `${key}: accepted ${n} times`),
    stepsEmailedTwice: [...keysByStep].filter(([, keys]) => keys.size > 1).map(([step, keys]) => `${step}: ${[...keys].join(', ')}`),
  };
}

/**
 * A reminder is stale when the provider accepted it after the payment was recorded and its send
 * began after the engine had answered the payment. A send holds the invoice's row lock from its
 * staleness check through the provider's answer and the payment's ledger write waits for that lock,
 * so a send whose first request came before the payment's answer checked the invoice before the
 * payment landed: it raced the payment, and is listed apart with its times.
 */
async function afterPayment(db: Pool, traffic: Traffic, resend: ResendStandIn, arrivals: Map<ReceivedEmail, number>): Promise<Pick<Figures, 'staleReminders' | 'racedReminders'>> {
  const recorded = new Map((await db.query<{ payment_id: string; at: string }>(
    'SELECT payment_id, (extract(epoch FROM recorded_at) * 1000)::float8 AS at FROM payments WHERE balance_after_minor = 0')).rows.map((row) => [row.payment_id, Number(row.at)]));
  const firstArrival = new Map<string, number>();
  for (const request of resend.requests) {
    const key = request.idempotencyKey ?? '';
    if (!firstArrival.has(key)) firstArrival.set(key, arrivals.get(request) ?? 0);
  }
  const stale: string[] = [];
  const raced: string[] = [];
  const emails = resend.delivered();
  for (const payment of traffic.payments) {
    const recordedAt = recorded.get(payment.paymentId);
    if (recordedAt === undefined || !payment.answer) continue;
    for (const email of emails.filter((e) => invoiceOf(e) === payment.invoiceId && (e.acceptedAt ?? 0) > recordedAt)) {
      const began = firstArrival.get(email.idempotencyKey ?? '') ?? 0;
      const times = `${email.idempotencyKey}: send began ${iso(began)}, accepted ${iso(email.acceptedAt ?? 0)}; payment recorded ${iso(recordedAt)}, answered ${iso(payment.answer.answeredAt)}`;
      (began > payment.answer.answeredAt ? stale : raced).push(times);
    }
  }
  return { staleReminders: stale, racedReminders: raced };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

/**
 * A workflow is stuck when it is not where its payments put it (paid in full: completed; otherwise
 * running), when the read model disagrees with the workflow's state query, or when a send is still
 * pending at quiescence.
 */
async function stuckWorkflows(db: Pool, client: Client, traffic: Traffic): Promise<string[]> {
  const rows = new Map((await db.query<{ invoice_id: string; status: string; balance_minor: string }>('SELECT invoice_id, status, balance_minor FROM invoices')).rows
    .map((row) => [row.invoice_id, { status: row.status, balance: Number(row.balance_minor) }]));
  const pending = new Set((await db.query<{ invoice_id: string }>("SELECT DISTINCT invoice_id FROM communications WHERE status = 'pending'")).rows.map((row) => row.invoice_id));
  const paid = new Map(traffic.payments.map((p) => [p.invoiceId, p.amountMinor]));
  const stuck: string[] = [];
  await eachInBatches([...traffic.registered.keys()], async (invoiceId) => {
    const row = rows.get(invoiceId);
    const balance = INVOICE_AMOUNT_MINOR - (paid.get(invoiceId) ?? 0);
    const expected = balance === 0 ? { run: 'COMPLETED', status: 'paid' } : { run: 'RUNNING', status: 'in_collection' };
    const handle = client.workflow.getHandle(invoiceWorkflowId(invoiceId));
    try {
      const run = (await handle.describe()).status.name;
      const problems: string[] = [];
      if (run !== expected.run) problems.push(`workflow ${run}, expected ${expected.run}`);
      if (row?.status !== expected.status || row.balance !== balance) problems.push(`read model ${row?.status} ${row?.balance}, expected ${expected.status} ${balance}`);
      if (run === 'RUNNING') {
        const state = await handle.query(invoiceStateQuery);
        if (state.status !== row?.status || state.balance.amountMinor !== row.balance) problems.push(`state query ${state.status} ${state.balance.amountMinor}, read model ${row?.status} ${row?.balance}`);
      }
      if (pending.has(invoiceId)) problems.push('a send still pending');
      if (problems.length > 0) stuck.push(`${invoiceId}: ${problems.join('; ')}`);
    } catch (error) {
      stuck.push(`${invoiceId}: ${String(error)}`);
    }
  });
  return stuck;
}

function owingWithoutEmail(traffic: Traffic, resend: ResendStandIn): string[] {
  const emailed = new Set(resend.delivered().map(invoiceOf));
  const paidInFull = new Set(traffic.payments.filter((p) => p.amountMinor === INVOICE_AMOUNT_MINOR).map((p) => p.invoiceId));
  return [...traffic.registered.keys()].filter((id) => !paidInFull.has(id) && !emailed.has(id));
}

export async function countFigures(db: Pool, client: Client, traffic: Traffic, resend: ResendStandIn, arrivals: Map<ReceivedEmail, number>): Promise<Figures> {
  return {
    lostPayments: await lostPayments(db, traffic),
    ...duplicates(resend),
    ...(await afterPayment(db, traffic, resend, arrivals)),
    stuckWorkflows: await stuckWorkflows(db, client, traffic),
    owingWithoutEmail: owingWithoutEmail(traffic, resend),
  };
}
