/**
 * The customer as a whole through the HTTP API on the whole engine: the communication timeline of
 * its outreach workflow, and the "do not dun" flag a manager sets and lifts (who set it comes from
 * the key). Bad input and unknown customers are refused with the field and the reason.
 */
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { eventually, startE2eStack, type E2eStack } from '../support/e2e-stack';
import { EVERY_DAY_POLICY } from '../support/invoice-fixtures';

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

test("a customer's contacts: a collector changes them, a bad value is refused naming the field, and a letter customer's notice is a PDF to print", async () => {
  const collector = await stack.api.createKey('collector', { holder: 'Sam Collector' });
  const customer = { customerId: 'C-POST-1', name: 'Northwind Traders', email: 'ap@northwind.example' };
  const register = (invoiceId: string, dueDate: string) => stack.call('POST', '/invoices', {
    invoiceId, invoiceNumber: `N-${invoiceId}`, amount: { amountMinor: 45_000, currency: 'USD' }, dueDate, customer,
  }, erp);
  expect((await register('CP-1', addDays(today, 60))).status).toBe(201); // the customer exists; nothing is due for weeks

  const before = await stack.call('GET', '/customers/C-POST-1/contact', undefined, collector);
  expect(before.body).toEqual({ customerId: 'C-POST-1', channels: ['email'], contacts: [{ channel: 'email', name: null, address: 'ap@northwind.example', unusableReason: null }], doNotContact: { on: false, reason: null } });

  const badPhone = await stack.call('POST', '/customers/C-POST-1/contact', { sms: { phone: '555-0100' } }, collector);
  expect(badPhone.status).toBe(422);
  expect(badPhone.body.errors).toEqual([expect.objectContaining({ field: 'body.sms.phone', reason: expect.stringContaining('E.164') })]);
  const noContact = await stack.call('POST', '/customers/C-POST-1/contact', { channels: ['sms', 'email'] }, collector);
  expect(noContact.status).toBe(422);
  expect(noContact.body.errors).toEqual([expect.objectContaining({ field: 'body.channels', reason: expect.stringContaining('sms without a contact on file') })]);
  expect((await stack.call('GET', '/customers/C-POST-1/contact', undefined, collector)).body.channels).toEqual(['email']); // nothing half-applied

  const changed = await stack.call('POST', '/customers/C-POST-1/contact', {
    channels: ['letter', 'email'], letter: { name: 'Northwind Traders, Accounts Payable', postalAddress: '12 Harbour Road\nSeattle, WA 98101' },
  }, collector);
  expect(changed.status).toBe(200);
  expect(changed.body.channels).toEqual(['letter', 'email']);

  expect((await register('CP-2', addDays(today, -8))).status).toBe(201); // overdue: its reminder goes now, by post
  const listed = await eventually(() => stack.call('GET', '/letters', undefined, collector), (answer) => (answer.body?.letters ?? []).some((l: { customerId: string }) => l.customerId === 'C-POST-1'));
  const letter = listed.body.letters.find((l: { customerId: string }) => l.customerId === 'C-POST-1');
  expect(letter).toMatchObject({ recipientName: 'Northwind Traders, Accounts Payable', postalAddress: '12 Harbour Road\nSeattle, WA 98101', status: 'to_print' });
  const pdf = await fetch(`${stack.api.baseUrl}/letters/${letter.letterId}/pdf`, { headers: { authorization: `Bearer ${collector}` } });
  expect(pdf.status).toBe(200);
  expect(pdf.headers.get('content-type')).toBe('application/pdf');
  expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
  const printed = await stack.call('POST', `/letters/${letter.letterId}/printed`, {}, collector);
  expect(printed.body).toMatchObject({ letterId: letter.letterId, status: 'printed' });
  expect((await stack.call('GET', '/letters', undefined, collector)).body.letters.some((l: { letterId: string }) => l.letterId === letter.letterId)).toBe(false);
  expect((await stack.call('GET', '/letters/999999/pdf', undefined, collector)).status).toBe(404);
});

test('the Resend stand-in receives exactly one message per customer per window, naming each of its invoices', async () => {
  const policy = { ...EVERY_DAY_POLICY, policyId: 'merge-window', name: 'Every day, merged over 5 seconds', contact: { ...EVERY_DAY_POLICY.contact, mergeWindowSeconds: 5 } };
  delete (policy as { version?: number }).version;
  const saved = await stack.call('POST', '/policies', policy, manager);
  expect(saved.status).toBe(201);
  const customers = { 'C-WIN-A': ['WA-1', 'WA-2', 'WA-3'], 'C-WIN-B': ['WB-1', 'WB-2'] };
  for (const [customerId, invoiceIds] of Object.entries(customers)) {
    for (const invoiceId of invoiceIds) {
      const registered = await stack.call('POST', '/invoices', {
        invoiceId, invoiceNumber: `N-${invoiceId}`, amount: { amountMinor: 30_000, currency: 'USD' }, dueDate: addDays(today, -8), policyId: 'merge-window',
        customer: { customerId, name: `Customer ${customerId}`, email: `ap@${customerId.toLowerCase()}.example` },
      }, erp);
      expect(registered.status).toBe(201);
    }
  }
  const to = (customerId: string) => stack.resend.delivered().filter((email) => email.body.to === `ap@${customerId.toLowerCase()}.example`);
  await eventually(async () => Object.keys(customers).map(to), (lists) => lists.every((list) => list.length >= 1));
  await new Promise((resolve) => setTimeout(resolve, 6_000)); // a second window would have closed by now
  for (const [customerId, invoiceIds] of Object.entries(customers)) {
    const emails = to(customerId);
    expect(emails).toHaveLength(1);
    for (const invoiceId of invoiceIds) expect(emails[0].body.text).toContain(`#N-${invoiceId}`);
  }
}, 60_000);
