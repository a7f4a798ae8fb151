/**
 * Prints figures (not a test): payment → new balance (`POST /v1/invoices/{id}/payments`, the
 * `recordPayment` update) p50/p99 one at a time and concurrently, next to a bare update round trip
 * against a trivial workflow on the same server in the same run (the dev server, or the deployed
 * server with BENCH_SERVER=cluster); then splits the payment's time
 * into stages read from the histories' event times, to show where its floor comes from.
 *
 *   npm run bench:signal      (BENCH_PAYMENTS=100 BENCH_CONCURRENCY=16 to change the load, BENCH_SERVER=cluster)
 */
import type { WorkflowHandle } from '@temporalio/client';
import { saveInvoice } from '../src/invoices/invoice-store';
import { startInvoiceCollection } from '../src/invoices/start-collection';
import { invoiceWorkflowId, recordPaymentUpdate } from '../workflows/invoice-collection/definitions';
import { load, machine, reproduce } from './bench-machine';
import { cpuBetween, cpuByProcess, formatPerOperation } from './process-cpu';
import { benchInvoice } from './bench-invoices';
import { ECHO_TASK_QUEUE, SERVER_NAME, SERVER_SETTING, startServerStack, TASK_QUEUE, type ServerStack } from './server-stack';
import { echo, echoUpdate } from './echo-workflow';
import { percentile, timed } from './latency';
import { medianStages, updateStages, type Stage } from './update-stages';

const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const payment = (n: number) => ({ paymentId: `PAY-${n}`, amount: { amountMinor: 1_000, currency: 'USD' } });

/** When each request of a one-at-a-time series was sent and answered (epoch ms, the server's clock is the same machine's). */
type Timings = Map<string, { sentAt: number; answeredAt: number }>;

/** Registers `count` invoices due in 20 days (nothing to send for a while) and waits until each has started collecting. */
async function registerInvoices(stack: ServerStack, count: number): Promise<void> {
  const now = Date.now();
  for (let i = 0; i < count; i += 1) {
    const input = benchInvoice(`SIG-${i}`, now, 20);
    await saveInvoice(stack.db, input);
    await startInvoiceCollection(stack.env.client, TASK_QUEUE, input, now);
  }
  const started = async () => Number((await stack.db.query(`SELECT count(*) FROM collection_events WHERE type = 'collection_started'`)).rows[0].count);
  while (await started() < count) await new Promise((resolve) => setTimeout(resolve, 250));
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // their first timers set, the engine quiet
}

function line(label: string, latencies: number[], concurrency: number): void {
  console.log(`${label.padEnd(47)} min ${latencies[0].toFixed(1).padStart(6)} ms   p50 ${percentile(latencies, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(latencies, 99).toFixed(1).padStart(6)} ms   (${latencies.length}, concurrency ${concurrency})   [${load()}]`);
}

function printStages(title: string, median: { stages: Stage[]; runs: number }): void {
  console.log(`\n${title}: median of each stage over ${median.runs} updates   [${load()}]`);
  for (const stage of median.stages) console.log(`  ${stage.ms.toFixed(1).padStart(7)} ms  ${stage.label}`);
  console.log(`  ${median.stages.reduce((sum, stage) => sum + stage.ms, 0).toFixed(1).padStart(7)} ms  sum`);
}

/** Stages of every one-at-a-time payment, each invoice's history holding exactly one. */
async function paymentStages(stack: ServerStack, timings: Timings): Promise<Stage[][]> {
  return Promise.all([...timings].map(async ([invoiceId, { sentAt, answeredAt }]) => {
    const { events } = await stack.env.client.workflow.getHandle(invoiceWorkflowId(invoiceId)).fetchHistory();
    return updateStages(events ?? [], sentAt, answeredAt);
  }));
}

