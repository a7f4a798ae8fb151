/** The API edge refuses input that would be accepted but wrong: impossible payment dates, endless seasonal holds, header injection, spoofed names. */
import { newKeySchema } from '../../src/api/access/api-keys';
import { CALLER_FIELD_REASON } from '../../src/api/access/caller-fields';
import { fromZod } from '../../src/api/problem';
import { placeHoldSchema, promiseToPaySchema } from '../../src/api/lifecycle-request-schemas';
import { recordPaymentSchema, registerInvoiceSchema, writeOffDecisionSchema } from '../../src/api/request-schemas';
import { promiseMessage, writeOffDecisionMessage } from '../../src/domain/invoice-messages';
import type { z } from 'zod';

/** Each failing field as `path: reason`. */
function refusals(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

const payment = (receivedAt: string) => ({ paymentId: 'PAY-1', amount: { amountMinor: 100, currency: 'USD' }, receivedAt });
const invoice = (edit: (body: any) => void = () => undefined) => {
  const body = {
    invoiceId: 'INV-1', invoiceNumber: '1001', amount: { amountMinor: 100, currency: 'USD' }, dueDate: '2026-10-31',
    customer: { customerId: 'C-1', name: 'TechCorp Inc.', email: 'ap@techcorp.example' },
  };
  edit(body);
  return body;
};

describe('payment receivedAt', () => {
  test('a date in 2099 or in 1970 is refused, naming the field', () => {
    expect(refusals(recordPaymentSchema, payment('2099-01-01T00:00:00Z'))).toEqual(['receivedAt: must not be in the future']);
    expect(refusals(recordPaymentSchema, payment('1970-01-01T00:00:00Z'))).toEqual(['receivedAt: must not be before 2000-01-01']);
    expect(refusals(recordPaymentSchema, payment('1999-12-31T23:59:59-00:00'))).toEqual(['receivedAt: must not be before 2000-01-01']);
  });

  test('now, a few minutes of clock skew ahead, and 2000 onwards are accepted', () => {
    expect(refusals(recordPaymentSchema, payment(new Date(Date.now() + 60_000).toISOString()))).toEqual([]);
    expect(refusals(recordPaymentSchema, payment('2000-01-01T00:00:00Z'))).toEqual([]);
    expect(refusals(recordPaymentSchema, payment(new Date(Date.now() + 3_600_000).toISOString()))).toEqual(['receivedAt: must not be in the future']);
  });
});

test('a seasonal hold without an end date is refused on until; vip and legal holds need none', () => {
  const hold = { holdId: 'H-1', kind: 'seasonal', reason: 'year-end close' };
  expect(refusals(placeHoldSchema, hold)).toEqual(['until: is required for a seasonal hold: the date it ends (YYYY-MM-DD)']);
  expect(refusals(placeHoldSchema, { ...hold, until: '2027-01-15' })).toEqual([]);
  expect(refusals(placeHoldSchema, { ...hold, kind: 'legal' })).toEqual([]);
});

test('who decided and in which role is not the body\'s to say: the request schemas refuse it, naming each field', () => {
  const problemOf = (schema: z.ZodType, value: unknown) => fromZod(schema.safeParse(value).error!, 'body').errors;
  expect(problemOf(writeOffDecisionSchema, { approved: true, decidedBy: 'anon', role: 'cfo', extra: 1 })).toEqual([
    { field: 'body.decidedBy', reason: CALLER_FIELD_REASON },
    { field: 'body.role', reason: CALLER_FIELD_REASON },
    { field: 'body.extra', reason: 'is not a field of this request: remove it' },
  ]);
  expect(problemOf(promiseToPaySchema, { promiseId: 'P-1', amount: { amountMinor: 1, currency: 'USD' }, promisedDate: '2026-11-01', takenBy: 'x' }))
    .toEqual([{ field: 'body.takenBy', reason: CALLER_FIELD_REASON }]);
  expect(refusals(writeOffDecisionSchema, { approved: true, note: 'uncollectible' })).toEqual([]);
});

describe('text that can reach an email header or subject', () => {
  test.each([
    ['a line feed', '1001\nBcc: victim@example.com'],
    ['a carriage return', '1001\rX'],
    ['a tab', '1001\tX'],
    ['a C1 control', '1001\u0085X'],
    ['a line separator', '1001\u2028X'],
  ])('%s in the invoice number or the customer name is refused with the field', (_what, value) => {
    expect(refusals(registerInvoiceSchema, invoice((body) => { body.invoiceNumber = value; })))
      .toEqual(['invoiceNumber: must be one line without control characters (no line breaks or tabs)']);
    expect(refusals(registerInvoiceSchema, invoice((body) => { body.customer.name = value; })))
      .toEqual(['customer.name: must be one line without control characters (no line breaks or tabs)']);
  });

  test('header injection in the email address is refused', () => {
    expect(refusals(registerInvoiceSchema, invoice((body) => { body.customer.email = 'ap@techcorp.example\r\nBcc: x@evil.example'; })))
      .toEqual(['customer.email: must be an email address']);
  });

  test.each([0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069].map((code) => [code.toString(16).toUpperCase(), String.fromCharCode(code)]))(
    'bidirectional control U+%s in a name is refused', (_code, character) => {
      const reason = 'must not contain Unicode bidirectional override or isolate characters (U+202A–U+202E, U+2066–U+2069)';
      expect(refusals(registerInvoiceSchema, invoice((body) => { body.customer.name = `ACME ${character}cod.exe`; }))).toEqual([`customer.name: ${reason}`]);
      // Who decided reaches notices and letters: the key's holder it is taken from, and the workflow's message, refuse them too.
      expect(refusals(newKeySchema, { holder: `Ann${character}`, role: 'manager' })).toEqual([`holder: ${reason}`]);
      expect(refusals(writeOffDecisionMessage, { approved: true, decidedBy: `cfo${character}`, role: 'cfo' })).toEqual([`decidedBy: ${reason}`]);
      expect(refusals(promiseMessage, { promiseId: 'P-1', amount: { amountMinor: 1, currency: 'USD' }, promisedDate: '2026-11-01', takenBy: `x${character}` }))
        .toEqual([`takenBy: ${reason}`]);
    });

  test('names in other scripts and free text with line breaks stay accepted', () => {
    expect(refusals(registerInvoiceSchema, invoice((body) => { body.customer.name = 'שלום בע"מ — Müller & Søn'; }))).toEqual([]);
    expect(refusals(placeHoldSchema, { holdId: 'H-1', kind: 'legal', reason: 'counsel asked\nto pause' })).toEqual([]);
  });
});

test('an unpaired surrogate, which Postgres cannot store in a jsonb document, is refused in names and free text', () => {
  expect(refusals(registerInvoiceSchema, invoice((body) => { body.customer.name = 'ACME \ud800'; })))
    .toEqual(['customer.name: must be well-formed Unicode (no unpaired surrogate)']);
  expect(refusals(placeHoldSchema, { holdId: 'H-1', kind: 'legal', reason: 'x\udc00y' })).toEqual(['reason: must be well-formed Unicode (no unpaired surrogate)']);
  expect(refusals(registerInvoiceSchema, invoice((body) => { body.customer.name = 'ACME 😀'; }))).toEqual([]);
});

describe("the customer's whereabouts", () => {
  test('a time zone and a country drive contact windows; unknown ones are refused naming the field', () => {
    expect(refusals(registerInvoiceSchema, invoice((body) => { body.customer.timeZone = 'America/Los_Angeles'; body.customer.country = 'US'; }))).toEqual([]);
    expect(refusals(registerInvoiceSchema, invoice((body) => { body.customer.timeZone = 'Mars/Olympus'; })))
      .toEqual(['customer.timeZone: must be an IANA time zone such as America/Los_Angeles']);
    expect(refusals(registerInvoiceSchema, invoice((body) => { body.customer.country = 'XX'; })))
      .toEqual(['customer.country: must be an ISO 3166 country code in upper case whose public holidays are known, such as US']);
    expect(refusals(registerInvoiceSchema, invoice((body) => { body.customer.country = 'us'; }))).toHaveLength(1);
  });
});
