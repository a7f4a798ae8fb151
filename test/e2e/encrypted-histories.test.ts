/**
 * Encrypted histories end to end: the engine (API, worker, activities) with PAYLOAD_ENCRYPTION_KEYS
 * configured on a real Temporal dev server. A history fetched by a client without the key holds no
 * customer name, email or amount, in any payload; the codec endpoint shows them to an auditor's key,
 * and refuses requests without a key or with a role that may not read them.
 */
import { randomBytes } from 'node:crypto';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { engineCodec, engineDataConverter } from '../../src/encryption/data-converter';
import type { EncryptionKey } from '../../src/encryption/encryption-codec';
import { ensureDefaultPolicy } from '../../src/policies/policy-store';
import { createCollectionsWorker } from '../../src/temporal/worker';
import { customerOutreachWorkflowId } from '../../workflows/customer-outreach/definitions';
import { invoiceWorkflowId } from '../../workflows/invoice-collection/definitions';
import { startTestApi, type TestApi } from '../support/api-server';
import { testActivities } from '../support/collections-worker';
import { freshDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/e2e-stack';
import { EVERY_DAY_POLICY } from '../support/invoice-fixtures';
import { startResendStandIn, type ResendStandIn } from '../support/resend-stand-in';
import { devServerEnvironment, workflowBundle } from '../support/temporal';

const TASK_QUEUE = 'encrypted-histories-e2e';
const UI_ORIGIN = 'http://localhost:8233';
// k1 sealed histories before the rotation; k2 seals from now on. Both open.
const ring: EncryptionKey[] = [{ id: 'k2', key: randomBytes(32) }, { id: 'k1', key: randomBytes(32) }];

const NAME = 'Quillfeather Stationers';
const EMAIL = 'ap@quillfeather.example';
const AMOUNT = 318_467;
const PAYMENT = 118_467;

let env: TestWorkflowEnvironment;
let db: TestDatabase;
let resend: ResendStandIn;
let worker: Worker;
let running: Promise<void>;
let api: TestApi;
let keys: { auditor: string; manager: string; collector: string; system: string };

beforeAll(async () => {
  [env, db, resend] = await Promise.all([devServerEnvironment(), freshDatabase(), startResendStandIn()]);
  await ensureDefaultPolicy(db.pool, EVERY_DAY_POLICY);
  // The engine as the worker and API roles build it: both take their data converter from the configured ring.
  const encryption = { keys: ring };
  worker = await createCollectionsWorker({
    connection: env.nativeConnection, namespace: 'default', taskQueue: TASK_QUEUE, activities: testActivities(db.pool, resend.baseUrl),
    workflowBundle: workflowBundle(), dataConverter: engineDataConverter(encryption),
  });
  running = worker.run();
  const client = new Client({ connection: env.connection, namespace: 'default', dataConverter: engineDataConverter(encryption) });
  api = await startTestApi({ db: db.pool, client, taskQueue: TASK_QUEUE, payloadCodec: engineCodec(encryption), codecCorsOrigins: [UI_ORIGIN] });
  keys = {
    auditor: await api.createKey('auditor'), manager: await api.createKey('manager'),
    collector: await api.createKey('collector'), system: await api.createKey('system'),
  };
}, 120_000);

afterAll(async () => {
  await api?.close();
  worker?.shutdown();
  await running;
  await Promise.all([env?.teardown(), db?.drop(), resend?.close()]);
});

async function call(path: string, body: unknown, key?: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

type JsonPayload = { metadata?: Record<string, string>; data?: string };

/**
 * Every payload in a history's JSON (any object with base64 `metadata.encoding`), wherever the event
 * keeps it; `searchAttributes` apart, since the server indexes those and no codec ever sees them
 * (so an engine that encrypts leaves amounts out of them).
 */
function payloadsIn(value: unknown, which: 'payloads' | 'search attributes' = 'payloads', inAttributes = false, found: JsonPayload[] = []): JsonPayload[] {
  if (Array.isArray(value)) value.forEach((item) => payloadsIn(item, which, inAttributes, found));
  else if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    if (typeof (object.metadata as Record<string, unknown> | undefined)?.encoding === 'string') {
      if (inAttributes === (which === 'search attributes')) found.push(object as JsonPayload);
    } else {
      for (const [key, item] of Object.entries(object)) payloadsIn(item, which, inAttributes || key === 'searchAttributes', found);
    }
  }
  return found;
}

const partition = <T>(items: T[], test: (item: T) => boolean): [T[], T[]] => [items.filter(test), items.filter((item) => !test(item))];
const fromBase64 = (text: string | undefined) => Buffer.from(text ?? '', 'base64').toString('utf8');

/** A history's payloads as anyone reading them sees them: metadata and data decoded from base64. */
function asRead(payloads: JsonPayload[]): string {
  return payloads.map((payload) => [...Object.values(payload.metadata ?? {}).map(fromBase64), fromBase64(payload.data)].join(' ')).join('\n');
}

/** The history's JSON without its search attributes (asserted on apart). */
function withoutSearchAttributes(historyJson: string): string {
  return JSON.stringify(JSON.parse(historyJson), (key, value: unknown) => (key === 'searchAttributes' ? undefined : value));
}

/** What a search for the customer's data finds in `text`. */
function customerDataIn(text: string): string[] {
  return [NAME, EMAIL, String(AMOUNT), '3,184.67', String(PAYMENT)].filter((secret) => text.includes(secret));
}

async function historyJson(handle: WorkflowHandle): Promise<string> {
  return historyToJSON(await handle.fetchHistory());
}

const registration = {
  invoiceId: 'ENC-1', invoiceNumber: 'ENC-1', amount: { amountMinor: AMOUNT, currency: 'USD' },
  issueDate: addDays(isoDateOf(Date.now()), -38), dueDate: addDays(isoDateOf(Date.now()), -8),
  paymentLink: 'https://pay.example.com/ENC-1',
  customer: { customerId: 'CUST-ENC', name: NAME, email: EMAIL, segment: 'enterprise', riskTier: 'orange' },
};

describe('an invoice run with PAYLOAD_ENCRYPTION_KEYS', () => {
  let invoice: WorkflowHandle;
  let outreach: WorkflowHandle;

  beforeAll(async () => {
    expect((await call('/invoices', registration, keys.system)).status).toBe(201);
    // Eight days late: the 7-day notice goes out at once, through the customer's outreach workflow (signalled from an activity's client).
    const sent = await eventually(async () => resend.delivered().filter((email) => email.idempotencyKey?.startsWith('invoice-ENC-1/')), (list) => list.length > 0);
    expect(sent[0].body).toMatchObject({ to: EMAIL });
    const paid = await call(`/invoices/ENC-1/payments`, { paymentId: 'enc-pay-1', amount: { amountMinor: PAYMENT, currency: 'USD' } }, keys.system);
    expect(paid.body).toMatchObject({ balance: { amountMinor: AMOUNT - PAYMENT } });
    // A client without the key: what anyone with access to the Temporal server reads.
    invoice = env.client.workflow.getHandle(invoiceWorkflowId('ENC-1'));
    outreach = env.client.workflow.getHandle(customerOutreachWorkflowId('CUST-ENC'));
  }, 60_000);

  test('a history read without the key shows no customer name, email or amount in any payload', async () => {
    for (const handle of [invoice, outreach]) {
      const json = await historyJson(handle);
      const payloads = payloadsIn(JSON.parse(json));
      expect(payloads.length).toBeGreaterThan(3);
      // Every payload is sealed (inputs, results, signals, updates, summaries), each naming the current key,
      // but the markers that the SDK's core writes itself: a patch id, or a local activity's bookkeeping
      // (its type, attempt and times; its result is sealed), nothing of the customer's.
      const [sealed, readable] = partition(payloads, (payload) => fromBase64(payload.metadata?.encoding) === 'binary/encrypted');
      expect(sealed.length).toBeGreaterThan(3);
      expect(new Set(sealed.map((payload) => fromBase64(payload.metadata?.['encryption-key-id'])))).toEqual(new Set(['k2']));
      const markerFields = [['deprecated', 'id'], ['activity_id', 'activity_type', 'attempt', 'backoff', 'complete_time', 'original_schedule_time', 'seq']];
      for (const payload of readable) expect(markerFields).toContainEqual(Object.keys(JSON.parse(fromBase64(payload.data))).sort());
      expect(customerDataIn(withoutSearchAttributes(json))).toEqual([]);
      expect(customerDataIn(asRead(payloads))).toEqual([]);
    }
  });

  test('search attributes stay readable, as Temporal indexes them, so they carry no amount: the balance is left out of them', async () => {
    const json = await historyJson(invoice);
    const attributes = payloadsIn(JSON.parse(json), 'search attributes');
    expect(attributes.length).toBeGreaterThan(0);
    expect(customerDataIn(asRead(attributes))).toEqual([]);
    const started = (await invoice.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields ?? {};
    expect(Object.keys(started)).not.toContain('BalanceDue');
    expect(Object.keys(started)).toEqual(expect.arrayContaining(['CustomerId', 'CollectionStatus', 'DaysPastDue']));
  });

  test('the codec endpoint shows the same history decoded to an auditor\'s key', async () => {
    const payloads = payloadsIn(JSON.parse(await historyJson(invoice)));
    const decoded = await call('/codec/decode', { payloads }, keys.auditor, { 'x-namespace': 'default' });
    expect(decoded.status).toBe(200);
    expect(decoded.body.payloads).toHaveLength(payloads.length);
    const text = (decoded.body.payloads as JsonPayload[]).map((payload) => fromBase64(payload.data)).join('\n');
    expect(customerDataIn(text)).toEqual(expect.arrayContaining([NAME, EMAIL, String(AMOUNT), String(PAYMENT)]));
    // And a client holding the key reads the workflow as before.
    const described = await api.fetch('/invoices/ENC-1', { key: keys.auditor });
    expect(((await described.json()) as { balance: unknown }).balance).toMatchObject({ amountMinor: AMOUNT - PAYMENT });
  });

  test('the codec endpoint refuses a request without a key (401) and a collector\'s key (403); encoding is for managers', async () => {
    const payloads = payloadsIn(JSON.parse(await historyJson(invoice))).slice(0, 1);
    const anonymous = await call('/codec/decode', { payloads });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(JSON.stringify(anonymous.body)).not.toContain(NAME);
    const collector = await call('/codec/decode', { payloads }, keys.collector);
    expect(collector.status).toBe(403);
    expect(collector.body.errors[0].field).toBe('header.authorization');
    expect((await call('/codec/decode', { payloads }, keys.system)).status).toBe(403);
    expect((await call('/codec/encode', { payloads: [] }, keys.auditor)).status).toBe(403);
    expect((await call('/codec/encode', { payloads: [] }, keys.manager)).status).toBe(200);
  });

  test('the Web UI, which cannot send our key in a header, uses an endpoint with the key in its path: the same roles apply', async () => {
    const payloads = payloadsIn(JSON.parse(await historyJson(invoice)));
    const preflight = await fetch(`${api.baseUrl}/codec/keys/${keys.auditor}/decode`, {
      method: 'OPTIONS', headers: { origin: UI_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    const decoded = await call(`/codec/keys/${keys.auditor}/decode`, { payloads }, undefined, { origin: UI_ORIGIN });
    expect(decoded.status).toBe(200);
    const text = (decoded.body.payloads as JsonPayload[]).map((payload) => fromBase64(payload.data)).join('\n');
    expect(customerDataIn(text)).toEqual(expect.arrayContaining([NAME, EMAIL, String(AMOUNT)]));
    expect((await call(`/codec/keys/${keys.collector}/decode`, { payloads }, undefined)).status).toBe(403);
    const unknown = await call('/codec/keys/ce_not_a_key/decode', { payloads }, undefined);
    expect(unknown.status).toBe(401);
    expect(JSON.stringify(unknown.body)).not.toContain('ce_not_a_key');
    expect((await call(`/codec/keys/${keys.auditor}/encode`, { payloads: [] }, undefined)).status).toBe(403);
  });
});

test('encode then decode through the endpoint round-trips, with the current key id; payloads sealed with the old key still open', async () => {
  const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(JSON.stringify({ customer: NAME })).toString('base64') };
  const encoded = await call('/codec/encode', { payloads: [plain] }, keys.manager);
  expect(encoded.status).toBe(200);
  expect(fromBase64(encoded.body.payloads[0].metadata['encryption-key-id'])).toBe('k2');
  expect(fromBase64(encoded.body.payloads[0].data)).not.toContain(NAME);
  const decoded = await call('/codec/decode', { payloads: encoded.body.payloads }, keys.auditor);
  expect(decoded.body.payloads).toEqual([plain]);

  const [sealedByK1] = await engineCodec({ keys: [ring[1]] })!.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"before the rotation"') }]);
  const old = await call('/codec/decode', { payloads: [{ metadata: Object.fromEntries(Object.entries(sealedByK1.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])), data: Buffer.from(sealedByK1.data!).toString('base64') }] }, keys.auditor);
  expect(fromBase64(old.body.payloads[0].data)).toBe('"before the rotation"');
});

test('a payload sealed with a key the engine does not hold is a 422 naming the key id; malformed payloads are 422s', async () => {
  const [foreign] = await engineCodec({ keys: [{ id: 'k0-retired', key: randomBytes(32) }] })!.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('1') }]);
  const json = { metadata: Object.fromEntries(Object.entries(foreign.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])), data: Buffer.from(foreign.data!).toString('base64') };
  const refused = await call('/codec/decode', { payloads: [json] }, keys.auditor);
  expect(refused.status).toBe(422);
  expect(refused.body.errors).toEqual([{ field: 'body.payloads.0', reason: expect.stringContaining('payload encrypted with key "k0-retired"') }]);
  expect((await call('/codec/decode', { payloads: [{ data: 'not base64!' }] }, keys.auditor)).body.errors[0].field).toBe('body.payloads.0.data');
  expect((await call('/codec/decode', { payload: [] }, keys.auditor)).status).toBe(422);
});

test('the Web UI\'s origin gets CORS answers, a preflight without a key included; other origins do not', async () => {
  const preflight = await fetch(`${api.baseUrl}/codec/decode`, {
    method: 'OPTIONS',
    headers: { origin: UI_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Content-Type, X-Namespace, Authorization/);
  expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

  const decoded = await call('/codec/decode', { payloads: [] }, keys.auditor, { origin: UI_ORIGIN });
  expect(decoded.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  const refused = await call('/codec/decode', { payloads: [] }, undefined, { origin: UI_ORIGIN });
  expect(refused.status).toBe(401);
  expect(refused.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);

  const elsewhere = await fetch(`${api.baseUrl}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
});
