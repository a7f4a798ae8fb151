/**
 * The real parts of the payment path on a real clock: the local Temporal dev server (the CLI the
 * toolchain builds), an embedded Postgres, the collections worker with the real activities, the HTTP
 * API with a system key, and beside them a bench-only worker running the echo workflow on its own
 * task queue.
 */
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
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
import { PIN_SERVER, pinServerApart } from './core-pinning';
import { jsonClient } from './json-client';
import { startedProcesses } from './process-cpu';
import { quietTemporalLogs } from './quiet-logs';

export const TASK_QUEUE = 'bench-signal';
export const ECHO_TASK_QUEUE = 'bench-echo';

/** The benchmarks' API limit per key: far above what they send, as a deployment raises RATE_LIMIT_REQUESTS for its ERP's key. */
export const BENCH_RATE_LIMIT = { limit: 1_000_000, windowMs: 60_000 };

export interface DevServerStack {
  env: TestWorkflowEnvironment;
  db: Pool;
  /** POSTs to the API with the system key; answers the parsed body. */
  post(route: string, body: unknown): Promise<unknown>;
  teardown(): Promise<void>;
}

/** The dev server and the ledger every dev-server benchmark stands on. */
export interface DevServerAndLedger {
  env: TestWorkflowEnvironment;
  /** A pool of 20 on a migrated embedded Postgres holding the default policy. */
  db: Pool;
  stop(): Promise<void>;
}

/** The local dev server (the CLI the toolchain builds) with the search attributes, and a migrated embedded Postgres. */
export async function startDevServerAndLedger(): Promise<DevServerAndLedger> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'collections-bench-'));
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: 57000 + Math.floor(Math.random() * 900), persistent: false });
  const cli = await ensureTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({
    server: { ...(cli ? { executable: { type: 'existing-path' as const, path: cli } } : {}), searchAttributes: [...ALL_SEARCH_ATTRIBUTES], extraArgs: ['--log-level', 'error'] },
  });
  const url = postgres.urlFor('postgres');
  await migrateUp(url);
  const db = createPool(url, 20);
  await ensureDefaultPolicy(db);
  if (PIN_SERVER) {
    const { temporal, postgres: others } = startedProcesses();
    console.log(pinServerApart({ temporal, others }));
  }
  return {
    env, db,
    async stop() {
      await env.teardown();
      await db.end();
      await postgres.stop();
    },
  };
}

export async function startDevServerStack(wrap: (real: CollectionsActivities) => CollectionsActivities): Promise<DevServerStack> {
  quietTemporalLogs();
  const { env, db, stop } = await startDevServerAndLedger();
  const activities = createActivities({ db, templates: new TemplateLibrary(), from: 'ar@example.com', companyName: 'Bench Co.', collectionsPhone: '+1 555 0100' });
  const worker = await createCollectionsWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue: TASK_QUEUE, activities: wrap(activities) });
  const echoBundle = await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'echo-workflow.ts'), logger: new DefaultLogger('ERROR') });
  const echoWorker = await Worker.create({ connection: env.nativeConnection, namespace: 'default', taskQueue: ECHO_TASK_QUEUE, workflowBundle: echoBundle });
  const running = Promise.all([worker.run(), echoWorker.run()]);
  const app = createApp({ db, client: env.client, taskQueue: TASK_QUEUE, log: createLogger('silent'), rateLimit: BENCH_RATE_LIMIT });
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const address = server.address();
  const api = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;
  const { key } = await createApiKey(db, { holder: 'bench ERP', role: 'system' });
  const http = jsonClient(api, { authorization: `Bearer ${key}` });
  return {
    env, db,
    async post(route, body) {
      const response = await http.post(route, body);
      if (response.status >= 300) throw new Error(`${route}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    },
    async teardown() {
      await new Promise((resolve) => server.close(resolve));
      worker.shutdown();
      echoWorker.shutdown();
      await running;
      await stop();
    },
  };
}
