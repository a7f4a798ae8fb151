/** Request bodies for what happens to an invoice after registration: disputes, promises, holds, offers, decisions. */
import { z } from 'zod';
import { DISPUTE_CATEGORIES } from '../domain/policy/account-handling';
import { escalationLevelSchema } from '../domain/policy/schema';
import { businessKey, isoDate, moneySchema, singleLine, text } from './request-schemas';

/** Who took or decided something: one line, as it may appear in a letter. */
const person = singleLine(200);

export const openDisputeSchema = z.object({
  disputeId: businessKey,
  category: z.enum(DISPUTE_CATEGORIES, { error: `must be one of ${DISPUTE_CATEGORIES.join(', ')}` }),
  /** The disputed part; absent means the whole undisputed balance. */
  amount: moneySchema.optional(),
  reason: text(1000).optional(),
}).strict();

export const resolveDisputeSchema = z.object({
  inFavourOf: z.enum(['customer', 'company'], { error: 'must be "customer" or "company"' }),
  creditMemo: moneySchema.optional(),
  resolvedBy: person,
  note: text(1000).optional(),
}).strict();

export const promiseToPaySchema = z.object({
  promiseId: businessKey,
  amount: moneySchema,
  promisedDate: isoDate,
  takenBy: person.optional(),
}).strict();

export const HOLD_KINDS = ['vip', 'legal', 'seasonal'] as const;

export const placeHoldSchema = z.object({
  holdId: businessKey,
  kind: z.enum(HOLD_KINDS, { error: 'must be "vip", "legal" or "seasonal"' }),
  reason: text(500),
  /** The last day of the hold; a seasonal hold must have one, the others may. */
  until: isoDate.describe('calendar date YYYY-MM-DD, the last day of the hold; required for a seasonal hold').optional(),
}).strict().refine((hold) => hold.kind !== 'seasonal' || hold.until !== undefined, {
  path: ['until'], message: 'is required for a seasonal hold: the date it ends (YYYY-MM-DD)',
});

export const releaseHoldSchema = z.object({ releasedBy: person.optional() }).strict();

export const escalationDecisionSchema = z.object({
  level: escalationLevelSchema,
  approved: z.boolean({ error: 'must be true or false' }),
  decidedBy: person,
  note: text(1000).optional(),
}).strict();

export const waiveChargesSchema = z.object({
  kind: z.enum(['interest', 'late_fee', 'all'], { error: 'must be "interest", "late_fee" or "all"' }),
  decidedBy: person,
  reason: text(500),
}).strict();

export const settlementOfferSchema = z.object({
  offerId: businessKey,
  amount: moneySchema,
  proposedBy: person,
}).strict();

export const settlementDecisionSchema = z.object({
  approved: z.boolean({ error: 'must be true or false' }),
  decidedBy: person,
}).strict();

export const reversalSchema = z.object({ reason: text(500) }).strict();

export const bankruptcySchema = z.object({ reference: singleLine(200), reportedBy: person }).strict();
