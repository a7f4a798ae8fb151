/**
 * Channels on the time-skipping server: a customer reached by SMS (through the real Twilio SDK
 * against a stand-in) or by a printable letter, in their order of preference; a provider that fails,
 * drops the connection or refuses the number; never a text twice.
 */
import { twilioTransport } from '../../activities/notices/sms-transport';
import { changeCustomerContacts, type CustomerContactChange } from '../../src/customers/customer-contacts';
import { receiveDeliveryEvent } from '../../src/notices/delivery-events';
import { cancelInvoiceSignal, recordPaymentUpdate, type InvoiceCollectionInput } from '../../workflows/invoice-collection/definitions';
import { DAY, settled, startCollectionTestBed, type CollectionTestBed } from '../support/collection-test-bed';
import { startTwilioStandIn, type TwilioStandIn } from '../support/twilio-stand-in';

const SMS_FROM = '+15550100999';
let bed: CollectionTestBed;
let twilio: TwilioStandIn;

beforeAll(async () => {
  twilio = await startTwilioStandIn();
  const sms = twilioTransport({ accountSid: twilio.accountSid, authToken: twilio.authToken, from: SMS_FROM, baseUrl: twilio.baseUrl });
  bed = await startCollectionTestBed('contact-channels-test', { timings: { sms, sendTimeoutMs: 2_000 } });
});

afterAll(async () => {
  await bed?.teardown();
  await twilio?.close();
});

afterEach(() => twilio.behave({}));

/** An invoice whose first reminder is two days away, for a customer whose contacts are then changed. */
async function invoiceFor(customerId: string, change: CustomerContactChange): Promise<InvoiceCollectionInput> {
  const input = await bed.start({ dueInDays: 5, customer: { customerId } });
  expect(await changeCustomerContacts(bed.db.pool, customerId, change)).not.toBeNull();
  return input;
}

async function firstReminder(input: InvoiceCollectionInput): Promise<void> {
  await bed.env.sleep(3 * DAY);
  await settled(bed.handleOf(input));
}

const communications = (input: InvoiceCollectionInput) => bed.rows<{ channel: string; recipient: string; status: string; body_text: string }>(
  'SELECT channel, recipient, status, body_text FROM communications WHERE invoice_id = $1 ORDER BY created_at', [input.invoice.invoiceId]);
const textsTo = (phone: string) => twilio.delivered().filter((sms) => sms.to === phone);
const emailsAbout = (input: InvoiceCollectionInput) => bed.resend.delivered().filter((email) => email.body.text.includes(input.invoice.invoiceNumber));
const end = (input: InvoiceCollectionInput) => bed.handleOf(input).signal(cancelInvoiceSignal, { reason: 'test over' });

test('a customer who prefers SMS gets a text from the sending number, naming the invoice, its balance and how to pay; no email', async () => {
  const phone = '+14155550101';
  const input = await invoiceFor('C-SMS', { channels: ['sms', 'email'], sms: { name: 'Dana', phone } });
  await firstReminder(input);
  const texts = textsTo(phone);
  expect(texts).toHaveLength(1);
  expect(texts[0].from).toBe(SMS_FROM);
  expect(texts[0].body).toContain(`Invoice #${input.invoice.invoiceNumber}, balance $1,250.00`);
  expect(texts[0].body).toContain(input.invoice.paymentLink);
  expect(emailsAbout(input)).toEqual([]);
  const [row] = await communications(input);
  expect(row).toMatchObject({ channel: 'sms', recipient: phone, status: 'sent', body_text: texts[0].body });
  await end(input);
});

