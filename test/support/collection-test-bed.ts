/**
 * Everything a workflow test needs on real parts: the time-skipping server, a fresh Postgres, the
 * Resend stand-in, and a worker running the real activities; plus ways to start invoices and read
 * what they did.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { saveInvoice } from '../../src/invoices/invoice-store';
import { startInvoiceCollection } from '../../src/invoices/start-collection';
import { ensureDefaultPolicy } from '../../src/policies/policy-store';
import { customerOutreachWorkflowId } from '../../workflows/customer-outreach/definitions';
import { invoiceWorkflowId, type InvoiceCollectionInput } from '../../workflows/invoice-collection/definitions';
import { testActivities, testWorker, type NoticeTimings } from './collections-worker';
import { freshDatabase, type TestDatabase } from './database';
import { EVERY_DAY_POLICY, invoiceInput, type InvoiceOptions } from './invoice-fixtures';
import { startResendStandIn, type ResendStandIn } from './resend-stand-in';
import { timeSkippingEnvironment } from './temporal';

export const DAY = 86_400_000;

export interface CollectionTestBed {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  resend: ResendStandIn;
  /** Registers an invoice dated relative to the server's clock and starts its workflow. */
  start(options: Omit<InvoiceOptions, 'now'> & { historyEventLimit?: number; settle?: boolean }): Promise<InvoiceCollectionInput>;
  handleOf(input: InvoiceCollectionInput): ReturnType<TestWorkflowEnvironment['client']['workflow']['getHandle']>;
  /** Emails delivered for this invoice, as step ids (the last part of their idempotency keys; `<cause>/letter` for letters, `resumed/<step>` for a notice sent when contact resumed). */
  emailSteps(input: InvoiceCollectionInput): string[];
  rows<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]>;
  teardown(): Promise<void>;
}

/** Event types after which a workflow is still busy: a workflow task or an activity scheduled or started. */
const BUSY_EVENT_TYPES = new Set([5, 6, 10, 11]);

/** Whether a workflow is parked: its last history event is not a workflow task or activity in progress. */
async function parked(handle: WorkflowHandle): Promise<boolean> {
  const { events } = await handle.fetchHistory();
  const last = events?.at(-1)?.eventType;
  return last !== undefined && last !== null && !BUSY_EVENT_TYPES.has(Number(last));
}

/** The customer's outreach workflow of an invoice's workflow, read from the invoice's start input (none for other workflows). */
async function outreachOf(handle: WorkflowHandle): Promise<WorkflowHandle | undefined> {
  const { events } = await handle.fetchHistory();
  const payload = events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
  if (!payload) return undefined;
  const input = JSON.parse(Buffer.from(payload).toString()) as { customer?: { customerId?: string } };
  const customerId = input.customer?.customerId;
  if (!customerId) return undefined;
  const outreach = handle.client.getHandle(customerOutreachWorkflowId(customerId));
  return outreach.describe().then(() => outreach, () => undefined);
}

/**
 * Waits until the workflow is parked, twice in a row, and with it the customer's outreach workflow
 * that sends its messages (a notice the invoice asked for has then gone out or been withheld).
 */
export async function settled(handle: WorkflowHandle): Promise<void> {
  let outreach: WorkflowHandle | undefined;
  let quietPolls = 0;
  for (let attempt = 0; attempt < 400; attempt += 1) {
    outreach ??= await outreachOf(handle); // started by the invoice's first request to contact the customer
    const quiet = (await parked(handle)) && (!outreach || (await parked(outreach)));
    quietPolls = quiet ? quietPolls + 1 : 0;
    if (quietPolls >= 2) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the workflow did not settle within 10 s');
}

/** How a test bed's worker differs from the default: shorter notice timings, or activities wrapped to block or observe. */
export interface TestBedOptions {
  timings?: NoticeTimings;
  wrapActivities?: (real: ReturnType<typeof testActivities>) => ReturnType<typeof testActivities>;
}

export async function startCollectionTestBed(taskQueue: string, options: TestBedOptions = {}): Promise<CollectionTestBed> {
  const [env, db, resend] = await Promise.all([timeSkippingEnvironment(), freshDatabase(), startResendStandIn()]);
  // Stored as the default too (a plan reads its policy from the store): contact any day and hour, whatever the clock says.
  await ensureDefaultPolicy(db.pool, EVERY_DAY_POLICY);
  const worker: Worker = await testWorker(env.nativeConnection, taskQueue, db.pool, resend.baseUrl, options.timings, options.wrapActivities);
  const running = worker.run();
  return {
    env, db, resend,
    async start(options) {
      const input: InvoiceCollectionInput = { ...invoiceInput({ ...options, now: await env.currentTimeMs() }), historyEventLimit: options.historyEventLimit };
      await saveInvoice(db.pool, input);
      await startInvoiceCollection(env.client, taskQueue, input, await env.currentTimeMs());
      // What the start does (a notice for a late start) finishes first, as it would before anyone reacts to it.
      if (options.settle !== false) await settled(env.client.workflow.getHandle(invoiceWorkflowId(input.invoice.invoiceId)));
      return input;
    },
    handleOf: (input) => env.client.workflow.getHandle(invoiceWorkflowId(input.invoice.invoiceId)),
    emailSteps: (input) => resend.delivered()
      .filter((email) => email.idempotencyKey?.startsWith(`${invoiceWorkflowId(input.invoice.invoiceId)}/`))
      .map((email) => {
        const parts = (email.idempotencyKey as string).split('/');
        if (parts[1] === 'resumed') return `resumed/${parts[2]}`; // a missed notice sent when contact resumed
        return parts.at(-1) === 'letter' ? parts.slice(-2).join('/') : parts.at(-1) as string;
      }),
    rows: async (sql, params) => (await db.pool.query(sql, params)).rows,
    async teardown() {
      worker.shutdown();
      await running;
      await Promise.all([env.teardown(), db.drop(), resend.close()]);
    },
  };
}
