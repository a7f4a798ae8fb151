/**
 * Tracing end to end: with an OTLP endpoint configured, one API request to register an invoice is one
 * trace, from the request's span through StartWorkflow and RunWorkflow to the activities the workflow
 * runs, received by a local OTLP/HTTP collector stand-in. A real dev server, worker, Postgres and API.
 */
import { createServer, type Server } from 'node:http';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { createLogger } from '../../src/logger';
import { clientTracingInterceptors, startTracing, TRACING_WORKFLOW_MODULES, type Tracing } from '../../src/observability/tracing';
import { ensureDefaultPolicy } from '../../src/policies/policy-store';
import { installTemporalRuntime } from '../../src/temporal/runtime';
import { createCollectionsWorker, WORKFLOWS_PATH } from '../../src/temporal/worker';
import { startTestApi, type TestApi } from '../support/api-server';
import { testActivities } from '../support/collections-worker';
import { freshDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/e2e-stack';
import { EVERY_DAY_POLICY } from '../support/invoice-fixtures';
import { startResendStandIn, type ResendStandIn } from '../support/resend-stand-in';
import { devServerEnvironment } from '../support/temporal';

const TASK_QUEUE = 'collections-tracing';

interface ReceivedSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; service: string }

/** An OTLP/HTTP collector stand-in: keeps every span POSTed to /v1/traces (JSON, as the http exporter sends it). */
function startCollector(): Promise<{ url: string; spans: ReceivedSpan[]; requests: { path: string; type: string; body: string }[]; server: Server }> {
  const spans: ReceivedSpan[] = [];
  const requests: { path: string; type: string; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', body: text });
      const body = JSON.parse(text) as OtlpTraces;
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue ?? '';
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) spans.push({ traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId || undefined, name: span.name, service });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    resolve({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, spans, requests, server });
  }));
}

interface OtlpTraces {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value?: { stringValue?: string } }[] };
    scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string }[] }[];
  }[];
}

let collector: Awaited<ReturnType<typeof startCollector>>;
let tracing: Tracing;
let env: TestWorkflowEnvironment;
let db: TestDatabase;
let resend: ResendStandIn;
let worker: Worker;
let running: Promise<void>;
let api: TestApi;

beforeAll(async () => {
  installTemporalRuntime(createLogger('silent'));
  collector = await startCollector();
  // First: clients and workers made from here on carry the tracing interceptors.
  tracing = await startTracing({ endpoint: collector.url, serviceName: 'collections-engine-test' });
  const [environment, database, standIn, bundle] = await Promise.all([
    devServerEnvironment(), freshDatabase(), startResendStandIn(),
    // The workflow interceptors run in the sandbox, so this file's bundle carries them (the shared one does not).
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: [...TRACING_WORKFLOW_MODULES], logger: quietLogger }),
  ]);
  [env, db, resend] = [environment, database, standIn];
  await ensureDefaultPolicy(db.pool, EVERY_DAY_POLICY);
  worker = await createCollectionsWorker({
    connection: env.nativeConnection, namespace: 'default', taskQueue: TASK_QUEUE,
    activities: testActivities(db.pool, resend.baseUrl), workflowBundle: { code: bundle.code },
  });
  running = worker.run();
  const client = new Client({ connection: env.connection, namespace: 'default', interceptors: { workflow: clientTracingInterceptors() } });
  api = await startTestApi({ db: db.pool, client, taskQueue: TASK_QUEUE });
}, 180_000);

afterAll(async () => {
  await api?.close();
  worker?.shutdown();
  await running;
  await tracing?.stop();
  await Promise.all([env?.teardown(), db?.drop(), resend?.close()]);
  await new Promise((resolve) => collector?.server.close(resolve));
});

const quietLogger = {
  log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined,
  warn: (message: string) => console.warn(message), error: (message: string) => console.error(message),
};

const today = isoDateOf(Date.now());

test('registering an invoice is one trace: the request, StartWorkflow, RunWorkflow and the activities it runs', async () => {
  const response = await api.fetch('/invoices', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      invoiceId: 'TRACE-1', invoiceNumber: 'N-TRACE-1', amount: { amountMinor: 120_000, currency: 'USD' },
      issueDate: addDays(today, -38), dueDate: addDays(today, -8),
      customer: { customerId: 'CUST-TRACE', name: 'Traced Traders', email: 'ap@traced.example', segment: 'enterprise', riskTier: 'orange' },
    }),
  });
  expect(response.status).toBe(201);
  await eventually(async () => resend.delivered().filter((e) => e.idempotencyKey?.startsWith('invoice-TRACE-1/')), (list) => list.length > 0, 40_000);

  // A workflow's RunWorkflow span ends, and is exported, when the run ends: voiding the invoice ends it.
  expect((await api.fetch('/invoices/TRACE-1/cancel', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'voided: tracing test' }),
  })).status).toBe(202);
  const named = (name: string) => collector.spans.find((span) => span.name === name);
  await eventually(async () => named('RunWorkflow:invoiceCollection'), (span) => span !== undefined, 20_000);

  const request = named('POST /v1/invoices');
  expect(request).toMatchObject({ parentSpanId: undefined, service: 'collections-engine-test' });
  const trace = collector.spans.filter((span) => span.traceId === request?.traceId);
  const inTrace = (name: string) => trace.find((span) => span.name === name);
  const start = inTrace('StartWorkflow:invoiceCollection');
  const run = inTrace('RunWorkflow:invoiceCollection');
  const scheduled = inTrace('StartActivity:recordCollectionEvent');
  const executed = inTrace('RunActivity:recordCollectionEvent');
  expect(start?.parentSpanId).toBe(request?.spanId);
  expect(run?.parentSpanId).toBe(start?.spanId);
  expect(scheduled?.parentSpanId).toBe(run?.spanId);
  expect(executed?.parentSpanId).toBe(scheduled?.spanId);
  // The notice itself is sent by the customer's outreach workflow, reached through a signal: still the same trace.
  expect(inTrace('RunActivity:sendCustomerMessage')).toBeDefined();

  expect(collector.requests.every((r) => r.path === '/v1/traces' && r.type.startsWith('application/json'))).toBe(true);
  // Nothing of the customer travels in the spans: not in names, not in attributes (the workflows' search attributes are left out).
  const exported = collector.requests.map((r) => r.body).join('\n');
  expect(exported).toContain('invoice-TRACE-1');
  for (const personal of ['Traced Traders', 'ap@traced.example', 'CustomerId']) expect(exported).not.toContain(personal);
});
