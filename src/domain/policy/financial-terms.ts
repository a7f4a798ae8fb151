/** The money terms of a policy: interest, late fees, settlement offers and payment plans. */
import { z } from 'zod';

const basisPoints = z.number().int().min(0).max(10_000);
const percent = z.number().int().min(0).max(100);

export const interestSchema = z.object({
  enabled: z.boolean().default(false),
  /** Yearly rate in basis points: 1200 is 12 % a year. */
  annualRateBasisPoints: basisPoints.default(0),
  dayCountBasis: z.enum(['actual/365', 'actual/360']).default('actual/365'),
  /** Days after the due date before interest starts to accrue. */
  graceDays: z.number().int().min(0).max(365).default(0),
  /** Interest never exceeds this share of the principal. */
  capPercentOfPrincipal: percent.default(25),
  /** The legal maximum where the customer is, when known; the linter warns above it. */
  statutoryMaxAnnualRateBasisPoints: basisPoints.optional(),
}).strict();

export const lateFeeSchema = z.object({
  /** A one-off fee as a share of the balance, in basis points (0: none). */
  percentBasisPoints: basisPoints.default(0),
  /** Days past due at which the fee is charged. */
  afterDays: z.number().int().min(1).max(365).default(30),
}).strict();

export const settlementSchema = z.object({
  enabled: z.boolean().default(false),
  /** Discounts up to this share of the balance are accepted without approval. */
  approvalLimitPercent: percent.default(10),
  /** Days an accepted offer stays open for payment. */
  offerValidDays: z.number().int().min(1).max(90).default(14),
}).strict();

export const paymentPlansSchema = z.object({
  enabled: z.boolean().default(true),
  /** Standard plan lengths a collector may offer without approval. */
  standardTermDays: z.array(z.union([z.literal(30), z.literal(60), z.literal(90)])).min(1).default([30, 60, 90]),
  customRequiresApproval: z.boolean().default(true),
  /** Days after an installment's due date before it counts as missed. */
  graceDays: z.number().int().min(0).max(30).default(5),
  /** Missed installments that breach the plan (the invoices then re-escalate). */
  breachAfterMissedInstallments: z.number().int().min(1).max(12).default(1),
  /** Days before each installment's due date that the customer is reminded (0: no reminders). */
  reminderDaysBefore: z.number().int().min(0).max(14).default(3),
  /** The first installment must be at least this share of the plan's total. */
  minFirstInstallmentPercent: percent.default(10),
  /** The longest plan that may be agreed at all, with approval. */
  maxTermDays: z.number().int().min(30).max(730).default(365),
  /** The most installments a plan may have. */
  maxInstallments: z.number().int().min(1).max(36).default(12),
}).strict();

export const chargebacksSchema = z.object({
  /** Days a paid invoice stays open for a chargeback or returned payment, which reopens it. */
  windowDays: z.number().int().min(0).max(540).default(120),
}).strict();

/**
 * A balance too small to chase: below the minimum for its currency dunning stops, and the remainder
 * is written off (no approval needed below the minimum) or kept as a receivable without contact.
 * Currencies not listed have no minimum.
 */
export const smallBalanceSchema = z.object({
  minimumMinor: z.record(z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'), z.number().int().min(1).max(100_000_000))
    .default({ USD: 100, EUR: 100, GBP: 100, CAD: 100, AUD: 100 }),
  action: z.enum(['write_off', 'keep_without_contact']).default('write_off'),
}).strict();
