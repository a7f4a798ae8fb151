/**
 * One run of the scale benchmark at one size: a fresh deployment (embedded Postgres, the Temporal
 * server on it, the worker as its own process, email to the Resend stand-in), N invoices filled in,
 * the deployment measured while they wait, then through the moment all their reminders come due,
 * and stopped again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { Client, Connection } from '@temporalio/client';
import type { Pool } from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { migrateUp } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import { latestPolicy, saveNextVersion } from '../src/policies/policy-store';
import { killRole, startRole } from '../test/support/engine-processes';
import { freePort } from '../test/support/free-port';
import { startResendStandIn } from '../test/support/resend-stand-in';
import { startTemporalCluster } from '../test/support/temporal-cluster';
import { load } from './bench-machine';
import { cpuBetween, cpuByProcess, type Group } from './process-cpu';
import { printWaiting } from './scale-report';
import { fill, type Fill } from './scale-fill';
import { keepKeysOnly, watchFiring, type Firing } from './scale-firing';
import {
  databaseSizes, directorySize, memoryOf, metric, resetPeak, sampleRss, serverDatabases, serverPid, tasksDone, waitUntilIdle, workerMetrics,
  type DatabaseSizes, type Memory,
} from './scale-measure';
import { describeWindow, nextWindow, windowPolicy, type ContactWindow } from './scale-window';

export interface ScaleSettings {
  invoices: number;
  perCustomer: number;
  /** Workflow starts in flight at once during the fill. */
  concurrency: number;
  /** Invoices a second the fill is expected to settle at, to place the due moment after it. */
  fillRate: number;
  /** How long after the due moment the run waits for every reminder and then for the worker to go idle. */
  fireLimitMs: number;
  /** Only fill and measure: every invoice due weeks ahead, asleep until its first reminder; no firing. */
  sleeping?: boolean;
}

/** The deployment at one moment. */
export interface Snapshot {
  at: number;
  worker: Memory;
  server: Memory;
  databases: DatabaseSizes;
  /** What the Temporal server keeps on the filesystem (its configuration and log), and Postgres's data directory with its WAL. */
  serverFiles: number;
  postgresFiles: number;
  wal: number;
  /** Open workflows by type, from visibility. */
  open: { invoices: number; outreach: number };
  /** Workflows in the worker's sticky cache (SDK metric). */
  cached: number;
}

/** What a run knows once all N wait: printed then, so a run cut short still leaves its fill and sizes. */
export interface WaitingRun {
  settings: ScaleSettings;
  customers: number;
  window: ContactWindow;
  deployedIn: number;
  fill: Fill;
  /** When the worker finished the fill's work (every request with its customer's outreach), or undefined if the due moment came first. */
  settledAt?: number;
  /** CPU each process used from the first start until the worker settled (or the due moment came). */
  fillCpu: Map<Group, number>;
  /** Before the fill, and while all N wait. */
  empty: Snapshot;
  waiting: Snapshot;
  /** The worker's sticky cache size: WORKER_MAX_CACHED_WORKFLOWS when set (the worker inherits this process's environment), else the SDK's default for its heap. */
  cacheLimit: { size: number; set: boolean };
  databases: { engine: string; temporal: string; visibility: string };
}

export interface ScaleRun extends WaitingRun {
  /** Once the firing is over. */
  after: Snapshot;
  firing: Firing;
  /** When the worker finished the firing's work (every invoice told how its reminder went). */
  firingSettledAt?: number;
  /** Peaks during the firing: sampled every second, and VmHWM after a reset at the due moment (undefined where the reset is refused). */
  peaks: { worker: number; server: number; workerHwm?: number; serverHwm?: number };
  /** Worker tasks finished during the firing. */
  firingTasks: ReturnType<typeof tasksDone> & { evictions: number };
}

const TASK_QUEUE = 'collections-scale';
const ENGINE_DATABASE = 'collections';
/** The worker takes tens of seconds to bundle its workflows; the due moment leaves this on top of the fill. */
const MARGIN_MS = 120_000;
/** Idle for this long (backlogs empty, no task finished) counts as done. */
const STILL_MS = 10_000;

