/** How accounts are handled: contact rules, disputes and escalations that need a person's approval. */
import { z } from 'zod';
import { policyText } from './policy-text';

export const DISPUTE_CATEGORIES = ['pricing', 'quantity', 'quality', 'delivery', 'duplicate_charge'] as const;
/** What a customer disputes. */
export type DisputeCategory = (typeof DISPUTE_CATEGORIES)[number];
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const escalationTarget = z.enum(['sales', 'management', 'legal', 'agency']);

let timeZones: string[] | undefined;

/**
 * The canonical IANA time zones this runtime knows, for documents that list them (the OpenAPI
 * document); `isTimeZone` also accepts their aliases (US/Eastern, Etc/UTC).
 */
export function canonicalTimeZones(): string[] {
  timeZones ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'].filter(isTimeZone).sort();
  return timeZones;
}

/** A time zone field's JSON Schema metadata: the list is read when a document is generated, not at start-up (it takes tens of ms). */
export function timeZoneMeta(description: string): { description: string; enum: string[] } {
  return { description, get enum() { return canonicalTimeZones(); } };
}

/** Whether a string names an IANA time zone this runtime knows. */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const contactSchema = z.object({
  /** Fewest days between two messages to one customer. */
  minGapDays: z.number().int().min(0).max(30).default(3),
  businessHours: z.object({
    startHour: z.number().int().min(0).max(23).default(9),
    endHour: z.number().int().min(1).max(24).default(17),
  }).strict().refine((hours) => hours.startHour < hours.endHour, { path: ['endHour'], message: 'must be after startHour' }).prefault({}),
  quietWeekdays: z.array(z.enum(WEEKDAYS)).max(6, 'at least one weekday must allow contact').default(['saturday', 'sunday']),
  holidays: z.array(z.iso.date()).default([]),
  channels: z.array(z.enum(['email', 'sms', 'letter', 'call'])).min(1).default(['email']),
  /**
   * How long a customer's outreach waits for other requests before it sends, so the steps several
   * invoices reach at one moment travel as one message.
   */
  mergeWindowSeconds: z.number().int().min(0).max(3_600).default(10),
  /** Default time zone for customers that do not state one. */
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').meta(timeZoneMeta('IANA time zone, such as Europe/Berlin')).default('UTC'),
}).strict();

export const disputesSchema = z.object({
  categories: z.array(z.enum(DISPUTE_CATEGORIES)).min(1).default([...DISPUTE_CATEGORIES]),
  /** The department that owns each category. */
  routing: z.record(z.enum(DISPUTE_CATEGORIES), policyText(100)).default({
    pricing: 'sales', quantity: 'operations', quality: 'operations', delivery: 'logistics', duplicate_charge: 'billing',
  }),
  slaBusinessDays: z.number().int().min(1).max(60).default(5),
}).strict();

export const escalationApprovalsSchema = z.object({
  /** Levels that wait for a person's decision for VIP accounts, never firing on a timer alone. */
  vip: z.array(escalationTarget).default(['agency']),
  /** The same for the strategic segment. */
  strategic: z.array(escalationTarget).default(['legal', 'agency']),
  /** Key accounts treated as VIP whatever their segment. */
  vipCustomerIds: z.array(policyText(100)).default([]),
}).strict();

export const writeOffApproverSchema = z.object({
  role: policyText(100),
  /** Largest balance this role may write off, in the policy's currency; null means any amount. */
  maxAmountMinor: z.number().int().positive().nullable(),
}).strict();

/** What a collection agency costs, so an account is only handed over when recovery beats the fee. */
export const agencySchema = z.object({
  /** The agency's commission on what it recovers, in percent. */
  feePercent: z.number().int().min(0).max(100).default(25),
  /** The agency's smallest fee per account, in minor units of the write-off currency. */
  minimumFeeMinor: z.number().int().min(0).default(25_000),
  /** Balances below this (write-off currency) go to a write-off review instead of the agency. */
  minimumBalanceMinor: z.number().int().min(0).default(100_000),
}).strict();

/** Promises to pay: how long after the promised date the promise counts as broken. */
export const promisesSchema = z.object({
  graceDays: z.number().int().min(0).max(30).default(3),
  /** The longest a promise may push collection back, in days from the day it is made. */
  maxDaysAhead: z.number().int().min(1).max(365).default(60),
}).strict();
