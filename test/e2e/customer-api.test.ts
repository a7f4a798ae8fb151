/**
 * The customer as a whole through the HTTP API on the whole engine: the communication timeline of
 * its outreach workflow, and the "do not dun" flag a manager sets and lifts (who set it comes from
 * the key). Bad input and unknown customers are refused with the field and the reason.
 */
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { eventually, startE2eStack, type E2eStack } from '../support/e2e-stack';

let stack: E2eStack;
let erp: string;
let manager: string;

beforeAll(async () => {
  stack = await startE2eStack('customer-e2e');
  erp = await stack.api.createKey('system', { holder: 'ERP' });
  manager = await stack.api.createKey('manager', { holder: 'Head of AR' });
});

afterAll(async () => {
  await stack?.close();
});

const today = isoDateOf(Date.now());

test('two overdue invoices of one customer: their timeline, and "do not dun" set and lifted by a manager', async () => {
  const customer = { customerId: 'C-API-1', name: 'Fabrikam Ltd', email: 'ap@fabrikam.example', timeZone: 'Europe/London', country: 'GB' };
  for (const invoiceId of ['CA-1', 'CA-2']) {
    const registered = await stack.call('POST', '/invoices', {
      invoiceId, invoiceNumber: `N-${invoiceId}`, amount: { amountMinor: 80_000, currency: 'GBP' }, dueDate: addDays(today, -8), customer,
    }, erp);
    expect(registered.status).toBe(201);
  }
  const timeline = await eventually(() => stack.call('GET', '/customers/C-API-1/communications', undefined, manager),
    (answer) => (answer.body?.messages ?? []).flatMap((m: { requestIds: string[] }) => m.requestIds).length === 2);
  expect(timeline.status).toBe(200);
  expect(timeline.body.messages[0].outcome).toMatch(/sent/);

  const set = await stack.call('POST', '/customers/C-API-1/do-not-dun', { on: true, reason: 'contract under renegotiation' }, manager);
  expect(set.status).toBe(202);
  expect(set.body).toEqual({ customerId: 'C-API-1', doNotDun: true, reason: 'contract under renegotiation', by: 'Head of AR' });
  const lifted = await stack.call('POST', '/customers/C-API-1/do-not-dun', { on: false, reason: 'signed' }, manager);
  expect(lifted.status).toBe(202);
});

test('bad input and unknown customers are refused, naming the field', async () => {
  const spoofed = await stack.call('POST', '/customers/C-API-1/do-not-dun', { on: true, reason: 'x', by: 'someone else' }, manager);
  expect(spoofed.status).toBe(422);
  expect(JSON.stringify(spoofed.body)).toContain('by');
  const notBoolean = await stack.call('POST', '/customers/C-API-1/do-not-dun', { on: 'yes', reason: 'x' }, manager);
  expect(notBoolean.status).toBe(422);
  expect(notBoolean.body.errors).toEqual([expect.objectContaining({ field: 'body.on' })]);
  expect((await stack.call('POST', '/customers/NOPE/do-not-dun', { on: true, reason: 'x' }, manager)).status).toBe(404);
  expect((await stack.call('GET', '/customers/NOPE/communications', undefined, manager)).status).toBe(404);
  expect((await stack.call('POST', '/customers/C-API-1/do-not-dun', { on: true, reason: 'x' }, erp)).status).toBe(403);
});
