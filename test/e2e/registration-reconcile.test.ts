/**
 * An invoice saved without its workflow (the registering process killed between the two writes) is
 * found by reconciliation and dunned like any other; invoices with a workflow are left alone.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { RegisterInvoiceRequest } from '../../src/api/request-schemas';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { saveInvoice } from '../../src/invoices/invoice-store';
import {
  RECONCILED_EVENT_TYPE, reconcileRegistrations, startRegistrationReconciler,
} from '../../src/invoices/reconcile-registrations';
import { latestPolicy, saveNextVersion } from '../../src/policies/policy-store';
import { invoiceWorkflowId, type InvoiceCollectionInput } from '../../workflows/invoice-collection/definitions';
import { eventually, startE2eStack, type E2eStack } from '../support/e2e-stack';

const TASK_QUEUE = 'collections-reconcile-e2e';
const POLICY_ID = 'every-day';
const ROOT = path.join(__dirname, '..', '..');

let stack: E2eStack;

beforeAll(async () => {
  stack = await startE2eStack(TASK_QUEUE);
  // Contact on every day, so the first notice goes out today whatever the weekday.
  await saveNextVersion(stack.db.pool, { ...DEFAULT_POLICY, policyId: POLICY_ID, contact: { ...DEFAULT_POLICY.contact, quietWeekdays: [], businessHours: { startHour: 0, endHour: 24 }, mergeWindowSeconds: 0 } });
});

afterAll(async () => {
  await stack?.close();
});

const deps = () => ({ db: stack.db.pool, client: stack.env.client, taskQueue: TASK_QUEUE });

/** A registration request for an invoice ten days past due: its 7-day reminder is due at once. */
function request(): RegisterInvoiceRequest {
  const id = randomUUID().slice(0, 8);
  const today = isoDateOf(Date.now());
  return {
    invoiceId: `INV-R-${id}`,
    invoiceNumber: `R-${id}`,
    amount: { amountMinor: 245_000, currency: 'USD' },
    issueDate: addDays(today, -40),
    dueDate: addDays(today, -10),
    policyId: POLICY_ID,
    paymentLink: `https://pay.example.com/${id}`,
    // A VIP: the flag lives only in the registration request, so reconciliation must keep it.
    customer: { customerId: `CUST-R-${id}`, name: 'TechCorp Inc.', email: 'ap@techcorp.example', segment: 'enterprise', riskTier: 'orange', vip: true },
  };
}

/** The workflow input registration builds for `body` (see registerInvoice). */
async function registrationInput(body: RegisterInvoiceRequest): Promise<InvoiceCollectionInput> {
  return {
    invoice: {
      invoiceId: body.invoiceId, invoiceNumber: body.invoiceNumber, amount: body.amount,
      issueDate: body.issueDate, dueDate: body.dueDate, paymentLink: body.paymentLink,
    },
    customer: body.customer,
    policy: await latestPolicy(stack.db.pool, POLICY_ID),
  };
}