test('a customer reached by post gets a printable letter, addressed to the named contact, queued for printing', async () => {
  const input = await invoiceFor('C-POST', { channels: ['letter'], letter: { name: 'Acme Corp, Accounts Payable', postalAddress: '500 Market Street\nSan Francisco, CA 94105' } });
  await firstReminder(input);
  const letters = await bed.rows<{ recipient_name: string; postal_address: string; status: string; pdf: Buffer; subject: string }>(
    'SELECT recipient_name, postal_address, status, pdf, subject FROM letters WHERE customer_id = $1', ['C-POST']);
  expect(letters).toHaveLength(1);
  expect(letters[0]).toMatchObject({ recipient_name: 'Acme Corp, Accounts Payable', postal_address: '500 Market Street\nSan Francisco, CA 94105', status: 'to_print' });
  expect(letters[0].pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(letters[0].pdf.length).toBeGreaterThan(1_000);
  expect(emailsAbout(input)).toEqual([]);
  const [row] = await communications(input);
  expect(row).toMatchObject({ channel: 'letter', status: 'sent', recipient: 'Acme Corp, Accounts Payable, 500 Market Street, San Francisco, CA 94105' });
  await end(input);
});

test('Twilio failing twice with a 500: the text is retried and the customer gets it once', async () => {
  const phone = '+14155550102';
  const input = await invoiceFor('C-SMS-FAIL', { channels: ['sms'], sms: { phone } });
  twilio.behave({ failNext: 2 });
  await firstReminder(input);
  expect(twilio.requests.filter((sms) => sms.to === phone)).toHaveLength(3);
  expect(textsTo(phone)).toHaveLength(1);
  await end(input);
});

test('a dropped connection leaves it unknown whether the text left: it is never sent a second time', async () => {
  const phone = '+14155550103';
  const input = await invoiceFor('C-SMS-DROP', { channels: ['sms'], sms: { phone } });
  twilio.behave({ dropNext: 1 });
  await firstReminder(input);
  expect(twilio.requests.filter((sms) => sms.to === phone)).toHaveLength(1);
  const [row] = await communications(input);
  expect(row).toMatchObject({ channel: 'sms', status: 'sent' });
  const events = await bed.rows<{ summary: string }>("SELECT summary FROM collection_events WHERE invoice_id = $1 AND type = 'notice_sent'", [input.invoice.invoiceId]);
  expect(events.map((e) => e.summary).join('\n')).toContain('did not confirm (not sent again)');
  await end(input);
});

test('a number Twilio refuses is marked unusable and the message falls back to the next channel, email', async () => {
  const phone = '+14155550104';
  const input = await invoiceFor('C-SMS-REFUSED', { channels: ['sms', 'email'], sms: { phone }, email: { address: 'ap@refused.example' } });
  twilio.behave({ refuse: [phone] });
  await firstReminder(input);
  expect(textsTo(phone)).toEqual([]);
  const emails = emailsAbout(input);
  expect(emails).toHaveLength(1);
  expect(emails[0].body.to).toBe('ap@refused.example');
  const contacts = await bed.rows<{ channel: string; unusable_reason: string | null }>('SELECT channel, unusable_reason FROM customer_contacts WHERE customer_id = $1 ORDER BY channel', ['C-SMS-REFUSED']);
  expect(contacts).toEqual([
    { channel: 'email', unusable_reason: null },
    { channel: 'sms', unusable_reason: expect.stringContaining('not a valid phone number') },
  ]);
  await end(input);
});

/** What the API's delivery webhook does with a verified bounce from Resend for this message. */
async function bounceOf(input: InvoiceCollectionInput, eventId: string): Promise<void> {
  const [sent] = await bed.rows<{ provider_message_id: string }>("SELECT provider_message_id FROM communications WHERE invoice_id = $1 AND status = 'sent' AND channel = 'email'", [input.invoice.invoiceId]);
  const outcome = await receiveDeliveryEvent({ db: bed.db.pool, client: bed.env.client, taskQueue: 'contact-channels-test' },
    { eventId, type: 'email.bounced', emailId: sent.provider_message_id, detail: 'Permanent: mailbox does not exist', payload: {} });
  expect(outcome.status).toBe('recorded');
  await bed.env.sleep(60_000);
  await settled(bed.handleOf(input));
}

test('a bounced email falls back to the next channel: the same reminder goes by SMS, and email to that address stops', async () => {
  const phone = '+14155550105';
  const input = await invoiceFor('C-BOUNCE-SMS', { channels: ['email', 'sms'], email: { address: 'ap@gone.example' }, sms: { phone } });
  await firstReminder(input);
  expect(emailsAbout(input)).toHaveLength(1);
  await bounceOf(input, 'msg_bounce_sms');
  const texts = textsTo(phone);
  expect(texts).toHaveLength(1);
  expect(texts[0].body).toContain(`Invoice #${input.invoice.invoiceNumber}`);
  const rows = await communications(input);
  expect(rows.map((r) => [r.channel, r.status])).toEqual([['email', 'sent'], ['sms', 'sent']]);
  // Delivered again for the same reason: the rule, policy version and figures of the first.
  const whys = await bed.rows<{ why: { rule: string } | null }>('SELECT why FROM communications WHERE invoice_id = $1 ORDER BY created_at', [input.invoice.invoiceId]);
  expect(whys[1].why).toEqual(whys[0].why);
  expect(whys[1].why?.rule).toContain('reminder-upcoming');
  expect(await bed.rows('SELECT kind FROM tasks WHERE invoice_id = $1', [input.invoice.invoiceId])).toEqual([]);
  // A bounce delivered twice changes nothing more.
  const again = await receiveDeliveryEvent({ db: bed.db.pool, client: bed.env.client, taskQueue: 'contact-channels-test' },
    { eventId: 'msg_bounce_sms', type: 'email.bounced', emailId: 'x', payload: {} });
  expect(again.status).toBe('duplicate');
  await end(input);
});

test('a bounce for an invoice paid since is not delivered again, and nobody is asked to call', async () => {
  const phone = '+14155550106';
  const input = await invoiceFor('C-BOUNCE-PAID', { channels: ['email', 'sms'], sms: { phone } });
  await firstReminder(input);
  await bed.handleOf(input).executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'PAY-BP-1', amount: input.invoice.amount, receivedAt: new Date(await bed.env.currentTimeMs()).toISOString() }] });
  await settled(bed.handleOf(input));
  await bounceOf(input, 'msg_bounce_paid');
  expect(textsTo(phone)).toEqual([]);
  expect(await bed.rows("SELECT kind FROM tasks WHERE invoice_id = $1 AND status = 'open'", [input.invoice.invoiceId])).toEqual([]);
});
