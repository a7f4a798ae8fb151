/**
 * The real parts of the payment path on a real clock: a Temporal server (the local dev server the
 * toolchain builds, or with `BENCH_SERVER=cluster` the server as deployed), an embedded Postgres, the
 * collections worker with the real activities, the HTTP API with a system key, and beside them a
 * bench-only worker running the echo workflow on its own task queue.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createActivities, type CollectionsActivities } from '../activities';
import { createApiKey } from '../src/api/access/api-keys';
import { createApp } from '../src/api/app';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { migrateUp } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import { createLogger } from '../src/logger';
import { TemplateLibrary } from '../src/notices/template-library';
import { ensureDefaultPolicy } from '../src/policies/policy-store';
import { ALL_SEARCH_ATTRIBUTES } from '../src/temporal/search-attributes';
import { ensureTemporalCli } from '../src/temporal/toolchain';
import { createCollectionsWorker } from '../src/temporal/worker';
import { startRole } from '../test/support/engine-processes';
import { freePort } from '../test/support/free-port';
import { startTemporalCluster } from '../test/support/temporal-cluster';
import { scratchDir } from '../test/support/scratch';
import { PIN_SERVER, pinServerApart } from './core-pinning';
import { jsonClient, type JsonClient } from './json-client';
import { startedProcesses } from './process-cpu';
import { createEchoWorker, ECHO_TASK_QUEUE } from './echo-worker';
import { quietTemporalLogs } from './quiet-logs';

/**
 * `BENCH_SERVER=cluster`: the Temporal server as deployed (1.29.1 built from its Go module, its
 * history and visibility on the embedded Postgres) instead of the dev server (the CLI, on SQLite).
 */
export const ON_CLUSTER = process.env.BENCH_SERVER === 'cluster';

/**
 * `BENCH_WORKER=process`: the collections worker runs as its own process (`src/cli/main.ts worker`), as
 * deployed, instead of inside the benchmark's process beside the API and the clients.
 */
export const WORKER_APART = process.env.BENCH_WORKER === 'process';

/** The settings that chose the server and the worker, for a benchmark's "reproduce:" line. */
export const SERVER_SETTING: Record<string, string> = { ...(ON_CLUSTER ? { BENCH_SERVER: 'cluster' } : {}), ...(WORKER_APART ? { BENCH_WORKER: 'process' } : {}) };

/** Which server a run stands on, for its first line. */
export const SERVER_NAME = `${ON_CLUSTER ? 'Temporal server 1.29.1 on Postgres' : 'Temporal dev server (CLI, SQLite)'}${WORKER_APART ? ', the worker as its own process' : ''}`;

export const TASK_QUEUE = 'bench-signal';
export { ECHO_TASK_QUEUE };

/** The benchmarks' API limit per key: far above what they send, as a deployment raises RATE_LIMIT_REQUESTS for its ERP's key. */
export const BENCH_RATE_LIMIT = { limit: 1_000_000, windowMs: 60_000 };

/** What the benchmarks use of the server: a client and a worker connection, and its address for a worker process. */
export interface BenchServer {
  client: Client;
  nativeConnection: NativeConnection;
  address: string;
}

export interface ServerStack {
  env: BenchServer;
  db: Pool;
  /** POSTs to the API with the system key; answers the parsed body. */
  post(route: string, body: unknown): Promise<unknown>;
  teardown(): Promise<void>;
}

/** The server and the ledger every real-clock benchmark stands on. */
export interface ServerAndLedger {
  env: BenchServer;
  /** The ledger's URL, for a worker process. */
  databaseUrl: string;
  /** A pool of 20 on a migrated embedded Postgres holding the default policy. */
  db: Pool;
  stop(): Promise<void>;
}

