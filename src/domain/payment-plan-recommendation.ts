/**
 * Plan terms recommended from the size of what is owed and the customer's payment history (the
 * collections playbook: "payment plan templates based on invoice size and customer history").
 *
 * Size sets the starting term, in the policy's write-off currency (the currency its limits are in):
 * under 5,000 a 30-day plan, under 25,000 a 60-day plan, above that a 90-day plan; a balance in
 * another currency starts from the middle term. History then moves it: a customer who breached an
 * earlier plan still owed gets none (a proposal would be refused); a slow payer (paid invoices 45 or
 * more days late on average, or a plan breached before) gets one step shorter and a first
 * installment of a quarter of the total (a custom plan, so it waits for approval); a reliable payer
 * (no breach, at most 15 days late on average, or a plan completed before) may take one step longer.
 * Only the policy's standard terms are recommended.
 */
import { minorUnitDigits, type Money } from './money';
import type { CollectionsPolicy } from './policy/schema';
import { checkProposal, standardInstallmentCount, type PlanTerms } from './payment-plan';

/** What is known of how a customer has paid. */
export interface CustomerPaymentHistory {
  /** Invoices paid in full, and how many days after their due dates on average (0 when none). */
  invoicesPaid: number;
  averageDaysLate: number;
  plansCompleted: number;
  plansBreached: number;
  /** A breached plan whose invoices are still owed, if any. */
  openBreachPlanId: string | null;
}

export type PlanRecommendation =
  | { recommended: true; terms: PlanTerms; kind: 'standard' | 'custom'; reasons: string[] }
  | { recommended: false; reasons: string[] };

const SIZE_BANDS_MAJOR = [5_000, 25_000];
const SLOW_PAYER_DAYS = 45;
const RELIABLE_PAYER_DAYS = 15;
const SLOW_PAYER_FIRST_PERCENT = 25;

export function recommendPlan(owed: Money, history: CustomerPaymentHistory, policy: CollectionsPolicy): PlanRecommendation {
  const terms = policy.paymentPlans;
  if (!terms.enabled) return { recommended: false, reasons: ['the policy offers no payment plans'] };
  if (history.openBreachPlanId) {
    return { recommended: false, reasons: [`the customer breached payment plan ${history.openBreachPlanId} and its invoices are still owed: collect those first`] };
  }
  const standard = [...terms.standardTermDays].sort((a, b) => a - b) as number[];
  const reasons: string[] = [];
  let step: number;
  if (owed.currency === policy.writeOff.currency) {
    const major = owed.amountMinor / 10 ** minorUnitDigits(owed.currency);
    step = SIZE_BANDS_MAJOR.filter((band) => major >= band).length;
    const [small, large] = SIZE_BANDS_MAJOR.map((band) => `${band.toLocaleString('en-US')} ${owed.currency}`);
    const band = [`under ${small}`, `from ${small} to ${large}`, `${large} or more`][step];
    reasons.push(`${major.toLocaleString('en-US')} ${owed.currency} owed (${band}): a ${[30, 60, 90][step]}-day plan`);
  } else {
    step = 1;
    reasons.push(`owed in ${owed.currency}, not the policy's ${policy.writeOff.currency}: the middle term`);
  }
  const slow = history.plansBreached > 0 || (history.invoicesPaid > 0 && history.averageDaysLate >= SLOW_PAYER_DAYS);
  const reliable = !slow && (history.plansCompleted > 0 || (history.invoicesPaid > 0 && history.averageDaysLate <= RELIABLE_PAYER_DAYS));
  if (slow) {
    step -= 1;
    reasons.push(history.plansBreached > 0
      ? `a plan was breached before: a shorter term and a first installment of ${SLOW_PAYER_FIRST_PERCENT}%`
      : `invoices paid ${Math.round(history.averageDaysLate)} days late on average: a shorter term and a first installment of ${SLOW_PAYER_FIRST_PERCENT}%`);
  } else if (reliable) {
    step += 1;
    reasons.push(history.plansCompleted > 0 ? 'a plan was completed before: a longer term is reasonable' : `invoices paid ${Math.round(history.averageDaysLate)} days late on average: a longer term is reasonable`);
  } else if (history.invoicesPaid === 0) {
    reasons.push('no payment history yet: the term the size suggests');
  }
  const wanted = [30, 60, 90][Math.min(Math.max(step, 0), 2)];
  const termDays = standard.filter((days) => days <= wanted).at(-1) ?? standard[0];
  if (termDays !== wanted) reasons.push(`the policy's standard terms are ${standard.join(', ')} days: ${termDays}`);
  const installmentCount = standardInstallmentCount(termDays);
  const recommended: PlanTerms = slow
    ? { termDays, installmentCount, firstInstallmentMinor: Math.ceil((owed.amountMinor * SLOW_PAYER_FIRST_PERCENT) / 100) }
    : { termDays, installmentCount };
  const verdict = checkProposal({ terms: recommended, totalMinor: owed.amountMinor, policy: terms });
  if (verdict.outcome === 'refused') return { recommended: false, reasons: [...reasons, `no plan fits: ${verdict.reason}`] };
  return { recommended: true, terms: recommended, kind: verdict.kind, reasons };
}
