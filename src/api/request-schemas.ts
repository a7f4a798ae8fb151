/** The zod schemas of every request body, shared by validation and the API's documentation. */
import { z } from 'zod';
import { isIsoDate } from '../domain/calendar';
import { isKnownCurrency } from '../domain/money';
import { riskTierSchema, segmentSchema } from '../domain/policy/schema';

// Control characters (NUL above all) cannot be stored and never belong in these fields; free text
// may keep its line breaks and tabs.
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// A one-line value can reach an email header or subject: no line break, tab or other control
// character (C0, DEL, C1, the Unicode line and paragraph separators).
const CONTROL_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// Bidirectional overrides and isolates make a name display as something else than what it is.
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

// Half of a UTF-16 surrogate pair on its own is not text: Postgres refuses it in a jsonb document.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const WELL_FORMED = 'must be well-formed Unicode (no unpaired surrogate)';

/** Free text of bounded length (a reason, a note): line breaks allowed, other control characters not. */
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)
  .refine((value) => !CONTROL_IN_TEXT.test(value), 'must not contain control characters')
  .refine((value) => !LONE_SURROGATE.test(value), WELL_FORMED)
  .describe(`text, at most ${max} characters; line breaks allowed, other control characters not`);

/**
 * A one-line value of bounded length — a name, a number, who decided: it may reach an email's
 * subject or headers, so no line breaks or control characters, and no bidirectional overrides.
 */
export const singleLine = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)
  .refine((value) => !CONTROL_IN_LINE.test(value), 'must be one line without control characters (no line breaks or tabs)')
  .refine((value) => !BIDI_CONTROL.test(value), 'must not contain Unicode bidirectional override or isolate characters (U+202A–U+202E, U+2066–U+2069)')
  .refine((value) => !LONE_SURROGATE.test(value), WELL_FORMED)
  .describe(`one line, at most ${max} characters; no control characters, no bidirectional overrides or isolates`);

/** The earliest payment date accepted: older ones are data-entry errors (a 1970 epoch default, a two-digit year). */
export const EARLIEST_PAYMENT = '2000-01-01T00:00:00Z';
/** How far ahead of this server's clock a payer system's clock may run. */
export const PAYMENT_CLOCK_SKEW_MS = 5 * 60_000;

/** A business key that becomes part of a workflow id. */
export const businessKey = z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must start with a letter or digit and use only letters, digits, ".", "_", ":" and "-"')
  .describe('1 to 100 letters, digits, ".", "_", ":" or "-", starting with a letter or digit');

export const isoDate = z.string()
  .refine(isIsoDate, 'must be a calendar date written YYYY-MM-DD')
  .refine((value) => value >= '1990-01-01' && value <= '2199-12-31', 'must be between 1990-01-01 and 2199-12-31')
  .describe('calendar date YYYY-MM-DD, 1990-01-01 to 2199-12-31');

/** The largest policy version Postgres stores (an `integer` column). */
export const MAX_POLICY_VERSION = 2_147_483_647;

/** A policy version number in a body. */
export const policyVersionNumber = z.number({ error: 'must be a number' }).int('must be a whole number').positive('must be 1 or more')
  .max(MAX_POLICY_VERSION, `must be at most ${MAX_POLICY_VERSION}`);

/** A policy version number in a path or query string. */
export const policyVersionParam = z.coerce.number({ error: 'must be a number' }).pipe(policyVersionNumber);

export const moneySchema = z.object({
  amountMinor: z.number({ error: 'must be a number' }).int('must be an integer number of minor units (cents), not a decimal')
    .positive('must be greater than zero').max(Number.MAX_SAFE_INTEGER, 'is too large'),
  currency: z.string().refine(isKnownCurrency, 'must be an ISO 4217 currency code in upper case, such as USD').describe('ISO 4217 code in upper case, such as USD'),
}).strict();

export const registerInvoiceSchema = z.object({
  invoiceId: businessKey,
  invoiceNumber: singleLine(64),
  amount: moneySchema,
  issueDate: isoDate.optional(),
  dueDate: isoDate,
  policyId: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a policy id: lower-case letters, digits and dashes').max(100).optional(),
  paymentLink: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000)
    .refine((value) => !CONTROL_IN_LINE.test(value), 'must not contain control characters').optional(),
  customer: z.object({
    customerId: businessKey,
    name: singleLine(200),
    // zod's address pattern is ASCII without spaces or control characters: nothing can reach a header.
    email: z.email('must be an email address').max(320).optional(),
    segment: segmentSchema.default('smb'),
    riskTier: riskTierSchema.default('green'),
    vip: z.boolean({ error: 'must be true or false' }).optional(),
  }).strict(),
}).strict().refine((body) => !body.issueDate || body.issueDate <= body.dueDate, { path: ['issueDate'], message: 'must not be after dueDate' });

export type RegisterInvoiceRequest = z.infer<typeof registerInvoiceSchema>;

export const recordPaymentSchema = z.object({
  paymentId: businessKey,
  amount: moneySchema,
  /** When the money arrived: from 2000 on, and not in the future (beyond a few minutes of clock skew). */
  receivedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' })
    .refine((value) => !(Date.parse(value) < Date.parse(EARLIEST_PAYMENT)), 'must not be before 2000-01-01')
    .refine((value) => !(Date.parse(value) > Date.now() + PAYMENT_CLOCK_SKEW_MS), 'must not be in the future')
    .describe('ISO 8601 date-time with a time zone, from 2000-01-01 and not after now (5 minutes of clock skew allowed); default: now')
    .optional(),
  method: singleLine(40).optional(),
}).strict();

export type RecordPaymentRequest = z.infer<typeof recordPaymentSchema>;

export const cancelInvoiceSchema = z.object({ reason: text(500) }).strict();

export const writeOffDecisionSchema = z.object({
  approved: z.boolean({ error: 'must be true or false' }),
  decidedBy: singleLine(200),
  /** The approver's role in the policy's write-off hierarchy; required to approve. */
  role: singleLine(100).optional(),
  note: text(1000).optional(),
}).strict().refine((decision) => !decision.approved || decision.role !== undefined, { path: ['role'], message: 'is required to approve a write-off' });

export const invoiceIdParams = z.object({ invoiceId: businessKey });
