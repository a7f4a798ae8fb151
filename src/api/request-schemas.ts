/** The zod schemas of every request body, shared by validation and the API's documentation. */
import { z } from 'zod';
import { isTimeZone, timeZoneMeta } from '../domain/policy/account-handling';
import { isKnownCountry, knownCountries } from '../notices/contact-window';
import {
  businessKey, cancelMessage, CONTROL_IN_LINE, isoDate, moneySchema, paymentMessage, singleLine, writeOffDecisionMessage,
} from '../domain/invoice-messages';
import { riskTierSchema, segmentSchema } from '../domain/policy/schema';

export {
  businessKey, EARLIEST_PAYMENT, isoDate, moneySchema, PAYMENT_CLOCK_SKEW_MS, singleLine, text,
} from '../domain/invoice-messages';

/** The largest policy version Postgres stores (an `integer` column). */
export const MAX_POLICY_VERSION = 2_147_483_647;

/** A policy version number in a body. */
export const policyVersionNumber = z.number({ error: 'must be a number' }).int('must be a whole number').positive('must be 1 or more')
  .max(MAX_POLICY_VERSION, `must be at most ${MAX_POLICY_VERSION}`);

/** A policy version number in a path or query string. */
export const policyVersionParam = z.coerce.number({ error: 'must be a number' }).pipe(policyVersionNumber);

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
    /** Where the customer is: contact keeps to business hours in this zone and skips this country's public holidays. */
    timeZone: z.string().max(64).refine(isTimeZone, 'must be an IANA time zone such as America/Los_Angeles').meta(timeZoneMeta('IANA time zone, such as America/Los_Angeles')).optional(),
    country: z.string().refine(isKnownCountry, 'must be an ISO 3166 country code in upper case whose public holidays are known, such as US')
      // Listed when a document is generated, not at start-up.
      .meta({ description: 'ISO 3166 country code whose public holidays are known, such as US', get enum() { return knownCountries(); } }).optional(),
  }).strict(),
}).strict().refine((body) => !body.issueDate || body.issueDate <= body.dueDate, { path: ['issueDate'], message: 'must not be after dueDate' });

export type RegisterInvoiceRequest = z.infer<typeof registerInvoiceSchema>;

export const recordPaymentSchema = paymentMessage;

export type RecordPaymentRequest = z.infer<typeof recordPaymentSchema>;

export const cancelInvoiceSchema = cancelMessage;

/**
 * A write-off decision less who decided and in which role: both come from the caller's key (its
 * holder and its approver role), and the workflow's checks (an approval names a role allowed the
 * amount) apply to the key. zod cannot omit from a refined schema, so this starts from its fields.
 */
export const writeOffDecisionSchema = z.object(writeOffDecisionMessage.shape).strict().omit({ decidedBy: true, role: true });

export const invoiceIdParams = z.object({ invoiceId: businessKey });
