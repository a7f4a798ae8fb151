/** Who may approve a write-off: the policy's hierarchy by amount, smallest limit first. */
import type { CollectionsPolicy } from './policy/schema';

type WriteOffTerms = CollectionsPolicy['writeOff'];

/**
 * The least senior role allowed to write off `amountMinor` of `currency`. Limits are in the
 * policy's write-off currency; a balance in another currency needs the unlimited approver.
 */
export function requiredApprover(amountMinor: number, currency: string, terms: WriteOffTerms): string | undefined {
  const fits = (limit: number | null) => limit === null || (currency === terms.currency && amountMinor <= limit);
  return terms.approvalHierarchy.find((approver) => fits(approver.maxAmountMinor))?.role;
}

/** Empty when `role` may approve the amount; otherwise the reason it may not. */
export function approvalRefusal(role: string, amountMinor: number, currency: string, terms: WriteOffTerms): string {
  const hierarchy = terms.approvalHierarchy;
  const index = hierarchy.findIndex((approver) => approver.role === role);
  if (index < 0) return `role "${role}" is not in the write-off approval hierarchy (${hierarchy.map((a) => a.role).join(', ')})`;
  const needed = requiredApprover(amountMinor, currency, terms);
  const neededIndex = hierarchy.findIndex((approver) => approver.role === needed);
  if (neededIndex < 0) return 'no role in the hierarchy may approve this amount';
  return index >= neededIndex ? '' : `a write-off of this balance needs ${needed} or above`;
}
