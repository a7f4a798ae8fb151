/**
 * A policy snapshot as the workflow reads it. Workflows started before a policy section existed
 * carry snapshots without it; those sections take the defaults they had when they were added, so a
 * running workflow never reads `undefined` where a newer one reads a rule.
 */
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import type { CollectionsPolicy } from '../../src/domain/policy/schema';

export function completePolicy(snapshot: CollectionsPolicy): CollectionsPolicy {
  const partial = snapshot as Partial<CollectionsPolicy> & CollectionsPolicy;
  return {
    ...DEFAULT_POLICY,
    ...partial,
    writeOff: { ...DEFAULT_POLICY.writeOff, ...partial.writeOff },
    interest: partial.interest ?? { ...DEFAULT_POLICY.interest, enabled: false },
    lateFee: partial.lateFee ?? { ...DEFAULT_POLICY.lateFee, percentBasisPoints: 0 },
    settlement: partial.settlement ?? DEFAULT_POLICY.settlement,
    disputes: partial.disputes ?? DEFAULT_POLICY.disputes,
    contact: partial.contact ?? DEFAULT_POLICY.contact,
    escalationApprovals: partial.escalationApprovals ?? DEFAULT_POLICY.escalationApprovals,
    agency: partial.agency ?? DEFAULT_POLICY.agency,
    promises: partial.promises ?? DEFAULT_POLICY.promises,
    chargebacks: partial.chargebacks ?? DEFAULT_POLICY.chargebacks,
    // Snapshots from before the minimum had none: their invoices are chased to the end as before.
    smallBalance: partial.smallBalance ?? { minimumMinor: {}, action: 'keep_without_contact' },
  };
}
