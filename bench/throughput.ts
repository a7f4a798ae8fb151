/**
 * Prints figures (not a test): invoices registered per second through the HTTP API next to raw
 * workflow starts per second through the Temporal client in the same run, and payment-to-new-balance
 * latency (a 180-day invoice's history and cost: npm run bench:cost).
 *
 *   npm run bench                      (BENCH_INVOICES=500 BENCH_CONCURRENCY=16 to change the load, BENCH_SERVER=cluster)
 */
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { TemplateLibrary } from '../src/notices/template-library';
import { addDays, isoDateOf } from '../src/domain/calendar';
import { DEFAULT_POLICY } from '../src/domain/policy/default-policy';
import { saveInvoice } from '../src/invoices/invoice-store';
import { startInvoiceCollection } from '../src/invoices/start-collection';
import { createCollectionsWorker } from '../src/temporal/worker';
import { load, machine, reproduce } from './bench-machine';
import { SERVER_NAME, SERVER_SETTING, serveApi, startServerAndLedger } from './server-stack';
import { cpuBetween, cpuByProcess, formatPerOperation, sumCpu } from './process-cpu';
import type { InvoiceCollectionInput } from '../workflows/invoice-collection/definitions';

const INVOICES = Number(process.env.BENCH_INVOICES ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PAYMENTS = Math.min(INVOICES, Number(process.env.BENCH_PAYMENTS ?? 200));
const TASK_QUEUE = 'bench';

/** Runs `work` for 0..count-1 with at most `concurrency` in flight; returns elapsed ms. */
async function pool(count: number, concurrency: number, work: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await work(next++);
  }));
  return performance.now() - started;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function invoice(prefix: string, index: number): InvoiceCollectionInput {
  const today = isoDateOf(Date.now());
  return {
    invoice: { invoiceId: `${prefix}-${index}`, invoiceNumber: `${prefix}-${index}`, amount: { amountMinor: 100_000 + index, currency: 'USD' }, dueDate: addDays(today, 20) },
    customer: { customerId: `C-${index % 50}`, name: `Customer ${index % 50}`, email: `ap${index % 50}@example.com`, segment: 'smb', riskTier: 'green' },
    policy: DEFAULT_POLICY,
  };
}

async function throughputAndLatency(): Promise<void> {
  const { env, db, stop } = await startServerAndLedger();
  const activities = createActivities({ db, templates: new TemplateLibrary(), from: 'ar@example.com', companyName: 'Bench Co.', collectionsPhone: '+1 555 0100' });
  const { post, close } = await serveApi(db, env.client, TASK_QUEUE);
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  try {
    await post('/invoices', { ...invoice('WARM', 0).invoice, customer: invoice('WARM', 0).customer });

    // The two paths are timed with no worker polling, so neither pays for the other's workflows on
    // these two cores; they alternate (API, raw, raw, API) so neither always goes first.
    const timings = { api: 0, raw: 0 };
    // CPU used by each process while each path was timed, summed over its two rounds.
    const cpu: Record<'api' | 'raw', ReturnType<typeof cpuBetween>[]> = { api: [], raw: [] };
    const half = Math.ceil(INVOICES / 2);
    const registerThroughApi = async (round: number) => {
      const before = cpuByProcess();
      timings.api += await pool(half, CONCURRENCY, async (i) => {
        const { invoice: inv, customer } = invoice(`API${round}`, i);
        await post('/invoices', { ...inv, customer });
      });
      cpu.api.push(cpuBetween(before, cpuByProcess()));
    };
    const startRaw = async (round: number) => {
      const raw = Array.from({ length: half }, (_, i) => invoice(`RAW${round}`, i));
      for (const input of raw) await saveInvoice(db, input); // not timed: the raw figure is Temporal alone
      const before = cpuByProcess();
      timings.raw += await pool(half, CONCURRENCY, async (i) => { await startInvoiceCollection(env.client, TASK_QUEUE, raw[i]); });
      cpu.raw.push(cpuBetween(before, cpuByProcess()));
    };
    await registerThroughApi(1);
    await startRaw(1);
    await startRaw(2);
    await registerThroughApi(2);

    worker = await createCollectionsWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue: TASK_QUEUE, activities });
    running = worker.run();
    const total = half * 4 + 1;
    while (Number((await db.query(`SELECT count(*) FROM collection_events WHERE type = 'collection_started'`)).rows[0].count) < total) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const measurePayments = async (concurrency: number, offset: number) => {
      const latencies: number[] = [];
      await pool(PAYMENTS / 2, concurrency, async (i) => {
        const n = offset + i;
        const started = performance.now();
        await post(`/invoices/API${n < half ? 1 : 2}-${n % half}/payments`, { paymentId: `PAY-${n}`, amount: { amountMinor: 1_000, currency: 'USD' } });
        latencies.push(performance.now() - started);
      });
      return latencies.sort((a, b) => a - b);
    };
    const sequential = await measurePayments(1, 0);
    const concurrent = await measurePayments(CONCURRENCY, PAYMENTS / 2);

    const apiRate = (half * 2) / (timings.api / 1000);
    const rawRate = (half * 2) / (timings.raw / 1000);
    console.log(`invoices registered via API     ${apiRate.toFixed(1)} /s   (${half * 2} invoices, concurrency ${CONCURRENCY}, ${(timings.api / 1000).toFixed(2)} s)`);
    console.log(`raw workflow starts via client  ${rawRate.toFixed(1)} /s   (${half * 2} starts, ${(timings.raw / 1000).toFixed(2)} s)`);
    console.log(`API / raw ratio                 ${(apiRate / rawRate).toFixed(2)}`);
    for (const path of ['api', 'raw'] as const) {
      console.log(`  CPU per ${path === 'api' ? 'registration' : 'raw start   '}  ${formatPerOperation(sumCpu(cpu[path]), half * 2)}`);
    }
    for (const [label, latencies, concurrency] of [['one at a time', sequential, 1], ['concurrent', concurrent, CONCURRENCY]] as const) {
      console.log(`payment -> new balance latency  p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms   (${latencies.length} payments, ${label}, concurrency ${concurrency})`);
    }
  } finally {
    await close();
    worker?.shutdown();
    await running;
    await stop();
  }
}

async function main(): Promise<void> {
  console.log(`collections engine benchmark — ${new Date().toISOString()}; ${SERVER_NAME}; ${machine()}; ${load()}`);
  await throughputAndLatency();
  console.log('history and billable actions of a 180-day invoice: npm run bench:cost');
  console.log(`peak RSS of this process         ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  console.log(`\nreproduce: ${reproduce('bench', { BENCH_INVOICES: INVOICES, BENCH_CONCURRENCY: CONCURRENCY, BENCH_PAYMENTS: PAYMENTS, ...SERVER_SETTING })}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
