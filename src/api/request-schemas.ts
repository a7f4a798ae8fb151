/** The zod schemas of every request body, shared by validation and the API's documentation. */
import { z } from 'zod';
import { isIsoDate } from '../domain/calendar';
import { isKnownCurrency } from '../domain/money';
import { riskTierSchema, segmentSchema } from '../domain/policy/schema';

// Control characters (NUL above all) cannot be stored and never belong in these fields.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Free text of bounded length, without control characters. */
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)
  .refine((value) => !CONTROL.test(value), 'must not contain control characters');

/** A business key that becomes part of a workflow id. */
export const businessKey = z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must start with a letter or digit and use only letters, digits, ".", "_", ":" and "-"');

export const isoDate = z.string()
  .refine(isIsoDate, 'must be a calendar date written YYYY-MM-DD')
  .refine((value) => value >= '1990-01-01' && value <= '2199-12-31', 'must be between 1990-01-01 and 2199-12-31');

export const moneySchema = z.object({
  amountMinor: z.number({ error: 'must be a number' }).int('must be an integer number of minor units (cents), not a decimal')
    .positive('must be greater than zero').max(Number.MAX_SAFE_INTEGER, 'is too large'),
  currency: z.string().refine(isKnownCurrency, 'must be an ISO 4217 currency code in upper case, such as USD'),
}).strict();

export const registerInvoiceSchema = z.object({
  invoiceId: businessKey,
  invoiceNumber: text(64),
  amount: moneySchema,
  issueDate: isoDate.optional(),
  dueDate: isoDate,
  policyId: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a policy id: lower-case letters, digits and dashes').max(100).optional(),
  paymentLink: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000).optional(),
  customer: z.object({
    customerId: businessKey,
    name: text(200),
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
  receivedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' }).optional(),
  method: text(40).optional(),
}).strict();

export type RecordPaymentRequest = z.infer<typeof recordPaymentSchema>;

export const cancelInvoiceSchema = z.object({ reason: text(500) }).strict();

export const writeOffDecisionSchema = z.object({
  approved: z.boolean({ error: 'must be true or false' }),
  decidedBy: text(200),
  /** The approver's role in the policy's write-off hierarchy; required to approve. */
  role: text(100).optional(),
  note: text(1000).optional(),
}).strict().refine((decision) => !decision.approved || decision.role !== undefined, { path: ['role'], message: 'is required to approve a write-off' });

export const invoiceIdParams = z.object({ invoiceId: businessKey });
