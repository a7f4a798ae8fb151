/** Which dunning steps apply to an invoice, and which of them are due, missed or still ahead. */
import type { CollectionsPolicy, DunningStep, RiskTier, Segment } from './policy/schema';

/** The customer profile a policy's steps are filtered by. */
export interface CustomerProfile {
  segment: Segment;
  riskTier: RiskTier;
}

/** The policy's steps that apply to this customer, in the order they run. */
export function dunningPlan(policy: CollectionsPolicy, customer: CustomerProfile): DunningStep[] {
  return policy.dunningSteps
    .filter((step) => !step.appliesTo?.segments || step.appliesTo.segments.includes(customer.segment))
    .filter((step) => !step.appliesTo?.riskTiers || step.appliesTo.riskTiers.includes(customer.riskTier))
    .sort((a, b) => a.offsetDays - b.offsetDays);
}

/**
 * Splits a plan at a start that may be late: steps already past are skipped except the latest,
 * which is the one that applies now and runs once; the rest are still ahead.
 */
export function lateStart(plan: DunningStep[], daysPastDue: number): { skipped: DunningStep[]; current: DunningStep | undefined; upcoming: DunningStep[] } {
  const due = plan.filter((step) => step.offsetDays <= daysPastDue);
  const upcoming = plan.filter((step) => step.offsetDays > daysPastDue);
  return { skipped: due.slice(0, -1), current: due.at(-1), upcoming };
}

/** A short line describing a step for people (timeline, Web UI, next action). */
export function describeStep(step: DunningStep): string {
  switch (step.action) {
    case 'email':
      return `${step.finalNotice ? 'final notice' : 'email reminder'} (${step.template}, ${step.tone})`;
    case 'call_task':
      return 'collector call task';
    case 'escalate':
      return `escalate to ${step.level}`;
  }
}
