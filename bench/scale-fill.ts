/**
 * Fills the engine with N invoices the way registration does, faster: registration saves the
 * customer and the invoice row (saveInvoice) and then starts the workflow (startInvoiceCollection).
 * Here the rows of a batch go in with one INSERT per table, the very columns saveInvoice writes, and
 * each workflow is started by startInvoiceCollection itself, with the input registration builds
 * (the invoice, the customer, the policy as latestPolicy reads it), many starts in flight at once.
 * Rows are saved just before their batch is started, as registration does, so the worker's
 * reconciliation (rows older than a minute with no workflow) does not start them itself.
 */
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { addDays, isoDateOf } from '../src/domain/calendar';
import type { CollectionsPolicy } from '../src/domain/policy/schema';
import { registrationHash } from '../src/invoices/invoice-store';
import { startInvoiceCollection } from '../src/invoices/start-collection';
import { invoiceWorkflowId, type InvoiceCollectionInput } from '../workflows/invoice-collection/definitions';
import { load } from './bench-machine';

const BATCH = 500;
/** Overdue by this many days: the policy's 7-day reminder is the step that applies at the start. */
const DAYS_OVERDUE = 8;
/** Sleeping only: due this many days ahead, so each invoice records its start and sleeps until its first reminder. */
const DAYS_AHEAD = 30;

export interface FillPlan {
  invoices: number;
  perCustomer: number;
  /** Starts in flight at once. */
  concurrency: number;
  policy: CollectionsPolicy;
  taskQueue: string;
  /** Due weeks ahead (every invoice sleeps at once) instead of overdue (every invoice hands a reminder to its outreach). */
  sleeping?: boolean;
}

export interface Fill {
  startedAt: number;
  /** When the last start was acknowledged by the server. */
  endedAt: number;
  started: number;
  /** Starts answered "already started" (none expected). */
  alreadyStarted: number;
  /** Start attempts retried after an error, by error message. */
  retries: Map<string, number>;
}

/** Invoice `index` (0-based): five to a customer by default, amounts spread a little. */
export function scaleInvoice(index: number, plan: Pick<FillPlan, 'perCustomer' | 'policy' | 'sleeping'>, now: number): InvoiceCollectionInput {
  const id = `SCL-${String(index + 1).padStart(6, '0')}`;
  const customer = String(Math.floor(index / plan.perCustomer) + 1).padStart(6, '0');
  const dueDate = addDays(isoDateOf(now), plan.sleeping ? DAYS_AHEAD : -DAYS_OVERDUE);
  return {
    invoice: {
      invoiceId: id,
      invoiceNumber: `S-${String(index + 1).padStart(6, '0')}`,
      amount: { amountMinor: 50_000 + (index % 97) * 1_000, currency: 'USD' },
      issueDate: addDays(dueDate, -30),
      dueDate,
      paymentLink: `https://pay.example.com/${id}`,
    },
    customer: { customerId: `SCL-C${customer}`, name: `Scale Customer ${customer}`, email: `ap+${customer}@scale.example`, segment: 'smb', riskTier: 'yellow' },
    policy: plan.policy,
  };
}

/** The customers and invoice rows of a batch, as saveInvoice writes them one at a time. */
async function saveBatch(db: Pool, inputs: InvoiceCollectionInput[]): Promise<void> {
  const customers = [...new Map(inputs.map((input) => [input.customer.customerId, input.customer])).values()];
  await db.query(
    `INSERT INTO customers (customer_id, name, email, segment, risk_tier)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) ON CONFLICT (customer_id) DO NOTHING`,
    [customers.map((c) => c.customerId), customers.map((c) => c.name), customers.map((c) => c.email ?? null), customers.map((c) => c.segment), customers.map((c) => c.riskTier)],
  );
  const column = <T>(pick: (input: InvoiceCollectionInput) => T) => inputs.map(pick);
  await db.query(
    `INSERT INTO invoices (invoice_id, customer_id, invoice_number, currency, amount_minor, issue_date, due_date, payment_link,
       policy_id, policy_version, workflow_id, registration_hash, balance_minor, customer_snapshot)
     SELECT i, c, n, cur, amt, issued, due, link, pid, pv, wid, hash, amt, snap::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::date[], $7::date[], $8::text[],
                   $9::text[], $10::int[], $11::text[], $12::text[], $13::text[])
         AS t(i, c, n, cur, amt, issued, due, link, pid, pv, wid, hash, snap)
     ON CONFLICT (invoice_id) DO NOTHING`,
    [column((x) => x.invoice.invoiceId), column((x) => x.customer.customerId), column((x) => x.invoice.invoiceNumber), column((x) => x.invoice.amount.currency),
      column((x) => x.invoice.amount.amountMinor), column((x) => x.invoice.issueDate ?? null), column((x) => x.invoice.dueDate), column((x) => x.invoice.paymentLink ?? null),
      column((x) => x.policy.policyId), column((x) => x.policy.version), column((x) => invoiceWorkflowId(x.invoice.invoiceId)), column((x) => registrationHash(x)),
      column((x) => JSON.stringify(x.customer))],
  );
}

/** A start that failed for a passing reason (the server busy, a connection reset) is tried again, a few times. */
async function startWithRetries(client: Client, taskQueue: string, input: InvoiceCollectionInput, retries: Map<string, number>): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startInvoiceCollection(client, taskQueue, input);
    } catch (error) {
      if (attempt >= 5) throw error;
      const reason = error instanceof Error ? error.message.slice(0, 80) : String(error);
      retries.set(reason, (retries.get(reason) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
    }
  }
}

export async function fill(db: Pool, client: Client, plan: FillPlan): Promise<Fill> {
  const startedAt = Date.now();
  const batches = new Map<number, Promise<InvoiceCollectionInput[]>>();
  // A batch's rows are saved once, by the first start that needs them; the next batch is saved meanwhile.
  const batch = (number: number): Promise<InvoiceCollectionInput[]> => {
    let saved = batches.get(number);
    if (!saved) {
      const inputs = Array.from({ length: Math.max(0, Math.min(BATCH, plan.invoices - number * BATCH)) }, (_, k) => scaleInvoice(number * BATCH + k, plan, startedAt));
      saved = saveBatch(db, inputs).then(() => inputs);
      batches.set(number, saved);
      if (number > 0) batches.delete(number - 2);
    }
    return saved;
  };
  const result: Fill = { startedAt, endedAt: startedAt, started: 0, alreadyStarted: 0, retries: new Map() };
  let next = 0;
  let reported = 0;
  await Promise.all(Array.from({ length: plan.concurrency }, async () => {
    while (next < plan.invoices) {
      const index = next++;
      const inputs = await batch(Math.floor(index / BATCH));
      if (index % BATCH === 0 && index + BATCH < plan.invoices) void batch(index / BATCH + 1).catch(() => undefined);
      if (await startWithRetries(client, plan.taskQueue, inputs[index % BATCH], result.retries)) result.started++;
      else result.alreadyStarted++;
      const done = result.started + result.alreadyStarted;
      if (done - reported >= plan.invoices / 10) {
        reported = done;
        console.log(`  ${done} started in ${((Date.now() - startedAt) / 1000).toFixed(0)} s   [${load()}]`);
      }
    }
  }));
  result.endedAt = Date.now();
  return result;
}
