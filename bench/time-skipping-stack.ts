/**
 * The real parts a benchmark runs an invoice's whole life on, in minutes: the Java time-skipping
 * test server, an embedded Postgres, and a worker with the real activities (email to the outbox).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities, type CollectionsActivities } from '../activities';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { migrateUp } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import { TemplateLibrary } from '../src/notices/template-library';
import { ensureDefaultPolicy } from '../src/policies/policy-store';
import { registerSearchAttributes } from '../src/temporal/search-attributes';
import { startTimeSkippingServer } from '../test/support/temporal';
import { createCollectionsWorker } from '../src/temporal/worker';
import type { Pool } from 'pg';
import { quietTemporalLogs } from './quiet-logs';

export const DAY = 86_400_000;

export interface TimeSkippingStack {
  env: TestWorkflowEnvironment;
  db: Pool;
  taskQueue: string;
  teardown(): Promise<void>;
}

/** Starts the server, Postgres (migrated, default policy stored) and a worker; `wrap` may observe the activities. */
export async function startTimeSkippingStack(taskQueue: string, wrap: (real: CollectionsActivities) => CollectionsActivities = (real) => real): Promise<TimeSkippingStack> {
  quietTemporalLogs();
  const scratch = mkdtempSync(path.join(tmpdir(), 'collections-bench-'));
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: 56000 + Math.floor(Math.random() * 900), persistent: false });
  const env = await startTimeSkippingServer();
  const url = postgres.urlFor('postgres');
  await migrateUp(url);
  const db = createPool(url);
  await ensureDefaultPolicy(db);
  await registerSearchAttributes(env.connection, 'default');
  const activities = createActivities({ db, templates: new TemplateLibrary(), from: 'ar@example.com', companyName: 'Bench Co.', collectionsPhone: '+1 555 0100' });
  const worker = await createCollectionsWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue, activities: wrap(activities) });
  const running = worker.run();
  return {
    env, db, taskQueue,
    async teardown() {
      worker.shutdown();
      await running;
      await db.end();
      await env.teardown();
      await postgres.stop();
    },
  };
}

/**
 * Moves the server's clock to the next Monday, 08:00 UTC: which steps fall on a weekend (and wait
 * for Monday) depends on the weekday an invoice starts, so a scenario starts on the same one every run.
 */
export async function skipToMondayMorning(env: TestWorkflowEnvironment): Promise<void> {
  const now = await env.currentTimeMs();
  const midnight = now - (now % DAY);
  const daysToMonday = (8 - new Date(midnight).getUTCDay()) % 7 || 7;
  await env.sleep(midnight + daysToMonday * DAY + 8 * 3_600_000 - now);
}

/** Event types after which a workflow is still busy: a workflow task or an activity scheduled or started. */
const BUSY_EVENT_TYPES = new Set([5, 6, 10, 11]);

/**
 * Waits until every workflow given is parked on a timer or a condition, twice in a row: an update
 * that lands the instant a timer fires stops the time-skipping server (see the README's Test it).
 */
export async function settled(handles: WorkflowHandle[]): Promise<void> {
  let quietPolls = 0;
  for (let attempt = 0; attempt < 800 && quietPolls < 2; attempt += 1) {
    const last = await Promise.all(handles.map(async (handle) => (await handle.fetchHistory()).events?.at(-1)?.eventType));
    quietPolls = last.every((type) => type !== undefined && type !== null && !BUSY_EVENT_TYPES.has(Number(type))) ? quietPolls + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (quietPolls < 2) throw new Error('the workflows did not settle within 20 s');
}
