/**
 * Records workflow histories for the replay tests: runs scenarios on the time-skipping server with
 * the real activities (embedded Postgres, outbox email) and writes each history to
 * test/replay/histories/<workflow>-<scenario>.json. Run it before changing workflow code, then keep
 * the files: they prove that running workflows still replay after the change.
 *
 *   npx tsx scripts/record-histories.ts
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities';
import { TemplateLibrary } from '../src/notices/template-library';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { migrateUp } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import { saveInvoice } from '../src/invoices/invoice-store';
import { startInvoiceCollection } from '../src/invoices/start-collection';
import { ensureDefaultPolicy } from '../src/policies/policy-store';
import { registerSearchAttributes } from '../src/temporal/search-attributes';
import { ensureTestServer } from '../src/temporal/toolchain';
import { createCollectionsWorker } from '../src/temporal/worker';
import {
  cancelInvoiceSignal, invoiceWorkflowId, recordPaymentUpdate, writeOffDecisionSignal, type InvoiceCollectionInput,
} from '../workflows/invoice-collection/definitions';
import { invoiceInput } from '../test/support/invoice-fixtures';

const OUT = path.join(__dirname, '..', 'test', 'replay', 'histories');
const TASK_QUEUE = 'record-histories';
const DAY = 86_400_000;

type Scenario = (env: TestWorkflowEnvironment, start: (dueInDays: number) => Promise<WorkflowHandle>) => Promise<WorkflowHandle>;

/** Each scenario drives one invoice through a path and returns its handle once the workflow is closed. */
const SCENARIOS: Record<string, Scenario> = {
  'full-life-written-off': async (env, start) => {
    const handle = await start(5);
    await env.sleep(185 * DAY);
    await handle.signal(writeOffDecisionSignal, { approved: true, decidedBy: 'controller@example.com', note: 'uncollectible' });
    return handle;
  },
  'partial-payments-then-paid': async (env, start) => {
    const handle = await start(-10);
    const pay = (paymentId: string, amountMinor: number) =>
      handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId, amount: { amountMinor, currency: 'USD' } }] });
    await pay('p-1', 25_000);
    await pay('p-1', 25_000);
    await env.sleep(20 * DAY);
    await pay('p-2', 120_000);
    return handle;
  },
  'late-start-declined-review-cancelled': async (env, start) => {
    const handle = await start(-200);
    await env.sleep(DAY);
    await handle.signal(writeOffDecisionSignal, { approved: false, decidedBy: 'controller@example.com' });
    await env.sleep(10 * DAY);
    await handle.signal(cancelInvoiceSignal, { reason: 'invoice reissued' });
    return handle;
  },
};

async function main(): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'record-histories-'));
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: 54400 + Math.floor(Math.random() * 500), persistent: false });
  const testServer = await ensureTestServer();
  const env = await TestWorkflowEnvironment.createTimeSkipping(testServer ? { server: { executable: { type: 'existing-path', path: testServer } } } : undefined);
  const db = createPool(postgres.urlFor('postgres'));
  try {
    await migrateUp(postgres.urlFor('postgres'));
    await ensureDefaultPolicy(db);
    await registerSearchAttributes(env.connection, 'default');
    const activities = createActivities({ db, templates: new TemplateLibrary(), from: 'ar@example.com', companyName: 'Example Co.', collectionsPhone: '+1 555 0100' });
    const worker = await createCollectionsWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue: TASK_QUEUE, activities });
    await worker.runUntil(async () => {
      for (const [name, scenario] of Object.entries(SCENARIOS)) {
        const start = async (dueInDays: number) => {
          const input: InvoiceCollectionInput = invoiceInput({ now: await env.currentTimeMs(), dueInDays });
          await saveInvoice(db, input);
          await startInvoiceCollection(env.client, TASK_QUEUE, input, await env.currentTimeMs());
          return env.client.workflow.getHandle(invoiceWorkflowId(input.invoice.invoiceId));
        };
        const handle = await scenario(env, start);
        await handle.result();
        const file = path.join(OUT, `invoice-collection-${name}.json`);
        writeFileSync(file, `${historyToJSON(await handle.fetchHistory())}\n`);
        process.stdout.write(`recorded ${path.relative(process.cwd(), file)}\n`);
      }
    });
  } finally {
    await db.end();
    await env.teardown();
    await postgres.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
