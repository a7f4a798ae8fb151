/**
 * Prints figures (not a test): 1,000 invoices already overdue on the engine as deployed (a real
 * Temporal server on Postgres, the worker and the API as processes, email through the Resend SDK to
 * the stand-in), with payments racing their first reminders through the HTTP API, while the worker is
 * SIGKILLed three times, the API once, and the Temporal server restarted once. Then counts lost
 * payments, duplicate emails, reminders after payment and stuck workflows.
 *
 *   npm run bench:faults      (FAULTS_INVOICES=1000 invoices, registered at FAULTS_RATE=4 a second)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createApiKey } from '../src/api/access/api-keys';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { migrateUp } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import { ensureDefaultPolicy } from '../src/policies/policy-store';
import { killRole, startRole } from '../test/support/engine-processes';
import { freePort } from '../test/support/free-port';
import { EVERY_DAY_POLICY } from '../test/support/invoice-fixtures';
import { startResendStandIn } from '../test/support/resend-stand-in';
import { startTemporalCluster } from '../test/support/temporal-cluster';
import { stampArrivals } from './arrivals';
import { load, machine, reproduce } from './bench-machine';
import { FAULTS, inject, type Deployment, type FaultRecord } from './fault-schedule';
import { countFigures } from './faults-count';
import { RATE, runTraffic } from './faults-load';
import { waitForQuiet } from './faults-quiet';
import { printReport } from './faults-report';
import { quietTemporalLogs } from './quiet-logs';
import { restartable } from './restartable-temporal';

const INVOICES = Number(process.env.FAULTS_INVOICES ?? 1000);
// Contact any day at any hour, and a paid invoice's workflow ends at once (no chargeback window).
const POLICY = { ...EVERY_DAY_POLICY, chargebacks: { windowDays: 0 } };

async function main(): Promise<void> {
  const startedAt = Date.now();
  console.log(`faults — ${new Date(startedAt).toISOString()}; ${machine()}; ${load()}`);
  quietTemporalLogs();
  const scratch = mkdtempSync(path.join(tmpdir(), 'collections-faults-'));
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: await freePort(), persistent: false });
  const resend = await startResendStandIn();
  const arrivals = stampArrivals(resend);
  const url = postgres.urlFor('postgres');
  await migrateUp(url);
  const db = createPool(url, 10);
  await ensureDefaultPolicy(db, POLICY);
  const { key } = await createApiKey(db, { holder: 'Faults bench ERP', role: 'system' });
  const cluster = await startTemporalCluster({ adminUrl: postgres.adminUrl });
  const env: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: cluster.address, TEMPORAL_NAMESPACE: cluster.namespace, TEMPORAL_TASK_QUEUE: 'collections-faults',
    DATABASE_URL: url, DATABASE_POOL_SIZE: '10', LOG_LEVEL: 'warn',
    RESEND_API_KEY: 're_faults_bench', RESEND_BASE_URL: resend.baseUrl,
    RATE_LIMIT_REQUESTS: '1000000', WORKER_SHUTDOWN_GRACE_SECONDS: '15',
  };
  const ports = { api: await freePort(), worker: await freePort() };
  // One after the other: both run the migrations at start, and two at once made one exit ("Another migration is already running").
  const worker = await startRole('worker', env, ports.worker);
  const api = await startRole('api', env, ports.api);
  const deployment: Deployment = { roles: { worker, api }, env, ports, cluster: restartable(cluster) };
  console.log(`deployment ready in ${((Date.now() - startedAt) / 1000).toFixed(0)} s: Temporal server 1.29.1 on Postgres, worker and API as processes   [${load()}]`);

  const trafficStartedAt = Date.now();
  const faults: FaultRecord[] = [];
  let registered = 0;
  let injecting = Promise.resolve();
  let nextFault = 0;
  // Faults run one after another; each fires once its share of the invoices is registered.
  const onProgress = (count: number) => {
    registered = count;
    while (nextFault < FAULTS.length && registered >= FAULTS[nextFault].at * INVOICES) {
      const fault = FAULTS[nextFault];
      nextFault += 1;
      injecting = injecting.then(async () => {
        // A fault queued behind a slow one fires when that one is done: the count is read then.
        const firedAt = registered;
        const record = await inject(deployment, fault, firedAt);
        faults.push(record);
        console.log(`  ${fault.kind} at ${firedAt} registered: down ${iso(record.downAt)}, ready again ${iso(record.upAt)}   [${load()}]`);
      });
    }
  };
  try {
    const traffic = await runTraffic(() => `http://127.0.0.1:${ports.api}`, key, INVOICES, onProgress);
    await injecting;
    const trafficEndedAt = Date.now();
    await waitForQuiet(db, resend);
    const connection = await Connection.connect({ address: cluster.address });
    try {
      const figures = await countFigures(db, new Client({ connection, namespace: cluster.namespace }), traffic, resend, arrivals);
      printReport({ invoices: INVOICES, traffic, faults, figures, resend, startedAt, trafficStartedAt, trafficEndedAt,
        command: reproduce('bench:faults', { FAULTS_INVOICES: INVOICES, FAULTS_RATE: RATE }) });
    } finally {
      await connection.close();
    }
  } finally {
    await Promise.all([killRole(deployment.roles.worker), killRole(deployment.roles.api)]);
    await deployment.cluster.stop();
    await db.end();
    await resend.close();
    await postgres.stop();
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

// Exits once everything is stopped: runs kept the process alive after the report (a handle not traced; every child had ended).
main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
