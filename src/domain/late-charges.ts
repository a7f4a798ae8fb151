/**
 * Interest and late fees, in minor units, deterministically.
 *
 * Rounding rule: simple interest accrues per day on the unpaid principal at the policy's yearly
 * rate over its day-count basis (365 or 360). It is posted whenever the principal is about to
 * change and before each notice; each posting is rounded half up to the minor unit, and the total
 * never exceeds the policy's cap (a share of the original principal, rounded down).
 */
import type { CollectionsPolicy } from './policy/schema';

type InterestTerms = CollectionsPolicy['interest'];
type LateFeeTerms = CollectionsPolicy['lateFee'];

/** Half-up division of non-negative integers, exact for any size. */
function divideHalfUp(numerator: bigint, denominator: bigint): number {
  return Number((numerator * 2n + denominator) / (denominator * 2n));
}

/** Interest on `principalMinor` for `days` days, before the cap. */
export function interestFor(principalMinor: number, days: number, terms: InterestTerms): number {
  if (!terms.enabled || principalMinor <= 0 || days <= 0 || terms.annualRateBasisPoints === 0) return 0;
  const basis = terms.dayCountBasis === 'actual/360' ? 360n : 365n;
  return divideHalfUp(BigInt(principalMinor) * BigInt(terms.annualRateBasisPoints) * BigInt(days), 10_000n * basis);
}

/** The most interest an invoice may ever carry. */
export function interestCap(originalMinor: number, terms: InterestTerms): number {
  return Number((BigInt(originalMinor) * BigInt(terms.capPercentOfPrincipal)) / 100n);
}

/**
 * Interest to post for the days from `fromDay` to `toDay` (days past due), counting only days after
 * the grace period, limited by what the cap still allows.
 */
export function interestToPost(args: { principalMinor: number; originalMinor: number; chargedSoFarMinor: number; fromDay: number; toDay: number; terms: InterestTerms }): number {
  const start = Math.max(args.fromDay, args.terms.graceDays);
  const days = args.toDay - start;
  const accrued = interestFor(args.principalMinor, days, args.terms);
  return Math.max(0, Math.min(accrued, interestCap(args.originalMinor, args.terms) - args.chargedSoFarMinor));
}

/** The one-off late fee on a principal, rounded half up. */
export function lateFeeFor(principalMinor: number, terms: LateFeeTerms): number {
  if (terms.percentBasisPoints === 0 || principalMinor <= 0) return 0;
  return divideHalfUp(BigInt(principalMinor) * BigInt(terms.percentBasisPoints), 10_000n);
}
