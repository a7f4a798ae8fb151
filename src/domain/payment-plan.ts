/**
 * Payment plans: the installment schedule of a plan and whether a proposal may start at once, waits
 * for a person's approval, or is refused (with the field and the reason). Amounts are integer minor
 * units of one currency.
 *
 * What a plan covers is laid out as one line of money: its invoices oldest due date first (then by
 * invoice id), and its installments as consecutive slices of that line. So installment 1 pays the
 * oldest invoice first, an installment that straddles two invoices pays the older one before the
 * newer, and allocating a payment is taking the next stretch of the line (payment-plan-allocation.ts).
 */
import { addDays } from './calendar';
import type { CollectionsPolicy } from './policy/schema';
import { requiredApprover } from './write-off-approval';

export type PaymentPlanTerms = CollectionsPolicy['paymentPlans'];

/** The part of one invoice a plan covers. */
export interface PlanDebt {
  invoiceId: string;
  dueDate: string;
  amountMinor: number;
}

/** What the plan asks of the customer: a term, a number of installments and, optionally, a larger first one. */
export interface PlanTerms {
  termDays: number;
  installmentCount: number;
  /** A first installment (a down payment) other than an equal share; the rest is split equally. */
  firstInstallmentMinor?: number;
}

/** The share of one invoice an installment pays. */
export interface InstallmentPart {
  invoiceId: string;
  amountMinor: number;
}

/** One installment: its number (from 1), due date, amount, and which invoices it pays. */
export interface ScheduledInstallment {
  number: number;
  dueDate: string;
  amountMinor: number;
  parts: InstallmentPart[];
}

/** The installments of a standard plan: one a month, and at least two (a 30-day plan pays at 15 and 30 days). */
export function standardInstallmentCount(termDays: number): number {
  return Math.max(2, Math.round(termDays / 30));
}

/**
 * The amount of each installment: equal shares in minor units, the remainder of the division on the
 * last; with a first installment given, the rest is shared equally among the others.
 */
