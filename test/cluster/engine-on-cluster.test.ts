/**
 * The engine as it is deployed: a real Temporal server on Postgres (not the dev server), the worker
 * and the API as separate processes configured from the environment, email through the Resend SDK
 * to the stand-in, and an admin key made with the command line. In real time: the policy's first
 * step is due at once for an invoice already overdue. The tests run in order on one deployment.
 */
import { createConnection } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { ensureDefaultPolicy } from '../../src/policies/policy-store';
import { invoiceWorkflowId } from '../../workflows/invoice-collection/definitions';
import { runCommandLine } from '../support/command-line';
import { freshDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/e2e-stack';
import { killRole, readiness, startRole, type RoleName, type RoleProcess } from '../support/engine-processes';
import { freePort } from '../support/free-port';
import { EVERY_DAY_POLICY } from '../support/invoice-fixtures';
import { startResendStandIn, type ResendStandIn } from '../support/resend-stand-in';
import { startTemporalCluster, type TemporalCluster } from '../support/temporal-cluster';

// A paid invoice's workflow ends at once (no chargeback window), so a test can see it complete.
const POLICY = { ...EVERY_DAY_POLICY, chargebacks: { windowDays: 0 } };
const TASK_QUEUE = 'collections-cluster';
const today = isoDateOf(Date.now());

let cluster: TemporalCluster;
let db: TestDatabase;
let resend: ResendStandIn;
let temporal: { connection: Connection; client: Client };
let env: NodeJS.ProcessEnv;
const ports = { api: 0, worker: 0 };
const roles: Partial<Record<RoleName, RoleProcess>> = {};
let adminKey: string;

beforeAll(async () => {
  // One at a time, so that whatever started is assigned and closed by afterAll if a later part fails.
  resend = await startResendStandIn();
  db = await freshDatabase();
  cluster = await startTemporalCluster({ adminUrl: process.env.TEST_POSTGRES_ADMIN_URL as string });
  await ensureDefaultPolicy(db.pool, POLICY);
  env = {
    TEMPORAL_ADDRESS: cluster.address, TEMPORAL_NAMESPACE: cluster.namespace, TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    DATABASE_URL: db.url, DATABASE_POOL_SIZE: '5',
    RESEND_API_KEY: 're_cluster_test', RESEND_BASE_URL: resend.baseUrl,
    RATE_LIMIT_REQUESTS: '100000', WORKER_SHUTDOWN_GRACE_SECONDS: '15',
  };
  const created = await runCommandLine({ DATABASE_URL: db.url }, ['keys', 'create', '--holder', 'Cluster operations', '--role', 'admin']);
  adminKey = /ce_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/.exec(created.stdout)?.[0] as string;
  expect(adminKey).toBeDefined();
  [ports.api, ports.worker] = [await freePort(), await freePort()];
  [roles.worker, roles.api] = await Promise.all([startRole('worker', env, ports.worker), startRole('api', env, ports.api)]);
  const connection = await Connection.connect({ address: cluster.address });
  temporal = { connection, client: new Client({ connection, namespace: cluster.namespace }) };
}, 600_000);

afterAll(async () => {
  await Promise.all([killRole(roles.worker), killRole(roles.api)]);
  await temporal?.connection.close();
  await Promise.all([cluster?.stop(), db?.drop(), resend?.close()]);
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`http://127.0.0.1:${ports.api}/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** An invoice eight days overdue: the policy's first notice is due the moment it is registered. */
function overdueInvoice(invoiceId: string, amountMinor = 120_000) {
  return {
    invoiceId, invoiceNumber: `N-${invoiceId}`, amount: { amountMinor, currency: 'USD' }, dueDate: addDays(today, -8),
    customer: { customerId: `C-${invoiceId}`, name: `Customer ${invoiceId}`, email: `ap@${invoiceId.toLowerCase()}.example` },
  };
}

/** Emails the stand-in accepted for an invoice's customer, one per idempotency key. */
function emailsTo(invoiceId: string) {
  return resend.delivered().filter((email) => [email.body.to].flat().includes(`ap@${invoiceId.toLowerCase()}.example`));
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(true));
  });
}

test('both roles are live and ready; readiness checks Postgres and Temporal', async () => {
  for (const role of [roles.api, roles.worker] as RoleProcess[]) {
    expect((await fetch(`${role.healthUrl}/live`)).status).toBe(200);
    const ready = await fetch(`${role.healthUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', postgres: 'ok', temporal: 'ok' });
  }
  expect(await (await fetch(`${roles.worker?.healthUrl}/ready`)).json()).toMatchObject({ worker: 'running' });
  expect((await fetch(`http://127.0.0.1:${ports.api}/v1/health`)).status).toBe(200);
  const system = await temporal.connection.workflowService.getSystemInfo({});
  expect(system.serverVersion).toBe('1.29.1');
});

test('an invoice registered through the API gets its notice at once; paying it in full clears the balance and completes its workflow', async () => {
  expect((await call('POST', '/invoices', overdueInvoice('CL-1'))).status).toBe(201);
  const sent = await eventually(async () => emailsTo('CL-1'), (emails) => emails.length === 1, 60_000);
  expect(sent).toHaveLength(1);
  expect(sent[0].authorization).toBe('Bearer re_cluster_test');

  const paid = await call('POST', '/invoices/CL-1/payments', { paymentId: 'CL-1-ACH', amount: { amountMinor: 120_000, currency: 'USD' } });
  expect(paid).toMatchObject({ status: 200, body: { status: 'paid', balance: { amountMinor: 0 } } });
  await temporal.client.workflow.getHandle(invoiceWorkflowId('CL-1')).result();
  expect((await temporal.client.workflow.getHandle(invoiceWorkflowId('CL-1')).describe()).status.name).toBe('COMPLETED');
  expect((await call('GET', '/invoices/CL-1')).body).toMatchObject({ status: 'paid', balance: { amountMinor: 0 } });
});

test('a dispute routes a task to the collectors\' worklist', async () => {
  expect((await call('POST', '/invoices', overdueInvoice('CL-2'))).status).toBe(201);
  const opened = await call('POST', '/invoices/CL-2/disputes', { disputeId: 'CL-2-D', category: 'pricing', amount: { amountMinor: 20_000, currency: 'USD' } });
  expect(opened).toMatchObject({ status: 201, body: { disputes: [{ disputeId: 'CL-2-D', status: 'open' }] } });
  const tasks = await eventually(async () => (await call('GET', '/tasks')).body.tasks as { invoiceId: string; kind: string }[],
    (list) => list.some((task) => task.invoiceId === 'CL-2' && task.kind === 'dispute'));
  expect(tasks).toEqual(expect.arrayContaining([expect.objectContaining({ invoiceId: 'CL-2', kind: 'dispute' })]));
});

test('a worker killed mid-send and started again loses no payment and sends no notice twice', async () => {
  const ids = ['CL-K1', 'CL-K2', 'CL-K3'];
  // Slow answers keep a send in flight when the worker dies: its outcome is unknown to the engine.
  resend.behave({ delayMs: 3_000 });
  const before = resend.requests.length;
  for (const id of ids) expect((await call('POST', '/invoices', overdueInvoice(id))).status).toBe(201);
  expect(await eventually(async () => resend.requests.length, (count) => count > before, 60_000)).toBeGreaterThan(before);
  roles.worker?.child.kill('SIGKILL');
  expect((await roles.worker?.exited)?.signal).toBe('SIGKILL');
  resend.behave({});

  // Payments while no worker runs: each waits in its request until a worker applies it.
  const payments = ids.map((id) => call('POST', `/invoices/${id}/payments`, { paymentId: `${id}-ACH`, amount: { amountMinor: 20_000, currency: 'USD' } }));
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  roles.worker = await startRole('worker', env, ports.worker);
  for (const answer of await Promise.all(payments)) expect(answer).toMatchObject({ status: 200, body: { balance: { amountMinor: 100_000 } } });
  // The kill cut a send short (the stand-in never answered it); it went out again under its key.
  const interrupted = resend.requests.slice(before).find((request) => request.acceptedAt === undefined);
  expect(interrupted).toBeDefined();
  await eventually(async () => resend.delivered().filter((email) => email.idempotencyKey === interrupted?.idempotencyKey), (list) => list.length === 1, 90_000);

  for (const id of ids) {
    // The interrupted send is attempted again under the same idempotency key: one email reaches the customer.
    const emails = await eventually(async () => emailsTo(id), (list) => list.length >= 1, 90_000);
    expect(emails).toHaveLength(1);
    // The engine records the send once the provider's answer is back: one row, marked sent once.
    const sent = await eventually(async () => (await db.pool.query<{ status: string }>('SELECT status FROM communications WHERE invoice_id = $1', [id])).rows,
      (rows) => rows.every((row) => row.status === 'sent'));
    expect(sent).toEqual([{ status: 'sent' }]);
    const invoice = await call('GET', `/invoices/${id}`);
    expect(invoice.body).toMatchObject({ status: 'in_collection', balance: { amountMinor: 100_000 } });
    const repeated = await call('POST', `/invoices/${id}/payments`, { paymentId: `${id}-ACH`, amount: { amountMinor: 20_000, currency: 'USD' } });
    expect(repeated.body).toMatchObject({ duplicate: true, balance: { amountMinor: 100_000 } });
  }
}, 300_000);

test('SIGTERM to the worker drains it: readiness turns to stopping, the running send finishes, and it exits 0', async () => {
  resend.behave({ delayMs: 4_000 });
  const before = resend.requests.length;
  expect((await call('POST', '/invoices', overdueInvoice('CL-W1'))).status).toBe(201);
  await eventually(async () => resend.requests.length, (count) => count > before, 60_000);
  const inFlight = resend.requests[before];
  const worker = roles.worker as RoleProcess;
  worker.child.kill('SIGTERM');
  expect(await eventually(() => readiness(worker), (status) => status === 503, 3_000)).toBe(503);
  expect(await worker.exited).toEqual({ code: 0, signal: null });
  // Accepted before the worker left: the activity was let finish, not cancelled mid-send.
  expect(inFlight.acceptedAt).toBeDefined();
  expect(worker.output()).toContain('"msg":"stopped"');
  resend.behave({});
  roles.worker = await startRole('worker', env, ports.worker);
  expect(await eventually(async () => emailsTo('CL-W1'), (list) => list.length === 1, 30_000)).toHaveLength(1);
}, 300_000);

test('SIGTERM to the API: it refuses new connections, answers the request it is running, and exits 0', async () => {
  const api = roles.api as RoleProcess;
  // A lock on the worklist holds a GET /tasks in the database, so a request is running when the signal comes.
  const lock = await db.pool.connect();
  try {
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE');
    const running = call('GET', '/tasks');
    const waiting = await eventually(async () => (await db.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%tasks%'")).rows[0].n as number,
      (n) => n > 0);
    expect(waiting).toBeGreaterThan(0);
    api.child.kill('SIGTERM');
    expect(await eventually(() => portRefuses(ports.api), Boolean, 5_000)).toBe(true);
    expect(api.child.exitCode).toBeNull();
    await lock.query('COMMIT');
    expect((await running).status).toBe(200);
  } finally {
    lock.release();
  }
  expect(await api.exited).toEqual({ code: 0, signal: null });
  expect(api.output()).toContain('"msg":"stopped"');
}, 120_000);
