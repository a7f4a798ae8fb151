/**
 * Prints figures (not a test): how the engine as deployed (the Temporal server 1.29.1 on Postgres,
 * the worker as its own process, email through the Resend SDK to the stand-in) holds N open invoices
 * waiting for their reminders, and how it gets through the moment all N come due at once: worker and
 * server memory, the server's databases and the engine's, the fill's rate, the firing's lateness and
 * throughput, each also per invoice so growth between sizes reads directly.
 *
 *   npm run bench:scale                                  (SCALE_INVOICES=10000)
 *   SCALE_INVOICES=10000,100000 npm run bench:scale      (one fresh deployment per size, then the growth)
 *
 * SCALE_PER_CUSTOMER (5) invoices per customer; SCALE_CONCURRENCY (64) starts in flight during the
 * fill; SCALE_FILL_RATE (invoices a second the fill is expected to settle at) places the due moment
 * after the fill; SCALE_FIRE_LIMIT_MINUTES (30) bounds the firing, from the due moment to the
 * worker idle again. WORKER_MAX_CACHED_WORKFLOWS, when set, reaches the worker (its sticky cache; the
 * SDK's default otherwise). SCALE_SLEEPING=1 only fills and measures: every invoice is due in 30
 * days, records its start and sleeps (no outreach, no firing), so a larger book fits in a session:
 *
 *   SCALE_SLEEPING=1 SCALE_INVOICES=10000,100000 npm run bench:scale
 */
import { load, machine, reproduce } from './bench-machine';
import { quietTemporalLogs } from './quiet-logs';
import { printFiring, printGrowth } from './scale-report';
import { runScale, type ScaleRun, type WaitingRun } from './scale-run';

const SIZES = (process.env.SCALE_INVOICES ?? '10000').split(',').map(Number);
const PER_CUSTOMER = Number(process.env.SCALE_PER_CUSTOMER ?? 5);
const CONCURRENCY = Number(process.env.SCALE_CONCURRENCY ?? 64);
const FILL_RATE = Number(process.env.SCALE_FILL_RATE ?? 4);
const FIRE_LIMIT_MINUTES = Number(process.env.SCALE_FIRE_LIMIT_MINUTES ?? 30);
const SLEEPING = process.env.SCALE_SLEEPING === '1';

// Ctrl-C or a kill leaves through 'exit', where the Temporal server and the worker are killed.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

async function main(): Promise<void> {
  if (SIZES.some((n) => !Number.isInteger(n) || n < PER_CUSTOMER)) throw new Error(`SCALE_INVOICES must be whole numbers of at least ${PER_CUSTOMER}, comma-separated`);
  console.log(`scale — ${new Date().toISOString()}; ${machine()}; ${load()}`);
  quietTemporalLogs();
  const command = reproduce('bench:scale', {
    SCALE_INVOICES: SIZES.join(','), SCALE_PER_CUSTOMER: PER_CUSTOMER, SCALE_CONCURRENCY: CONCURRENCY, SCALE_FILL_RATE: FILL_RATE,
    SCALE_FIRE_LIMIT_MINUTES: FIRE_LIMIT_MINUTES, ...(SLEEPING ? { SCALE_SLEEPING: 1 } : {}),
    ...(process.env.WORKER_MAX_CACHED_WORKFLOWS ? { WORKER_MAX_CACHED_WORKFLOWS: process.env.WORKER_MAX_CACHED_WORKFLOWS } : {}),
  });
  const runs: (ScaleRun | WaitingRun)[] = [];
  for (const invoices of SIZES) {
    console.log(`\n${invoices} invoices — ${new Date().toISOString()}   [${load()}]`);
    const settings = { invoices, perCustomer: PER_CUSTOMER, concurrency: CONCURRENCY, fillRate: FILL_RATE, fireLimitMs: FIRE_LIMIT_MINUTES * 60_000 };
    if (SLEEPING) {
      runs.push(await runScale({ ...settings, sleeping: true }));
      console.log(`reproduce: ${command}`);
      continue;
    }
    const run = await runScale(settings);
    printFiring(run, command);
    runs.push(run);
  }
  printGrowth(runs);
}

// Exits once everything is stopped, as bench:faults does: a handle left behind would keep the process alive after the report.
main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
