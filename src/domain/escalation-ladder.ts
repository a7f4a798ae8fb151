/** The escalation ladder: which level comes next, and which levels wait for a person's approval. */
import type { CollectionsPolicy, EscalationLevel, Segment } from './policy/schema';
import { ESCALATION_LEVELS } from './policy/vocabulary';

export type EscalationState = 'none' | EscalationLevel;

const LADDER: readonly EscalationState[] = ['none', ...ESCALATION_LEVELS];

/** The higher of two levels. */
export function higherLevel(a: EscalationState, b: EscalationState): EscalationState {
  return LADDER.indexOf(b) > LADDER.indexOf(a) ? b : a;
}

/** The level one above `current` (a broken promise re-escalates one level); the top stays the top. */
export function nextLevel(current: EscalationState): EscalationLevel {
  const index = Math.min(LADDER.indexOf(current) + 1, LADDER.length - 1);
  return LADDER[index] as EscalationLevel;
}

/** The customer facts approvals depend on. */
export interface EscalationCustomer {
  customerId: string;
  segment: Segment;
  vip?: boolean;
}

/** True for a VIP: flagged on the customer, or named a key account in the policy. */
export function isVip(customer: EscalationCustomer, policy: CollectionsPolicy): boolean {
  return customer.vip === true || policy.escalationApprovals.vipCustomerIds.includes(customer.customerId);
}

/** Why a level needs approval for this customer, or undefined when it may fire on its timer. */
export function approvalNeeded(level: EscalationLevel, customer: EscalationCustomer, policy: CollectionsPolicy): string | undefined {
  if (level === 'collector') return undefined;
  if (isVip(customer, policy) && policy.escalationApprovals.vip.includes(level)) return `${level} for a VIP account needs approval`;
  if (customer.segment === 'strategic' && policy.escalationApprovals.strategic.includes(level)) return `${level} for a strategic account needs approval`;
  return undefined;
}