/** Runs a registration in its own process and SIGKILLs it once the row is saved and the workflow start is under way. */
async function registerAndKill(body: RegisterInvoiceRequest): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'processes', 'register-then-hang.ts')], {
    cwd: ROOT,
    env: { ...process.env, REGISTER_DATABASE_URL: stack.db.url, REGISTER_REQUEST: JSON.stringify(body) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const saved = await eventually(
    async () => (await stack.db.pool.query('SELECT 1 FROM invoices WHERE invoice_id = $1', [body.invoiceId])).rowCount,
    (count) => count === 1 || child.exitCode !== null,
    30_000,
  );
  child.kill('SIGKILL');
  const ending = await exited;
  if (saved !== 1) throw new Error(`the registering process ended (${ending}) before saving the invoice: ${stderr}`);
  expect(ending).toBe('SIGKILL');
}

async function events(invoiceId: string): Promise<{ type: string; summary: string }[]> {
  return (await stack.db.pool.query('SELECT type, summary FROM collection_events WHERE invoice_id = $1 ORDER BY occurred_at, event_id', [invoiceId])).rows;
}

async function workflowInput(invoiceId: string): Promise<unknown> {
  const history = await stack.env.client.workflow.getHandle(invoiceWorkflowId(invoiceId)).fetchHistory();
  const payload = history.events?.[0].workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload(payload as never) : undefined;
}

test('an invoice whose registering process was killed after saving it gets its workflow, first notice and a timeline event from reconciliation', async () => {
  const body = request();
  await registerAndKill(body);
  await expect(stack.env.client.workflow.getHandle(invoiceWorkflowId(body.invoiceId)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

  expect(await reconcileRegistrations(deps(), { olderThanMs: 0 })).toEqual([body.invoiceId]);

  const description = await stack.env.client.workflow.getHandle(invoiceWorkflowId(body.invoiceId)).describe();
  expect(description.status.name).toBe('RUNNING');
  const input = await workflowInput(body.invoiceId) as InvoiceCollectionInput;
  expect(input).toEqual(JSON.parse(JSON.stringify(await registrationInput(body))));
  expect(input.customer.vip).toBe(true);
  const row = await eventually(
    async () => (await stack.db.pool.query('SELECT status, aging_bucket FROM invoices WHERE invoice_id = $1', [body.invoiceId])).rows[0],
    (invoice) => invoice.status === 'in_collection',
  );
  expect(row).toEqual({ status: 'in_collection', aging_bucket: '1-30' });
  const notices = await eventually(
    async () => stack.resend.delivered().filter((email) => email.idempotencyKey?.startsWith(`${invoiceWorkflowId(body.invoiceId)}/`)),
    (delivered) => delivered.length > 0,
  );
  expect(notices.map((email) => email.idempotencyKey?.split('/').at(-1))).toEqual(['reminder-7-days']);
  const timeline = await eventually(() => events(body.invoiceId), (entries) => entries.some((entry) => entry.type === 'collection_started'));
  expect(timeline.map((entry) => entry.type).slice(0, 2)).toEqual([RECONCILED_EVENT_TYPE, 'collection_started']);

  // A second pass (or another worker's) finds nothing to do and records nothing.
  expect(await reconcileRegistrations(deps(), { olderThanMs: 0 })).toEqual([]);
  expect((await events(body.invoiceId)).filter((entry) => entry.type === RECONCILED_EVENT_TYPE)).toHaveLength(1);
});

test('reconciliation leaves alone invoices registered whole and rows young enough to be a registration in flight', async () => {
  const registered = request();
  expect((await stack.call('POST', '/invoices', registered)).status).toBe(201);
  const inFlight = request();
  await saveInvoice(stack.db.pool, await registrationInput(inFlight));

  expect(await reconcileRegistrations(deps())).toEqual([]);
  expect(await reconcileRegistrations(deps(), { olderThanMs: 0 })).toEqual([inFlight.invoiceId]);
  expect((await events(registered.invoiceId)).map((entry) => entry.type)).not.toContain(RECONCILED_EVENT_TYPE);
});

test('one pass reads every page of unstarted invoices', async () => {
  const bodies = [request(), request(), request(), request(), request()];
  for (const body of bodies) await saveInvoice(stack.db.pool, await registrationInput(body));
  const started = await reconcileRegistrations(deps(), { olderThanMs: 0, pageSize: 2 });
  expect([...started].sort()).toEqual(bodies.map((body) => body.invoiceId).sort());
});

test("the worker's reconciler starts missing workflows at start-up and then on its interval", async () => {
  const before = request();
  await saveInvoice(stack.db.pool, await registrationInput(before));
  const reconciler = startRegistrationReconciler(deps(), { intervalMs: 300, olderThanMs: 0 });
  try {
    const after = request();
    const started = await eventually(
      async () => (await stack.db.pool.query('SELECT 1 FROM collection_events WHERE invoice_id = $1 AND type = $2', [before.invoiceId, RECONCILED_EVENT_TYPE])).rowCount,
      (count) => count === 1,
    );
    expect(started).toBe(1);
    await saveInvoice(stack.db.pool, await registrationInput(after));
    const later = await eventually(() => events(after.invoiceId), (entries) => entries.some((entry) => entry.type === 'collection_started'));
    expect(later.map((entry) => entry.type)).toContain(RECONCILED_EVENT_TYPE);
  } finally {
    await reconciler.stop();
  }
});

test('a repeat registration starts the workflow with the customer saved first, as reconciliation would', async () => {
  const body = request();
  await saveInvoice(stack.db.pool, await registrationInput(body));
  // Customer details other than the id do not make a repeat a conflict (the hash leaves them out).
  const repeat = { ...body, customer: { ...body.customer, name: 'TechCorp Renamed', vip: false } };
  expect((await stack.call('POST', '/invoices', repeat)).status).toBe(200);

  const input = await workflowInput(body.invoiceId) as InvoiceCollectionInput;
  expect(input.customer).toEqual(body.customer);
  expect(input.customer.vip).toBe(true);
});

test('rows saved before the customer was kept are reconciled with the customer record', async () => {
  const body = request();
  await saveInvoice(stack.db.pool, await registrationInput(body));
  await stack.db.pool.query('UPDATE invoices SET customer_snapshot = NULL WHERE invoice_id = $1', [body.invoiceId]);

  expect(await reconcileRegistrations(deps(), { olderThanMs: 0 })).toEqual([body.invoiceId]);
  const { vip: _unsaved, ...recorded } = body.customer;
  expect((await workflowInput(body.invoiceId) as InvoiceCollectionInput).customer).toEqual(recorded);
});
