/**
 * Prints figures (not a test): what one open invoice costs the worker that keeps it in its sticky
 * cache, next to the bench's echo workflow (the SDK's own floor) in the same process: the RSS per
 * cached workflow, and the CPU its start and first workflow task took in the process (client and worker). The cache holds
 * `WORKER_MAX_CACHED_WORKFLOWS` of them, so this is the figure that sizes a worker.
 *
 *   npm run bench:memory                      (MEMORY_WORKFLOWS=1000)
 *
 * Each invoice is due in 20 days: its first task sets its timers and it sleeps, as a book of open
 * invoices does. Run with `--expose-gc` (the npm script does) so the figures are read after a collection.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { createActivities } from '../activities';
import { TemplateLibrary } from '../src/notices/template-library';
import { createCollectionsWorker, WORKFLOWS_PATH } from '../src/temporal/worker';
import { invoiceCollection } from '../workflows';
import { invoiceStateQuery, invoiceWorkflowId } from '../workflows/invoice-collection/definitions';
import { load, machine, reproduce } from './bench-machine';
import { benchInvoice } from './bench-invoices';
import { startServerAndLedger } from './server-stack';
import { echo, echoUpdate } from './echo-workflow';
import { quietTemporalLogs } from './quiet-logs';

const WORKFLOWS = Number(process.env.MEMORY_WORKFLOWS ?? 1000);
const IN_FLIGHT = 16;
const MiB = 2 ** 20;

// RSS, not the heap: the SDK runs workflows in worker threads, whose heaps the main thread's figures leave out.
interface Footprint { rssBytes: number; cpuMicros: number }

function footprint(): Footprint {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  collect?.();
  const { user, system } = process.cpuUsage();
  return { rssBytes: process.memoryUsage().rss, cpuMicros: user + system };
}

/** Runs `each(i)` for 0..n-1 with IN_FLIGHT at a time. */
async function inFlight(n: number, each: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < n) await each(next++);
  }));
}

/** Opens n workflows with `open(i)` and waits until each has answered `touch(i)`, which its worker answers from its cache. */
async function measure(label: string, n: number, open: (i: number) => Promise<unknown>, touch: (i: number) => Promise<unknown>): Promise<void> {
  const before = footprint();
  const started = Date.now();
  await inFlight(n, open);
  await inFlight(n, touch);
  const seconds = (Date.now() - started) / 1000;
  const after = footprint();
  const per = (bytes: number) => `${((bytes / n) / 1024).toFixed(0).padStart(6)} KiB`;
  console.log(`${label.padEnd(38)} rss ${per(after.rssBytes - before.rssBytes)}   cpu ${((after.cpuMicros - before.cpuMicros) / n / 1000).toFixed(1).padStart(5)} ms`
    + `   (${n} in ${seconds.toFixed(0)} s; rss now ${(after.rssBytes / MiB).toFixed(0)} MiB)   [${load()}]`);
}

async function main(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc) console.log('(no --expose-gc: figures include garbage of the main thread)');
  console.log(`workflow memory — ${new Date().toISOString()}; ${machine()}; ${load()}`);
  quietTemporalLogs();
  const { env, db, stop } = await startServerAndLedger();
  const client: Client = env.client;
  const activities = createActivities({ db, templates: new TemplateLibrary(), from: 'ar@example.com', companyName: 'Bench Co.', collectionsPhone: '+1 555 0100' });
  const [invoiceBundle, echoBundle] = await Promise.all([
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('ERROR') }),
    bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'echo-workflow.ts'), logger: new DefaultLogger('ERROR') }),
  ]);
  const cache = WORKFLOWS * 2 + 10;
  const worker = await createCollectionsWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue: 'bench-memory', activities, workflowBundle: invoiceBundle, maxCachedWorkflows: cache });
  const echoWorker = await Worker.create({ connection: env.nativeConnection, namespace: 'default', taskQueue: 'bench-memory-echo', workflowBundle: echoBundle, maxCachedWorkflows: cache });
  const running = Promise.all([worker.run(), echoWorker.run()]);
  try {
    const echoIds = Array.from({ length: WORKFLOWS }, () => `echo-${randomUUID()}`);
    await measure('echo workflow (the SDK floor)', WORKFLOWS,
      (i) => client.workflow.start(echo, { workflowId: echoIds[i]!, taskQueue: 'bench-memory-echo' }),
      (i) => client.workflow.getHandle(echoIds[i]!).executeUpdate(echoUpdate, { args: [i] }));
    const now = Date.now();
    const invoiceIds = Array.from({ length: WORKFLOWS }, () => `MEM-${randomUUID().slice(0, 8)}`);
    await measure('invoice, sleeping until its reminder', WORKFLOWS,
      (i) => client.workflow.start(invoiceCollection, { workflowId: invoiceWorkflowId(invoiceIds[i]!), taskQueue: 'bench-memory', args: [benchInvoice(invoiceIds[i]!, now, 20)] }),
      (i) => client.workflow.getHandle(invoiceWorkflowId(invoiceIds[i]!)).query(invoiceStateQuery));
    console.log(`\nreproduce: ${reproduce('bench:memory', { MEMORY_WORKFLOWS: WORKFLOWS })}`);
  } finally {
    worker.shutdown();
    echoWorker.shutdown();
    await running;
    await stop();
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
