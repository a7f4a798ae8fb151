/**
 * Observability end to end: the API's and the worker's Prometheus metrics on their own listener, the
 * Temporal SDK's worker metrics on its listener, and the SDK's workflow and activity logs in our pino
 * stream carrying the run's ids. A real dev server, worker, Postgres and the Resend stand-in.
 */
import { Runtime } from '@temporalio/worker';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { createLogger } from '../../src/logger';
import { serveMetrics, type MetricsServer } from '../../src/observability/metrics-server';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { eventually, startE2eStack, type E2eStack } from '../support/e2e-stack';
import { freePort } from '../support/free-port';

type LogLine = Record<string, unknown> & { msg?: string; level?: number };

const logLines: LogLine[] = [];
let sdkMetricsPort: number;
let stack: E2eStack;
let metrics: MetricsServer;

beforeAll(async () => {
  // The Runtime is per process (each test file runs in its own): installed before the dev server and worker use it.
  sdkMetricsPort = await freePort();
  const log = createLogger('debug', { write: (line: string) => void logLines.push(JSON.parse(line) as LogLine) });
  installTemporalRuntime(log, { metricsBindAddress: `127.0.0.1:${sdkMetricsPort}` });
  stack = await startE2eStack('collections-observability');
  metrics = await serveMetrics({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await metrics?.stop();
  await stack?.close();
});

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of one series, e.g. `http_requests_total{method="POST",route="/invoices",status="201"}`; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text.split('\n').find((candidate) => {
    if (!candidate.startsWith(`${name}{`)) return false;
    const labelText = candidate.slice(name.length + 1, candidate.indexOf('}'));
    const present = labelText.split(',');
    return wanted.every((pair) => present.includes(pair)) && present.length === wanted.length;
  });
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

const today = isoDateOf(Date.now());
const registration = (invoiceId: string) => ({
  invoiceId,
  invoiceNumber: `N-${invoiceId}`,
  amount: { amountMinor: 250_000, currency: 'USD' },
  issueDate: addDays(today, -38),
  dueDate: addDays(today, -8),
  customer: { customerId: 'CUST-OBS', name: 'Observed Traders', email: 'ap@observed.example', segment: 'enterprise', riskTier: 'orange' },
});

test('a registered invoice and its notice, with one failed send, show in the metrics with the right counts', async () => {
  // The provider fails the first attempt: the activity fails once, its retry sends the notice.
  stack.resend.behave({ failNext: 1 });
  expect((await stack.call('POST', '/invoices', registration('OBS-1'))).status).toBe(201);
  expect((await stack.call('POST', '/invoices', registration('OBS-1'))).status).toBe(200);
  const delivered = await eventually(async () => stack.resend.delivered().filter((e) => e.idempotencyKey?.startsWith('invoice-OBS-1/')),
    (list) => list.length > 0, 40_000);
  expect(delivered).toHaveLength(1);
  expect((await stack.call('GET', '/invoices/OBS-1')).status).toBe(200);
  expect((await stack.call('GET', '/invoices/OBS-1', undefined, 'ce_not_a_key')).status).toBe(401);
  expect((await stack.call('GET', '/no-such-route/OBS-1')).status).toBe(404);

  const text = await eventually(() => scrape(metrics.port), (body) => sample(body, 'collections_notices_total', { channel: 'email', outcome: 'sent' }) > 0);
  expect(sample(text, 'http_requests_total', { method: 'POST', route: '/invoices', status: '201' })).toBe(1);
  expect(sample(text, 'http_requests_total', { method: 'POST', route: '/invoices', status: '200' })).toBe(1);
  expect(sample(text, 'http_requests_total', { method: 'GET', route: '/invoices/:invoiceId', status: '200' })).toBe(1);
  // Refused by the key gate, still labelled with its route; an unknown path is one label, whatever its URL.
  expect(sample(text, 'http_requests_total', { method: 'GET', route: '/invoices/:invoiceId', status: '401' })).toBe(1);
  expect(sample(text, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
  expect(sample(text, 'http_request_duration_seconds_count', { method: 'POST', route: '/invoices', status: '201' })).toBe(1);
  // Ids never become labels.
  expect(text).not.toContain('OBS-1');

  expect(sample(text, 'collections_notices_total', { channel: 'email', outcome: 'sent' })).toBe(1);
  expect(sample(text, 'collections_notices_total', { channel: 'none', outcome: 'suppressed' })).toBe(0);
  // The failed send is the message's first attempt, which checks the customer's hours before it sends.
  expect(failedActivity(text)).toEqual({ activity: 'sendMessageInWindow', count: 1 });
  // The process's own figures come along with the listener.
  expect(text).toMatch(/^process_cpu_seconds_total /m);
});

/** The one activity type with failures counted, and its count. */
function failedActivity(text: string): { activity: string; count: number } | undefined {
  const lines = text.split('\n').filter((line) => line.startsWith('collections_activity_failures_total{'));
  if (lines.length !== 1) return undefined;
  const [, activity, count] = /activity="([^"]+)"\} (\d+)/.exec(lines[0]) ?? [];
  return { activity, count: Number(count) };
}

test("the SDK's own worker metrics answer on TEMPORAL_METRICS_BIND_ADDRESS", async () => {
  const text = await eventually(() => scrape(sdkMetricsPort), (body) => /^temporal_/m.test(body));
  expect(text).toMatch(/^temporal_workflow_task_queue_poll_succeed\{/m);
  expect(text).toMatch(/^temporal_activity_execution_failed\{/m);
  expect(text).toMatch(/task_queue="collections-observability"/);
});

test('activity and workflow log lines reach pino with the run they belong to, and no personal data', async () => {
  const settled = logLines.find((line) => line.msg === 'notice settled');
  expect(settled).toMatchObject({
    component: 'temporal-sdk', sdkComponent: 'activity', level: 30,
    workflowId: expect.stringMatching(/^(invoice-OBS-1|customer-CUST-OBS)$/), runId: expect.any(String),
    activityType: expect.stringMatching(/^send(MessageInWindow|CustomerMessage)$/), taskQueue: 'collections-observability',
    channel: 'email', outcome: 'sent', noticeKey: 'invoice-OBS-1/step/reminder-7-days',
  });
  expect(settled).not.toHaveProperty('taskToken');
  expect(settled).not.toHaveProperty('workflowRunId');

  const failed = logLines.find((line) => line.msg === 'Activity failed');
  // The message's first attempt failed (it checks the customer's hours, then sends); its retry settled the notice.
  expect(failed).toMatchObject({ level: 40, workflowId: settled?.workflowId, activityType: 'sendMessageInWindow', attempt: 1, error: { message: expect.any(String) } });
  const workflowLine = logLines.find((line) => line.sdkComponent === 'worker' && line.msg === 'Workflow started' && line.workflowId === 'invoice-OBS-1');
  expect(workflowLine).toMatchObject({ runId: expect.any(String), workflowType: 'invoiceCollection', taskQueue: 'collections-observability' });

  const everything = JSON.stringify(logLines);
  expect(everything).not.toContain('ap@observed.example');
  expect(everything).not.toContain('Observed Traders');
  expect(Runtime.instance().logger).toBeDefined();
});