/** The worker's sticky cache size: WORKER_MAX_CACHED_WORKFLOWS, or the SDK's default (addDefaultWorkerOptions) for a heap limit like this process's: same node, same machine. */
function cacheLimit(): WaitingRun['cacheLimit'] {
  if (process.env.WORKER_MAX_CACHED_WORKFLOWS) return { size: Number(process.env.WORKER_MAX_CACHED_WORKFLOWS), set: true };
  const heapMiB = v8.getHeapStatistics().heap_size_limit / 2 ** 20;
  return { size: Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10), set: false };
}

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

async function openWorkflows(client: Client): Promise<Snapshot['open']> {
  const count = async (type: string) => (await client.workflow.count(`WorkflowType = '${type}' AND ExecutionStatus = 'Running'`)).count;
  return { invoices: await count('invoiceCollection'), outreach: await count('customerOutreach') };
}

export async function runScale(settings: ScaleSettings & { sleeping: true }): Promise<WaitingRun>;
export async function runScale(settings: ScaleSettings): Promise<ScaleRun>;
export async function runScale(settings: ScaleSettings): Promise<ScaleRun | WaitingRun> {
  const startedAt = Date.now();
  const scratch = mkdtempSync(path.join(tmpdir(), 'collections-scale-'));
  const postgresDir = path.join(scratch, 'postgres');
  const postgres = await startEmbeddedPostgres({ dataDir: postgresDir, port: await freePort(), persistent: false });
  const resend = await startResendStandIn();
  keepKeysOnly(resend);
  await postgres.ensureDatabase(ENGINE_DATABASE);
  const url = postgres.urlFor(ENGINE_DATABASE);
  await migrateUp(url);
  const db: Pool = createPool(url, 10);
  const cluster = await startTemporalCluster({ adminUrl: postgres.adminUrl });
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const env: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: cluster.address, TEMPORAL_NAMESPACE: cluster.namespace, TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    DATABASE_URL: url, LOG_LEVEL: 'warn', RESEND_API_KEY: 're_scale_bench', RESEND_BASE_URL: resend.baseUrl,
    TEMPORAL_METRICS_BIND_ADDRESS: metricsAddress,
  };
  const worker = await startRole('worker', env, await freePort());
  // Should this process end first (Ctrl-C), the worker must not outlive it, as the server does not.
  const killWorker = () => { worker.child.kill('SIGKILL'); };
  process.once('exit', killWorker);
  // A worker that exits mid-run ends the run with what it said last (waiting on would hang until the limits).
  const died = worker.exited.then(({ code, signal }) => {
    throw new Error(`the worker exited (${code ?? signal}) at ${new Date().toISOString()}; its last output:\n${worker.output().slice(-4_000)}`);
  });
  died.catch(() => undefined);
  const alive = <T>(work: Promise<T>) => Promise.race([work, died]);
  const connection = await Connection.connect({ address: cluster.address });
  try {
    const client = new Client({ connection, namespace: cluster.namespace });
    const pids = { worker: worker.child.pid as number, server: serverPid(cluster.dir) };
    const temporalDatabases = serverDatabases(cluster.dir);
    const databases = { engine: ENGINE_DATABASE, temporal: temporalDatabases.main, visibility: temporalDatabases.visibility };
    const snapshot = async (): Promise<Snapshot> => ({
      at: Date.now(),
      worker: memoryOf(pids.worker),
      server: memoryOf(pids.server),
      databases: await databaseSizes(postgres.adminUrl, Object.values(databases)),
      serverFiles: directorySize(cluster.dir),
      postgresFiles: directorySize(postgresDir),
      wal: directorySize(path.join(postgresDir, 'pg_wal')),
      open: await openWorkflows(client),
      cached: metric(await workerMetrics(metricsAddress), 'temporal_sticky_cache_size'),
    });
    const deployedIn = Date.now() - startedAt;
    console.log(`deployment ready in ${(deployedIn / 1000).toFixed(0)} s: Temporal server 1.29.1 on Postgres (4 history shards), the worker as its own process   [${load()}]`);
    const empty = await snapshot();

    // The due moment: after the fill at the expected rate, with half again and a margin to spare.
    const window = nextWindow(Date.now() + (settings.invoices / settings.fillRate) * 1_500 + MARGIN_MS, Date.now());
    // Saved as POST /v1/policies saves it, and read back as registration reads it.
    const saved = await saveNextVersion(db, windowPolicy(window));
    if (!saved.saved) throw new Error('the scale policy could not be saved');
    const policy = await latestPolicy(db, saved.policy.policyId);
    const customers = Math.ceil(settings.invoices / settings.perCustomer);
    console.log(settings.sleeping
      ? `${settings.invoices} invoices of ${customers} customers, due in 30 days: each records its start and sleeps until its first reminder (no firing)`
      : `${settings.invoices} invoices of ${customers} customers, 8 days overdue; their reminders come due when the contact window opens at ${describeWindow(window)}`);
    const cpuBefore = cpuByProcess();
    const filled = await alive(fill(db, client, {
      invoices: settings.invoices, perCustomer: settings.perCustomer, concurrency: settings.concurrency, policy, taskQueue: TASK_QUEUE, sleeping: settings.sleeping,
    }));
    console.log(`  all ${settings.invoices} started in ${((filled.endedAt - filled.startedAt) / 1000).toFixed(0)} s; waiting for the worker to ${settings.sleeping ? 'put every invoice to sleep' : 'hand every reminder to its outreach'}   [${load()}]`);
    const watch = { metricsAddress, connection, namespace: cluster.namespace, taskQueue: TASK_QUEUE, workerPid: pids.worker };
    const settledAt = await alive(waitUntilIdle(watch, { stillMs: STILL_MS, deadline: window.opensAt - 60_000, label: 'fill' }));
    const fillCpu = cpuBetween(cpuBefore, cpuByProcess());
    if (settings.sleeping) {
      const sleepingRun: WaitingRun = { settings, customers, window, deployedIn, fill: filled, settledAt, fillCpu, empty, waiting: await snapshot(), databases, cacheLimit: cacheLimit() };
      printWaiting(sleepingRun);
      return sleepingRun;
    }
    if (settledAt === undefined) console.log(`  the fill was still running a minute before the due moment: the firing below overlaps it (lower SCALE_FILL_RATE)`);
    else console.log(`  settled ${((settledAt - filled.startedAt) / 1000).toFixed(0)} s after the first start; due moment in ${((window.opensAt - Date.now()) / 1000).toFixed(0)} s   [${load()}]`);

    await alive(sleepUntil(window.opensAt - 45_000));
    const waitingRun: WaitingRun = { settings, customers, window, deployedIn, fill: filled, settledAt, fillCpu, empty, waiting: await snapshot(), databases, cacheLimit: cacheLimit() };
    printWaiting(waitingRun);
    await alive(sleepUntil(window.opensAt - 2_000));
    const workerReset = resetPeak(pids.worker);
    const serverReset = resetPeak(pids.server);
    const sampler = sampleRss(pids);
    const before = await workerMetrics(metricsAddress);
    await sleepUntil(window.opensAt);
    console.log(`firing at ${describeWindow(window)}   [${load()}]`);
    // One limit for the whole firing, from the due moment: the reminders, then the invoices told.
    const firing = await alive(watchFiring(db, resend, settings.invoices, window.opensAt, window.opensAt + settings.fireLimitMs));
    const firingSettledAt = await alive(waitUntilIdle(watch, { stillMs: STILL_MS, deadline: window.opensAt + settings.fireLimitMs, label: 'after the firing' }));
    const highest = sampler.stop();
    const afterMetrics = await workerMetrics(metricsAddress);
    const peaks = {
      worker: highest.worker, server: highest.server,
      ...(workerReset ? { workerHwm: memoryOf(pids.worker).hwm } : {}),
      ...(serverReset ? { serverHwm: memoryOf(pids.server).hwm } : {}),
    };
    const [from, to] = [tasksDone(before), tasksDone(afterMetrics)];
    const evictions = (metrics: Map<string, number>) => metric(metrics, 'temporal_sticky_cache_total_forced_eviction');
    const firingTasks = {
      workflowTasks: to.workflowTasks - from.workflowTasks, cacheHits: to.cacheHits - from.cacheHits, cacheMisses: to.cacheMisses - from.cacheMisses,
      failed: to.failed - from.failed, activities: to.activities - from.activities, evictions: evictions(afterMetrics) - evictions(before),
    };
    return { ...waitingRun, after: await snapshot(), firing, firingSettledAt, peaks, firingTasks };
  } finally {
    await connection.close();
    await killRole(worker);
    process.removeListener('exit', killWorker);
    await cluster.stop();
    await db.end();
    await resend.close();
    await postgres.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
