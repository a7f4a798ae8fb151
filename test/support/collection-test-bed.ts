/**
 * Everything a workflow test needs on real parts: the time-skipping server, a fresh Postgres, the
 * Resend stand-in, and a worker running the real activities; plus ways to start invoices and read
 * what they did.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { saveInvoice } from '../../src/invoices/invoice-store';
import { startInvoiceCollection } from '../../src/invoices/start-collection';
import { ensureDefaultPolicy } from '../../src/policies/policy-store';
import { invoiceWorkflowId, type InvoiceCollectionInput } from '../../workflows/invoice-collection/definitions';
import { testWorker } from './collections-worker';
import { freshDatabase, type TestDatabase } from './database';
import { invoiceInput, type InvoiceOptions } from './invoice-fixtures';
import { startResendStandIn, type ResendStandIn } from './resend-stand-in';
import { timeSkippingEnvironment } from './temporal';

export const DAY = 86_400_000;

export interface CollectionTestBed {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  resend: ResendStandIn;
  /** Registers an invoice dated relative to the server's clock and starts its workflow. */
  start(options: Omit<InvoiceOptions, 'now'> & { historyEventLimit?: number }): Promise<InvoiceCollectionInput>;
  handleOf(input: InvoiceCollectionInput): ReturnType<TestWorkflowEnvironment['client']['workflow']['getHandle']>;
  /** Emails delivered for this invoice, as step ids (the last part of their idempotency keys; `<cause>/letter` for letters). */
  emailSteps(input: InvoiceCollectionInput): string[];
  rows<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]>;
  teardown(): Promise<void>;
}

export async function startCollectionTestBed(taskQueue: string): Promise<CollectionTestBed> {
  const [env, db, resend] = await Promise.all([timeSkippingEnvironment(), freshDatabase(), startResendStandIn()]);
  await ensureDefaultPolicy(db.pool);
  const worker: Worker = await testWorker(env.nativeConnection, taskQueue, db.pool, resend.baseUrl);
  const running = worker.run();
  return {
    env, db, resend,
    async start(options) {
      const input: InvoiceCollectionInput = { ...invoiceInput({ ...options, now: await env.currentTimeMs() }), historyEventLimit: options.historyEventLimit };
      await saveInvoice(db.pool, input);
      await startInvoiceCollection(env.client, taskQueue, input, await env.currentTimeMs());
      return input;
    },
    handleOf: (input) => env.client.workflow.getHandle(invoiceWorkflowId(input.invoice.invoiceId)),
    emailSteps: (input) => resend.delivered()
      .filter((email) => email.idempotencyKey?.startsWith(`${invoiceWorkflowId(input.invoice.invoiceId)}/`))
      .map((email) => {
        const parts = (email.idempotencyKey as string).split('/');
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
