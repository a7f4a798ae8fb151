/**
 * Tracing end to end: with an OTLP endpoint configured, one API request to register an invoice is one
 * trace, from the request's span through StartWorkflow and RunWorkflow to the activities the workflow
 * runs, received by a local OTLP/HTTP collector stand-in. A real dev server, worker, Postgres and API.
 */
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
import { startOtlpCollector, type OtlpCollector } from '../support/otlp-collector';
import { startResendStandIn, type ResendStandIn } from '../support/resend-stand-in';
import { devServerEnvironment } from '../support/temporal';

const TASK_QUEUE = 'collections-tracing';

let collector: OtlpCollector;
let tracing: Tracing;
let env: TestWorkflowEnvironment;
let db: TestDatabase;
let resend: ResendStandIn;
let worker: Worker;
let running: Promise<void>;
let api: TestApi;

beforeAll(async () => {
  installTemporalRuntime(createLogger('silent'));
  collector = await startOtlpCollector();
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
  await collector?.close();
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
  expect(inTrace('RunActivity:sendMessageInWindow')).toBeDefined();

  expect(collector.requests.every((r) => r.path === '/v1/traces' && r.type.startsWith('application/json'))).toBe(true);
  // Nothing of the customer travels in the spans: not in names, not in attributes (the workflows' search attributes are left out).
  const exported = collector.requests.map((r) => r.body).join('\n');
  expect(exported).toContain('invoice-TRACE-1');
  for (const personal of ['Traced Traders', 'ap@traced.example', 'CustomerId']) expect(exported).not.toContain(personal);
});
