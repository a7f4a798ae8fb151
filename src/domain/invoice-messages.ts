/**
 * Every message an invoice's workflow takes, declared once as a zod schema: the API validates a
 * request with it (less the ids it takes from the path), and the workflow's update and signal
 * inputs are its inferred types (workflows/invoice-collection/definitions.ts imports the types
 * only, so no validation code reaches the workflow sandbox). The field rules come first.
 */
import { z } from 'zod';
import { isIsoDate } from './calendar';
import { isKnownCurrency, knownCurrencies } from './money';
import { DISPUTE_CATEGORIES } from './policy/account-handling';
import { escalationLevelSchema } from './policy/schema';

// Control characters (NUL above all) cannot be stored and never belong in these fields; free text
// may keep its line breaks and tabs.
const TEXT_CONTROLS = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f';
const CONTROL_IN_TEXT = new RegExp(`[${TEXT_CONTROLS}]`);
// A one-line value can reach an email header or subject: no line break, tab or other control
// character (C0, DEL, C1, the Unicode line and paragraph separators).
const LINE_CONTROLS = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029';
export const CONTROL_IN_LINE = new RegExp(`[${LINE_CONTROLS}]`);
// Bidirectional overrides and isolates make a name display as something else than what it is.
const BIDI_CONTROLS = '\\u202a-\\u202e\\u2066-\\u2069';
const BIDI_CONTROL = new RegExp(`[${BIDI_CONTROLS}]`);

// Half of a UTF-16 surrogate pair on its own is not text: Postgres refuses it in a jsonb document.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const WELL_FORMED = 'must be well-formed Unicode (no unpaired surrogate)';

/**
 * The refinements below as one JSON Schema pattern, for the OpenAPI document. The value is trimmed
 * first, so any blanks around it; what is left is not empty, starts and ends with a character that is
 * not blank, and holds none of `excluded`. A client that checks the document sends what the API
 * accepts. (Lone surrogates are left out: validators built on Rust's or Go's regular expressions
 * cannot compile them, and no UTF-8 encoder writes one.)
 */
function documentedPattern(excluded: string): string {
  return `^\\s*[^\\s${excluded}]([^${excluded}]*[^\\s${excluded}])?\\s*$`;
}

/** Free text of bounded length (a reason, a note): line breaks allowed, other control characters not. */
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)
  .refine((value) => !CONTROL_IN_TEXT.test(value), 'must not contain control characters')
  .refine((value) => !LONE_SURROGATE.test(value), WELL_FORMED)
  .meta({ description: `text, at most ${max} characters; line breaks allowed, other control characters not`, pattern: documentedPattern(TEXT_CONTROLS) });

/**
 * A one-line value of bounded length — a name, a number, who decided: it may reach an email's
 * subject or headers, so no line breaks or control characters, and no bidirectional overrides.
 */