async function main(): Promise<void> {
  console.log(`signal path — ${new Date().toISOString()}; ${SERVER_NAME}; ${machine()}; ${load()}`);
  const activityRuns: { workflowId: string; startedAt: number; endedAt: number }[] = [];
  const stack = await startServerStack((real) => ({
    ...real,
    // Timed inside the worker, to check the history's activity times against what the activity saw.
    async postPayment(...args: Parameters<typeof real.postPayment>) {
      const startedAt = Date.now();
      try { return await real.postPayment(...args); } finally { activityRuns.push({ workflowId: args[0].invoiceId, startedAt, endedAt: Date.now() }); }
    },
  }));
  try {
    await registerInvoices(stack, 3 * PAYMENTS + 10);
    const echoes: WorkflowHandle[] = await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) =>
      stack.env.client.workflow.start(echo, { workflowId: `echo-${i}`, taskQueue: ECHO_TASK_QUEUE })));
    const echoOnce = (n: number) => echoes[n % echoes.length].executeUpdate(echoUpdate, { args: [n], updateId: `echo-${n}` });
    // Warm-up: connections, workflow caches, the API's prepared paths.
    for (let i = 0; i < 10; i += 1) { await echoOnce(100_000 + i); await stack.post(`/invoices/SIG-${3 * PAYMENTS + i}/payments`, payment(100_000 + i)); }

    const echoTimings: Timings = new Map();
    const httpTimings: Timings = new Map();
    const clientTimings: Timings = new Map();
    const record = async (timings: Timings, key: string, work: () => Promise<unknown>) => {
      const sentAt = Date.now();
      await work();
      timings.set(key, { sentAt, answeredAt: Date.now() });
    };
    // CPU of each process (the worker, API and clients are this one) while each one-at-a-time round ran.
    const cpu: [string, ReturnType<typeof cpuBetween>][] = [];
    const cpuOf = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
      const before = cpuByProcess();
      const result = await work();
      cpu.push([label, cpuBetween(before, cpuByProcess())]);
      return result;
    };
    const echoSequential = await cpuOf('bare update', () => timed(PAYMENTS, 1, (i) => record(echoTimings, `echo-${i}`, () => echoOnce(i))));
    const httpSequential = await cpuOf('payment via HTTP', () => timed(PAYMENTS, 1, (i) => record(httpTimings, `SIG-${i}`, () => stack.post(`/invoices/SIG-${i}/payments`, payment(i)))));
    const clientSequential = await cpuOf('payment via client', () => timed(PAYMENTS, 1, (i) => record(clientTimings, `SIG-${PAYMENTS + i}`, () =>
      stack.env.client.workflow.getHandle(invoiceWorkflowId(`SIG-${PAYMENTS + i}`)).executeUpdate(recordPaymentUpdate, { args: [payment(PAYMENTS + i)] }))));
    const echoConcurrent = await timed(PAYMENTS, CONCURRENCY, async (i) => { await echoOnce(PAYMENTS + i); });
    const httpConcurrent = await timed(PAYMENTS, CONCURRENCY, async (i) => { await stack.post(`/invoices/SIG-${2 * PAYMENTS + i}/payments`, payment(2 * PAYMENTS + i)); });

    console.log('');
    line('bare update (echo workflow), one at a time', echoSequential, 1);
    line('payment -> new balance via HTTP, one at a time', httpSequential, 1);
    line('payment update via client (no HTTP)', clientSequential, 1);
    line('bare update (echo workflow), concurrent', echoConcurrent, CONCURRENCY);
    line('payment -> new balance via HTTP, concurrent', httpConcurrent, CONCURRENCY);
    for (const [label, used] of cpu) console.log(`  CPU per ${label.padEnd(19)} ${formatPerOperation(used, PAYMENTS)}`);
    console.log(`payment (HTTP) / bare update, p50: one at a time ${(percentile(httpSequential, 50) / percentile(echoSequential, 50)).toFixed(2)}, concurrent ${(percentile(httpConcurrent, 50) / percentile(echoConcurrent, 50)).toFixed(2)}`);

    const echoHistories = new Map(await Promise.all(echoes.map(async (handle) => [handle.workflowId, (await handle.fetchHistory()).events ?? []] as const)));
    const echoStages = [...echoTimings].map(([updateId, { sentAt, answeredAt }]) =>
      updateStages(echoHistories.get(`echo-${Number(updateId.slice(5)) % echoes.length}`) ?? [], sentAt, answeredAt, updateId));
    printStages('bare update, one at a time', medianStages(echoStages));
    const httpStages = medianStages(await paymentStages(stack, httpTimings));
    printStages('payment via HTTP, one at a time', httpStages);
    printStages('payment via client, one at a time', medianStages(await paymentStages(stack, clientTimings)));
    explain(httpStages.stages, medianStages(echoStages).stages, activityRuns);
  } finally {
    await stack.teardown();
  }
  console.log(`\nreproduce: ${reproduce('bench:signal', { BENCH_PAYMENTS: PAYMENTS, BENCH_CONCURRENCY: CONCURRENCY, ...SERVER_SETTING })}`);
}

