/** Settlement offers: a discount for paying the rest by a deadline, within the policy's approval limit. */
import type { CollectionsPolicy } from './policy/schema';

/** The discount a settlement amount means, in whole basis points of the balance (rounded up, so it is never understated). */
export function discountBasisPoints(balanceMinor: number, settlementAmountMinor: number): number {
  if (balanceMinor <= 0) return 0;
  const discount = BigInt(balanceMinor - settlementAmountMinor) * 10_000n;
  return Number((discount + BigInt(balanceMinor) - 1n) / BigInt(balanceMinor));
}

/** Whether an offer can be accepted at once, needs approval, or is refused outright. */
export function settlementDecision(balanceMinor: number, settlementAmountMinor: number, terms: CollectionsPolicy['settlement']):
  { outcome: 'accepted' | 'needs_approval' } | { outcome: 'refused'; reason: string } {
  if (!terms.enabled) return { outcome: 'refused', reason: 'the policy offers no settlements' };
  if (settlementAmountMinor <= 0 || settlementAmountMinor >= balanceMinor) {
    return { outcome: 'refused', reason: 'the settlement amount must be above zero and below the balance' };
  }
  return discountBasisPoints(balanceMinor, settlementAmountMinor) <= terms.approvalLimitPercent * 100
    ? { outcome: 'accepted' } : { outcome: 'needs_approval' };
}
