/**
 * A policy snapshot as the workflow reads it. Workflows started before a policy section existed
 * carry snapshots without it; those sections take the defaults they had when they were added, so a
 * running workflow never reads `undefined` where a newer one reads a rule.
 *
 * The defaults are written out here rather than taken from the default policy: they are part of
 * what old histories replay against, so they must not move when the default policy does, and the
 * default policy is built by its zod schema, which would put zod into every cached workflow (the
 * worker evaluates a workflow's modules once per workflow; zod costs about 2 MB each).
 */
import type { CollectionsPolicy } from '../../src/domain/policy/schema';

type Sections = Pick<CollectionsPolicy,
  'writeOff' | 'interest' | 'lateFee' | 'settlement' | 'paymentPlans' | 'disputes' | 'contact' | 'escalationApprovals' | 'agency' | 'promises' | 'chargebacks'>;

/** Each section as the default policy had it when the section was added (the first snapshots had only the write-off's review days). */
export const SECTION_DEFAULTS: Sections = {
  writeOff: {
    reviewAfterDays: 180, reReviewAfterDays: 90, currency: 'USD',
    approvalHierarchy: [{ role: 'ar-manager', maxAmountMinor: 500_000 }, { role: 'controller', maxAmountMinor: 5_000_000 }, { role: 'cfo', maxAmountMinor: null }],
    recoverAfterWriteOff: true, recoveryWindowDays: 365,
  },
  interest: { enabled: false, annualRateBasisPoints: 0, dayCountBasis: 'actual/365', graceDays: 0, capPercentOfPrincipal: 25 },
  lateFee: { percentBasisPoints: 0, afterDays: 30 },
  settlement: { enabled: false, approvalLimitPercent: 10, offerValidDays: 14 },
  paymentPlans: {
    enabled: true, standardTermDays: [30, 60, 90], customRequiresApproval: true, graceDays: 5, breachAfterMissedInstallments: 1,
    reminderDaysBefore: 3, minFirstInstallmentPercent: 10, maxTermDays: 365, maxInstallments: 12,
  },
  disputes: {
    categories: ['pricing', 'quantity', 'quality', 'delivery', 'duplicate_charge'],
    routing: { pricing: 'sales', quantity: 'operations', quality: 'operations', delivery: 'logistics', duplicate_charge: 'billing' },
    slaBusinessDays: 5,
  },
  contact: {
    minGapDays: 3, businessHours: { startHour: 9, endHour: 17 }, quietWeekdays: ['saturday', 'sunday'], holidays: [], channels: ['email'],
    mergeWindowSeconds: 10, timeZone: 'UTC',
  },
  escalationApprovals: { vip: ['agency'], strategic: ['legal', 'agency'], vipCustomerIds: [] },
  agency: { feePercent: 25, minimumFeeMinor: 25_000, minimumBalanceMinor: 100_000 },
  promises: { graceDays: 3, maxDaysAhead: 60 },
  chargebacks: { windowDays: 120 },
};

export function completePolicy(snapshot: CollectionsPolicy): CollectionsPolicy {
  const partial = snapshot as Partial<CollectionsPolicy> & CollectionsPolicy;
  return {
    ...SECTION_DEFAULTS,
    ...partial,
    writeOff: { ...SECTION_DEFAULTS.writeOff, ...partial.writeOff },
    interest: partial.interest ?? { ...SECTION_DEFAULTS.interest, enabled: false },
    lateFee: partial.lateFee ?? { ...SECTION_DEFAULTS.lateFee, percentBasisPoints: 0 },
    settlement: partial.settlement ?? SECTION_DEFAULTS.settlement,
    disputes: partial.disputes ?? SECTION_DEFAULTS.disputes,
    contact: partial.contact ?? SECTION_DEFAULTS.contact,
    escalationApprovals: partial.escalationApprovals ?? SECTION_DEFAULTS.escalationApprovals,
    agency: partial.agency ?? SECTION_DEFAULTS.agency,
    promises: partial.promises ?? SECTION_DEFAULTS.promises,
    chargebacks: partial.chargebacks ?? SECTION_DEFAULTS.chargebacks,
    // Snapshots from before the minimum had none: their invoices are chased to the end as before.
    smallBalance: partial.smallBalance ?? { minimumMinor: {}, action: 'keep_without_contact' },
  };
}