export function installmentAmounts(totalMinor: number, count: number, firstInstallmentMinor?: number): number[] {
  if (!Number.isSafeInteger(totalMinor) || totalMinor <= 0) throw new RangeError(`a plan's total must be a positive integer, got ${totalMinor}`);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a plan needs at least one installment, got ${count}`);
  if (firstInstallmentMinor === undefined || count === 1) return equalShares(totalMinor, count);
  return [firstInstallmentMinor, ...equalShares(totalMinor - firstInstallmentMinor, count - 1)];
}

function equalShares(totalMinor: number, count: number): number[] {
  const share = Math.floor(totalMinor / count);
  return Array.from({ length: count }, (_, index) => (index === count - 1 ? totalMinor - share * (count - 1) : share));
}

/** Due dates spread evenly over the term from the agreement date; the last falls on the term's last day. */
export function installmentDueDates(agreementDate: string, termDays: number, count: number): string[] {
  return Array.from({ length: count }, (_, index) => addDays(agreementDate, Math.round(((index + 1) * termDays) / count)));
}

/** The plan's invoices in the order they are paid: oldest due date first, then by invoice id. */
export function orderDebts(debts: readonly PlanDebt[]): PlanDebt[] {
  return [...debts].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.invoiceId.localeCompare(b.invoiceId));
}

export function planTotalMinor(debts: readonly PlanDebt[]): number {
  return debts.reduce((sum, debt) => sum + debt.amountMinor, 0);
}

/** The schedule: due dates, amounts, and the invoices each installment pays (oldest invoice first). */
export function installmentSchedule(debts: readonly PlanDebt[], terms: PlanTerms, agreementDate: string): ScheduledInstallment[] {
  const ordered = orderDebts(debts);
  const amounts = installmentAmounts(planTotalMinor(ordered), terms.installmentCount, terms.firstInstallmentMinor);
  const dueDates = installmentDueDates(agreementDate, terms.termDays, terms.installmentCount);
  let debtIndex = 0;
  let usedOfDebt = 0;
  return amounts.map((amountMinor, index) => {
    const parts: InstallmentPart[] = [];
    let left = amountMinor;
    while (left > 0) {
      const debt = ordered[debtIndex];
      const take = Math.min(left, debt.amountMinor - usedOfDebt);
      parts.push({ invoiceId: debt.invoiceId, amountMinor: take });
      left -= take;
      usedOfDebt += take;
      if (usedOfDebt === debt.amountMinor) {
        debtIndex += 1;
        usedOfDebt = 0;
      }
    }
    return { number: index + 1, dueDate: dueDates[index], amountMinor, parts };
  });
}

/** Whether the terms are one of the policy's standard plans: a standard term, its standard count, equal shares. */
export function isStandardPlan(terms: PlanTerms, policy: PaymentPlanTerms): boolean {
  return (policy.standardTermDays as number[]).includes(terms.termDays)
    && terms.installmentCount === standardInstallmentCount(terms.termDays)
    && terms.firstInstallmentMinor === undefined;
}

/** What a proposal's check knows besides the terms. */
export interface ProposalFacts {
  terms: PlanTerms;
  totalMinor: number;
  policy: PaymentPlanTerms;
  /** An earlier plan of the customer that was breached and whose invoices are still owed, if any. */
  breachedPlanId?: string | null;
}

/** The answer to a proposal; a refusal names the field of the proposal it is about. */
export type ProposalVerdict =
  | { outcome: 'accepted'; kind: 'standard' | 'custom'; reason: string }
  | { outcome: 'awaiting_approval'; kind: 'custom'; reason: string }
  | { outcome: 'refused'; field: string; reason: string };

const refused = (field: string, reason: string): ProposalVerdict => ({ outcome: 'refused', field, reason });

/**
 * Whether a plan may start: refused when the policy offers none, the customer is in breach of an
 * earlier plan, the term or number of installments is beyond what the policy allows at all, or the
 * first installment is smaller than the policy's minimum share; a custom plan (a term longer than the
 * standard ones, another count of installments, a down payment) waits for approval when the policy
 * says so; a standard plan is accepted.
 */
export function checkProposal(facts: ProposalFacts): ProposalVerdict {
  const { terms, totalMinor, policy } = facts;
  if (!policy.enabled) return refused('termDays', 'the policy offers no payment plans');
  if (facts.breachedPlanId) return refused('invoiceIds', `the customer is in breach of payment plan ${facts.breachedPlanId}, whose invoices are still owed`);
  if (terms.termDays > policy.maxTermDays) return refused('termDays', `a term of ${terms.termDays} days is longer than the ${policy.maxTermDays} days the policy allows`);
  if (terms.installmentCount > policy.maxInstallments) {
    return refused('installmentCount', `${terms.installmentCount} installments are more than the ${policy.maxInstallments} the policy allows`);
  }
  if (terms.installmentCount > terms.termDays) return refused('installmentCount', `${terms.installmentCount} installments do not fit in ${terms.termDays} days`);
  if (terms.firstInstallmentMinor !== undefined && terms.firstInstallmentMinor >= totalMinor) {
    return refused('firstInstallment.amountMinor', 'must be less than the plan\'s total (a plan paid at once is a payment)');
  }
  const amounts = installmentAmounts(totalMinor, terms.installmentCount, terms.firstInstallmentMinor);
  if (amounts.some((amount) => amount <= 0)) return refused('installmentCount', 'the total is too small to share among this many installments');
  const minimumFirst = Math.floor((totalMinor * policy.minFirstInstallmentPercent) / 100);
  if (amounts[0] < minimumFirst) {
    const field = terms.firstInstallmentMinor === undefined ? 'installmentCount' : 'firstInstallment.amountMinor';
    return refused(field, `the first installment (${amounts[0]} minor units) is less than the policy's minimum of ${policy.minFirstInstallmentPercent}% of the total (${minimumFirst})`);
  }
  if (isStandardPlan(terms, policy)) return { outcome: 'accepted', kind: 'standard', reason: `a standard ${terms.termDays}-day plan` };
  const longest = Math.max(...policy.standardTermDays);
  const why = terms.termDays > longest
    ? `a term of ${terms.termDays} days is longer than the ${longest} days the policy allows without approval`
    : `a custom plan (${describeTerms(terms)}) is not one of the policy's standard plans`;
  if (!policy.customRequiresApproval) return { outcome: 'accepted', kind: 'custom', reason: `${why}; the policy accepts custom plans without approval` };
  return { outcome: 'awaiting_approval', kind: 'custom', reason: why };
}

function describeTerms(terms: PlanTerms): string {
  const first = terms.firstInstallmentMinor === undefined ? '' : `, first installment ${terms.firstInstallmentMinor} minor units`;
  return `${terms.installmentCount} installments over ${terms.termDays} days${first}`;
}

type WriteOffTerms = CollectionsPolicy['writeOff'];

/**
 * Empty when `role` may approve a custom plan of `totalMinor`; otherwise why not. Approvers are the
 * policy's approval hierarchy by amount (the one write-offs use): a custom plan defers as much as a
 * write-off would lose, so the same limits apply.
 */
export function planApprovalRefusal(role: string | undefined, totalMinor: number, currency: string, hierarchy: WriteOffTerms): string {
  const roles = hierarchy.approvalHierarchy.map((approver) => approver.role);
  if (!role) return `an approval needs an approver role (${roles.join(', ')})`;
  const index = roles.indexOf(role);
  if (index < 0) return `role "${role}" is not in the policy's approval hierarchy (${roles.join(', ')})`;
  const needed = requiredApprover(totalMinor, currency, hierarchy);
  const neededIndex = needed === undefined ? -1 : roles.indexOf(needed);
  if (neededIndex < 0) return 'no role in the hierarchy may approve a plan of this total';
  return index >= neededIndex ? '' : `a custom plan of this total needs ${needed} or above`;
}