/** Sums the median stages whose label matches. */
function sum(stages: Stage[], matches: (label: string) => boolean): number {
  return stages.filter((stage) => matches(stage.label)).reduce((total, stage) => total + stage.ms, 0);
}

/**
 * Says where the payment's floor comes from: a timer, a poll or batching interval would show as a
 * wait between the server and the worker; work shows as workflow tasks and the activity.
 */
function explain(payment: Stage[], bare: Stage[], activityRuns: { startedAt: number; endedAt: number }[]): void {
  const total = sum(payment, () => true);
  const tasks = payment.filter((stage) => stage.label === 'workflow task started → workflow task completed');
  const inside = activityRuns.map((run) => run.endedAt - run.startedAt).sort((a, b) => a - b);
  const waits = sum(payment, (label) => / scheduled.* → .*started/.test(label));
  const longestWait = Math.max(...payment.filter((stage) => / scheduled.* → .*started/.test(stage.label)).map((stage) => stage.ms));
  console.log(`\nwhere the payment's ${total.toFixed(1)} ms go (medians, one at a time)   [${load()}]`);
  console.log(`  ${sum(payment, (label) => label.startsWith('client sends')).toFixed(1).padStart(6)} ms  the API before the update reaches the server (key check, invoice and payment reads)`);
  console.log(`  ${sum(tasks, () => true).toFixed(1).padStart(6)} ms  ${tasks.length} workflow tasks run by the worker (${tasks.map((stage) => stage.ms.toFixed(1)).join(' + ')}); the bare update needs one: ${sum(bare, (label) => label === 'workflow task started → workflow task completed').toFixed(1)} ms`);
  const activityTask = sum(payment, (label) => label.startsWith('activity started'));
  console.log(activityTask > 0
    ? `  ${activityTask.toFixed(1).padStart(6)} ms  the postPayment activity task (the ledger write; ${percentile(inside, 50).toFixed(1)} ms inside the activity itself)`
    : `           the ledger write runs as a local activity inside the workflow task above (${inside.length > 0 ? `${percentile(inside, 50).toFixed(1)} ms of it` : 'timed only with the worker in this process'})`);
  console.log(`  ${waits.toFixed(1).padStart(6)} ms  waiting to be picked up (task scheduled → started), at most ${longestWait.toFixed(1)} ms at any one step`);
  console.log(`  ${sum(payment, (label) => label.startsWith('update completed')).toFixed(1).padStart(6)} ms  the answer back to the client`);
  console.log('  no timer starts or fires inside the update, and no hand-off waits for a poll or batch interval: the floor is the path\'s shape');
  console.log(tasks.length > 1
    ? '  (an update that schedules an activity needs two workflow tasks and an activity round trip in a row) times what each task costs here'
    : '  (one workflow task, as the bare update, which also writes the ledger) times what the task costs here');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
