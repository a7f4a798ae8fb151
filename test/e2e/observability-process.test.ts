/**
 * The worker role as it runs in production (`collections worker`, its own process) with METRICS_PORT,
 * TEMPORAL_METRICS_BIND_ADDRESS and OTEL_EXPORTER_OTLP_ENDPOINT set: its metrics answer on both ports,
 * its spans reach a local collector (the workflow interceptors bundled at start), and its log lines are
 * JSON carrying the run's ids. A real dev server and Postgres; the invoice is registered through the API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { ensureDefaultPolicy } from '../../src/policies/policy-store';
import { startTestApi, type TestApi } from '../support/api-server';
import { freshDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/e2e-stack';
import { freePort } from '../support/free-port';
import { EVERY_DAY_POLICY } from '../support/invoice-fixtures';
import { startOtlpCollector, type OtlpCollector } from '../support/otlp-collector';
import { devServerEnvironment } from '../support/temporal';

const ROOT = path.join(__dirname, '..', '..');
const TASK_QUEUE = 'collections-observed-worker';

let env: TestWorkflowEnvironment;
let db: TestDatabase;
let collector: OtlpCollector;
let api: TestApi;
let worker: ChildProcess;
let exited: Promise<number | null>;
let output = '';
let metricsPort: number;
let sdkMetricsPort: number;

beforeAll(async () => {
  [env, db, collector] = await Promise.all([devServerEnvironment(), freshDatabase(), startOtlpCollector()]);
  await ensureDefaultPolicy(db.pool, EVERY_DAY_POLICY);
  [metricsPort, sdkMetricsPort] = [await freePort(), await freePort()];
  worker = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, DATABASE_URL: db.url, TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: TASK_QUEUE, HOST: '127.0.0.1', LOG_LEVEL: 'info',
      METRICS_PORT: String(metricsPort), TEMPORAL_METRICS_BIND_ADDRESS: `127.0.0.1:${sdkMetricsPort}`, OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      RESEND_API_KEY: undefined,
    },
  });
  worker.stdout?.on('data', (chunk) => { output += chunk; });
  worker.stderr?.on('data', (chunk) => { output += chunk; });
  exited = new Promise((resolve) => worker.once('exit', (code) => resolve(code)));
  // Bundling the workflows (with the tracing interceptors) takes a while on a small machine.
  await eventually(async () => output, (text) => text.includes('"worker running"') || worker.exitCode !== null, 150_000);
  if (!output.includes('"worker running"')) throw new Error(`the worker did not start:\n${output}`);
  api = await startTestApi({ db: db.pool, client: env.client, taskQueue: TASK_QUEUE });
}, 180_000);

afterAll(async () => {
  await api?.close();
  if (worker && worker.exitCode === null) {
    worker.kill('SIGTERM');
    await exited;
  }
  await Promise.all([env?.teardown(), db?.drop(), collector?.close()]);
});

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
  return response?.ok ? response.text() : '';
}

const today = isoDateOf(Date.now());

test('the worker process serves its metrics and the SDK\'s, sends its spans and logs JSON with the run\'s ids', async () => {
  const registered = await api.fetch('/invoices', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      invoiceId: 'PROC-1', invoiceNumber: 'N-PROC-1', amount: { amountMinor: 90_000, currency: 'USD' },
      issueDate: addDays(today, -38), dueDate: addDays(today, -8),
      customer: { customerId: 'CUST-PROC', name: 'Process Traders', email: 'ap@process.example', segment: 'enterprise', riskTier: 'orange' },
    }),
  });
  expect(registered.status).toBe(201);

  // No RESEND_API_KEY: the notice goes to the outbox table, and is counted so.
  const metrics = await eventually(() => scrape(metricsPort), (text) => text.includes('collections_notices_total{channel="email",outcome="outbox"} 1'), 40_000);
  expect(metrics).toContain('collections_notices_total{channel="email",outcome="outbox"} 1');
  expect(metrics).toMatch(/^process_resident_memory_bytes /m);
  expect(await scrape(sdkMetricsPort)).toMatch(/^temporal_activity_execution_latency_count\{.*task_queue="collections-observed-worker"/m);
  expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);

  // The workflow's spans come from the interceptors the worker bundled at start; the activity's from its interceptors.
  await eventually(async () => collector.spans.map((span) => span.name), (names) => names.includes('StartActivity:recordCollectionEvent'), 20_000);
  const names = collector.spans.map((span) => span.name);
  expect(names).toEqual(expect.arrayContaining(['StartActivity:recordCollectionEvent', 'RunActivity:recordCollectionEvent', 'RunActivity:sendMessageInWindow']));
  expect(new Set(collector.spans.map((span) => span.service))).toEqual(new Set(['collections-engine']));

  const lines = output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines.find((line) => line.msg === 'notice settled')).toMatchObject({
    service: 'collections', component: 'temporal-sdk', workflowId: 'customer-CUST-PROC', runId: expect.any(String),
    activityType: 'sendMessageInWindow', taskQueue: TASK_QUEUE, channel: 'email', outcome: 'outbox',
    trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
  });
  expect(lines.find((line) => line.msg === 'serving Prometheus metrics at /metrics')).toMatchObject({ port: metricsPort });
  expect(output).not.toContain('ap@process.example');

  // A stop signal still stops it in order, the listeners with it.
  worker.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(await scrape(metricsPort)).toBe('');
});
