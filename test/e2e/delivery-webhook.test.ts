/**
 * Resend's delivery events on the whole engine: verified with the Resend SDK (Standard Webhooks
 * signatures), recorded once per event on every communication the message carried; a bounce stops
 * email to that address and, with no other channel on file, asks a collector to call about each
 * invoice it spoke for (the fall-back to another channel: test/workflows/contact-channels.test.ts).
 */
import { Webhook } from 'standardwebhooks';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { eventually, startE2eStack, type E2eStack } from '../support/e2e-stack';

const SECRET = `whsec_${Buffer.from('a delivery events secret for tests only!').toString('base64')}`;
let stack: E2eStack;
let erp: string;

beforeAll(async () => {
  process.env.RESEND_WEBHOOK_SECRET = SECRET; // read by the route when the request comes
  stack = await startE2eStack('delivery-webhook-e2e');
  erp = await stack.api.createKey('system', { holder: 'ERP' });
});

afterAll(async () => {
  delete process.env.RESEND_WEBHOOK_SECRET;
  await stack?.close();
});

/** Posts a Resend event signed as Resend signs it (or with `signature` instead). */
async function deliver(eventId: string, event: unknown, signature?: string) {
  const body = JSON.stringify(event);
  const timestamp = new Date();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'svix-id': eventId,
    'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'svix-signature': signature ?? new Webhook(SECRET).sign(eventId, timestamp, body),
  };
  const response = await fetch(`${stack.api.baseUrl}/webhooks/resend`, { method: 'POST', headers, body });
  return { status: response.status, body: await response.json() as Record<string, unknown> };
}

const bounce = (emailId: string) => ({
  type: 'email.bounced', created_at: new Date().toISOString(),
  data: { email_id: emailId, from: 'ar@example.com', to: ['ap@bounce.example'], subject: 'x', created_at: new Date().toISOString(), bounce: { type: 'Permanent', message: 'mailbox does not exist' } },
});

test('a bounce is recorded once, stops email to that address and, with no other channel, asks a collector to call', async () => {
  const registered = await stack.call('POST', '/invoices', {
    invoiceId: 'DW-1', invoiceNumber: 'N-DW-1', amount: { amountMinor: 120_000, currency: 'USD' }, dueDate: addDays(isoDateOf(Date.now()), -8),
    customer: { customerId: 'C-DW-1', name: 'Bouncing Bros', email: 'ap@bounce.example' },
  }, erp);
  expect(registered.status).toBe(201);
  const [sent] = await eventually(
    async () => (await stack.db.pool.query<{ provider_message_id: string | null }>("SELECT provider_message_id FROM communications WHERE invoice_id = 'DW-1' AND status = 'sent'")).rows,
    (rows) => rows.length === 1);
  const emailId = sent.provider_message_id as string;

  const first = await deliver('msg_bounce_1', bounce(emailId));
  expect(first).toEqual({ status: 200, body: { eventId: 'msg_bounce_1', type: 'email.bounced', status: 'recorded', communications: 1 } });
  const again = await deliver('msg_bounce_1', bounce(emailId));
  expect(again.body.status).toBe('duplicate');

  const [communication] = (await stack.db.pool.query("SELECT delivery FROM communications WHERE provider_message_id = $1", [emailId])).rows;
  expect(communication.delivery).toBe('bounced');
  // The address failed, not the customer: email to it stops, and with no other channel on file a collector calls.
  const contacts = (await stack.db.pool.query("SELECT channel, address, unusable_reason FROM customer_contacts WHERE customer_id = 'C-DW-1'")).rows;
  expect(contacts).toEqual([{ channel: 'email', address: 'ap@bounce.example', unusable_reason: 'email bounced (Permanent: mailbox does not exist)' }]);
  const redelivered = await eventually(
    async () => (await stack.db.pool.query("SELECT status, suppressed_reason FROM communications WHERE invoice_id = 'DW-1' AND idempotency_key LIKE '%/redelivered'")).rows,
    (rows) => rows.length === 1 && rows[0].status !== 'pending');
  expect(redelivered[0]).toEqual({ status: 'suppressed', suppressed_reason: 'no channel reaches the customer (email: email bounced (Permanent: mailbox does not exist))' });
  const tasks = await eventually(
    async () => (await stack.db.pool.query<{ title: string }>("SELECT title FROM tasks WHERE invoice_id = 'DW-1' AND kind = 'call'")).rows,
    (rows) => rows.length === 1);
  expect(tasks[0].title).toContain('did not arrive (email bounced (Permanent: mailbox does not exist))');
});

test('delivered events are recorded; other types and unknown messages change nothing', async () => {
  expect((await deliver('msg_open_1', { type: 'email.opened', data: { email_id: 'x' } })).body.status).toBe('ignored');
  expect((await deliver('msg_unknown_1', bounce('re_not_ours'))).body.status).toBe('unknown_message');
});

test('an unsigned, badly signed or malformed request is refused and stores nothing', async () => {
  const before = Number((await stack.db.pool.query('SELECT count(*) AS n FROM delivery_events')).rows[0].n);
  const forged = await deliver('msg_forged', bounce('re_x'), 'v1,bm90IGEgc2lnbmF0dXJl');
  expect(forged.status).toBe(401);
  expect(forged.body.errors).toEqual([expect.objectContaining({ field: 'header.svix-signature' })]);
  const unsigned = await fetch(`${stack.api.baseUrl}/webhooks/resend`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(unsigned.status).toBe(400);
  const malformed = await deliver('msg_malformed', { type: 'email.bounced', data: {} });
  expect(malformed.status).toBe(422);
  expect(Number((await stack.db.pool.query('SELECT count(*) AS n FROM delivery_events')).rows[0].n)).toBe(before);
});