export const singleLine = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`)
  .refine((value) => !CONTROL_IN_LINE.test(value), 'must be one line without control characters (no line breaks or tabs)')
  .refine((value) => !BIDI_CONTROL.test(value), 'must not contain Unicode bidirectional override or isolate characters (U+202A–U+202E, U+2066–U+2069)')
  .refine((value) => !LONE_SURROGATE.test(value), WELL_FORMED)
  .meta({
    description: `one line, at most ${max} characters; no control characters, no bidirectional overrides or isolates`,
    pattern: documentedPattern(LINE_CONTROLS + BIDI_CONTROLS),
  });

/** The earliest payment date accepted: older ones are data-entry errors (a 1970 epoch default, a two-digit year). */
export const EARLIEST_PAYMENT = '2000-01-01T00:00:00Z';
/** How far ahead of this server's clock a payer system's clock may run. */
export const PAYMENT_CLOCK_SKEW_MS = 5 * 60_000;

/** One business key as a pattern without anchors, its length included: lists of keys are built from it. */
export const BUSINESS_KEY_PATTERN = '[A-Za-z0-9][A-Za-z0-9._:-]{0,99}';

/** A business key that becomes part of a workflow id. */
export const businessKey = z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must start with a letter or digit and use only letters, digits, ".", "_", ":" and "-"')
  .describe('1 to 100 letters, digits, ".", "_", ":" or "-", starting with a letter or digit');

export const isoDate = z.string()
  .refine(isIsoDate, 'must be a calendar date written YYYY-MM-DD')
  .refine((value) => value >= '1990-01-01' && value <= '2199-12-31', 'must be between 1990-01-01 and 2199-12-31')
  .describe('calendar date YYYY-MM-DD, 1990-01-01 to 2199-12-31');

export const moneySchema = z.object({
  amountMinor: z.number({ error: 'must be a number' }).int('must be an integer number of minor units (cents), not a decimal')
    .positive('must be greater than zero').max(Number.MAX_SAFE_INTEGER, 'is too large'),
  currency: z.string().refine(isKnownCurrency, 'must be an ISO 4217 currency code in upper case, such as USD')
    .meta({ description: 'ISO 4217 code in upper case, such as USD', enum: knownCurrencies() }),
}).strict();


// ── the messages ────────────────────────────────────────────────────────────

/**
 * Date-times from 2000-01-02 on, in any time zone, as a pattern: always after 2000-01-01T00:00Z, as
 * a payment's must be. (The API also takes the hours around that instant; a pattern for them would
 * have to do time-zone arithmetic.)
 */
export const FROM_2000 = '^(?:2(?:00[1-9]|0[1-9][0-9]|[1-9][0-9]{2})|2000-(?:0[2-9]|1[0-2])|2000-01-(?:0[2-9]|[12][0-9]|3[01]))';

/** A payment to apply; `paymentId` makes it idempotent. */
export const paymentMessage = z.object({
  paymentId: businessKey,
  amount: moneySchema,
  /** When the money arrived: from 2000 on, and not in the future (beyond a few minutes of clock skew). */
  receivedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' })
    .refine((value) => !(Date.parse(value) < Date.parse(EARLIEST_PAYMENT)), 'must not be before 2000-01-01')
    .refine((value) => !(Date.parse(value) > Date.now() + PAYMENT_CLOCK_SKEW_MS), 'must not be in the future')
    .meta({
      description: 'ISO 8601 date-time with a time zone, from 2000-01-01 and not after now (5 minutes of clock skew allowed); default: now',
      // The lower bound for the OpenAPI document (beside zod's own date-time pattern); "now" has no pattern.
      allOf: [{ pattern: FROM_2000 }],
    })
    .optional(),
  method: singleLine(40).optional(),
}).strict();

export const cancelMessage = z.object({ reason: text(500) }).strict();

export const writeOffDecisionMessage = z.object({
  approved: z.boolean({ error: 'must be true or false' }),
  decidedBy: singleLine(200),
  /** The approver's role in the policy's write-off hierarchy; required to approve. */
  role: singleLine(100).optional(),
  note: text(1000).optional(),
}).strict().refine((decision) => !decision.approved || decision.role !== undefined, { path: ['role'], message: 'is required to approve a write-off' });

/** Who took or decided something: one line, as it may appear in a letter. */
const person = singleLine(200);

export const disputeMessage = z.object({
  disputeId: businessKey,
  category: z.enum(DISPUTE_CATEGORIES, { error: `must be one of ${DISPUTE_CATEGORIES.join(', ')}` }),
  /** The disputed part; absent means the whole undisputed balance. */
  amount: moneySchema.optional(),
  reason: text(1000).optional(),
}).strict();

export const disputeResolutionMessage = z.object({
  disputeId: businessKey,
  /** `customer`: the customer was right, a credit memo takes the amount off; `company`: dunning resumes on the full amount. */
  inFavourOf: z.enum(['customer', 'company'], { error: 'must be "customer" or "company"' }),
  creditMemo: moneySchema.optional(),
  resolvedBy: person,
  note: text(1000).optional(),
}).strict();

export const promiseMessage = z.object({
  promiseId: businessKey,
  amount: moneySchema,
  promisedDate: isoDate,
  takenBy: person.optional(),
}).strict();

export const HOLD_KINDS = ['vip', 'legal', 'seasonal'] as const;

export const holdMessage = z.object({
  holdId: businessKey,
  kind: z.enum(HOLD_KINDS, { error: 'must be "vip", "legal" or "seasonal"' }),
  reason: text(500),
  /** The last day of the hold; a seasonal hold must have one, the others may. */
  until: isoDate.describe('calendar date YYYY-MM-DD, the last day of the hold; required for a seasonal hold').optional(),
}).strict().refine((hold) => hold.kind !== 'seasonal' || hold.until !== undefined, {
  path: ['until'], message: 'is required for a seasonal hold: the date it ends (YYYY-MM-DD)',
}).meta({ if: { properties: { kind: { const: 'seasonal' } } }, then: { required: ['until'] } }); // the refinement, for the OpenAPI document

export const releaseMessage = z.object({ holdId: businessKey, releasedBy: person.optional() }).strict();

export const escalationDecisionMessage = z.object({
  level: escalationLevelSchema,
  approved: z.boolean({ error: 'must be true or false' }),
  decidedBy: person,
  note: text(1000).optional(),
}).strict();

export const waiverMessage = z.object({
  kind: z.enum(['interest', 'late_fee', 'all'], { error: 'must be "interest", "late_fee" or "all"' }),
  decidedBy: person,
  reason: text(500),
}).strict();

export const settlementOfferMessage = z.object({
  offerId: businessKey,
  amount: moneySchema,
  proposedBy: person,
}).strict();

export const settlementDecisionMessage = z.object({
  offerId: businessKey,
  approved: z.boolean({ error: 'must be true or false' }),
  decidedBy: person,
}).strict();

export const reversalMessage = z.object({ paymentId: businessKey, reason: text(500) }).strict();

export const bankruptcyMessage = z.object({ reference: singleLine(200), reportedBy: person }).strict();

/** A payment plan takes the invoice in: dunning waits while the plan runs. */
export const joinPlanMessage = z.object({ planId: businessKey }).strict();

export const PLAN_OUTCOMES = ['completed', 'breached', 'cancelled'] as const;

/** The plan ended for this invoice: completed, breached (dunning resumes one level up) or cancelled (dunning resumes). */
export const leavePlanMessage = z.object({
  planId: businessKey,
  outcome: z.enum(PLAN_OUTCOMES, { error: 'must be "completed", "breached" or "cancelled"' }),
  reason: text(500),
}).strict();

export type PaymentInput = z.infer<typeof paymentMessage>;
export type CancelInput = z.infer<typeof cancelMessage>;
export type JoinPlanInput = z.infer<typeof joinPlanMessage>;
export type LeavePlanInput = z.infer<typeof leavePlanMessage>;
export type WriteOffDecision = z.infer<typeof writeOffDecisionMessage>;
export type DisputeInput = z.infer<typeof disputeMessage>;
export type DisputeResolution = z.infer<typeof disputeResolutionMessage>;
export type PromiseInput = z.infer<typeof promiseMessage>;
export type HoldInput = z.infer<typeof holdMessage>;
export type ReleaseInput = z.infer<typeof releaseMessage>;
export type EscalationDecision = z.infer<typeof escalationDecisionMessage>;
export type WaiverInput = z.infer<typeof waiverMessage>;
export type SettlementOffer = z.infer<typeof settlementOfferMessage>;
export type SettlementDecision = z.infer<typeof settlementDecisionMessage>;
export type ReversalInput = z.infer<typeof reversalMessage>;
export type BankruptcyNotice = z.infer<typeof bankruptcyMessage>;