/** The Temporal server (`BENCH_SERVER`) with the search attributes, and a migrated embedded Postgres. */
export async function startServerAndLedger(): Promise<ServerAndLedger> {
  quietTemporalLogs();
  const scratch = scratchDir('collections-bench-');
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: 57000 + Math.floor(Math.random() * 900), persistent: false });
  const server = ON_CLUSTER ? await startClusterServer(postgres.adminUrl) : await startDevServer();
  const url = postgres.urlFor('postgres');
  await migrateUp(url);
  const db = createPool(url, 20);
  await ensureDefaultPolicy(db);
  if (PIN_SERVER) {
    const { temporal, postgres: others } = startedProcesses();
    console.log(pinServerApart({ temporal, others }));
  }
  return {
    env: server.env, db, databaseUrl: url,
    async stop() {
      await server.stop();
      await db.end();
      await postgres.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

async function startDevServer(): Promise<{ env: BenchServer; stop(): Promise<void> }> {
  const cli = await ensureTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({
    server: { ...(cli ? { executable: { type: 'existing-path' as const, path: cli } } : {}), searchAttributes: [...ALL_SEARCH_ATTRIBUTES], extraArgs: ['--log-level', 'error'] },
  });
  return { env, stop: () => env.teardown() };
}

async function startClusterServer(adminUrl: string): Promise<{ env: BenchServer; stop(): Promise<void> }> {
  const cluster = await startTemporalCluster({ adminUrl });
  const connection = await Connection.connect({ address: cluster.address });
  const nativeConnection = await NativeConnection.connect({ address: cluster.address });
  return {
    env: { client: new Client({ connection, namespace: cluster.namespace }), nativeConnection, address: cluster.address },
    async stop() {
      await connection.close();
      await nativeConnection.close();
      await cluster.stop();
    },
  };
}

/** The HTTP API on a free loopback port, called with a system key. */
export interface BenchApi {
  /** The system key the calls carry. */
  key: string;
  http: JsonClient;
  /** POSTs and answers the parsed body; anything but a 2xx throws. */
  post(route: string, body: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export async function serveApi(db: Pool, client: Client, taskQueue: string, holder = 'bench ERP'): Promise<BenchApi> {
  const app = createApp({ db, client, taskQueue, log: createLogger('silent'), rateLimit: BENCH_RATE_LIMIT });
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const address = server.address();
  const api = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;
  const { key } = await createApiKey(db, { holder, role: 'system' });
  const http = jsonClient(api, { authorization: `Bearer ${key}` });
  return {
    key, http,
    async post(route, body) {
      const response = await http.post(route, body);
      if (response.status >= 300) throw new Error(`${route}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    },
    close: () => new Promise((resolve) => { server.close(() => resolve()); }),
  };
}

/**
 * The stack with the collections worker in this process, its activities wrapped by `wrap` (to time
 * them), or with BENCH_WORKER=process as a process of its own (nothing wrapped).
 */
export async function startServerStack(wrap: (real: CollectionsActivities) => CollectionsActivities): Promise<ServerStack> {
  const { env, db, databaseUrl, stop } = await startServerAndLedger();
  const collections = WORKER_APART ? await workerProcess(env.address, databaseUrl) : await workerHere(env, db, wrap);
  const echo = WORKER_APART ? await echoWorkerProcess(env.address) : running(await createEchoWorker(env.nativeConnection));
  const api = await serveApi(db, env.client, TASK_QUEUE);
  return {
    env, db,
    post: api.post,
    async teardown() {
      await api.close();
      await echo.stop();
      await collections.stop();
      await stop();
    },
  };
}

/** Runs `worker` until stopped. */
function running(worker: Worker): { stop(): Promise<void> } {
  const run = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await run;
    },
  };
}

async function workerHere(env: BenchServer, db: Pool, wrap: (real: CollectionsActivities) => CollectionsActivities): Promise<{ stop(): Promise<void> }> {
  const activities = createActivities({ db, templates: new TemplateLibrary(), from: 'ar@example.com', companyName: 'Bench Co.', collectionsPhone: '+1 555 0100' });
  return running(await createCollectionsWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue: TASK_QUEUE, activities: wrap(activities) }));
}

async function workerProcess(address: string, databaseUrl: string): Promise<{ stop(): Promise<void> }> {
  const role = await startRole('worker', {
    TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: TASK_QUEUE, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn',
  }, await freePort());
  return {
    async stop() {
      role.child.kill('SIGTERM');
      await role.exited;
    },
  };
}

async function echoWorkerProcess(address: string): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'echo-worker.ts')], { env: { ...process.env, ECHO_ADDRESS: address }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) resolve(); });
    void exited.then(() => reject(new Error(`the echo worker exited (${child.exitCode ?? child.signalCode})`)));
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
