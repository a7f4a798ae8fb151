/**
 * The consultant's answers sized from an aging report: where the past-due money sits proposes the
 * tone, the legal cut-off, payment plans and the write-off threshold. Pure, and only suggestions:
 * answers given explicitly always win.
 */
import { formatMoney, minorUnitDigits } from '../domain/money';
import type { AgingSummary } from './aging-report-summary';
import { percentOf } from './aging-report-summary';
import type { PolicyAnswers } from './policy-generator';

/** One proposed answer and the one line that explains it. */
export type AnswerSuggestion = {
  [K in keyof PolicyAnswers]-?: { key: K; value: NonNullable<PolicyAnswers[K]>; reason: string }
}[keyof PolicyAnswers];

/** The playbook's target for gross AR more than 60 days past due (seed: "% Gross AR > 60 days … Target: <4%"). */
export const OVER_60_TARGET = 0.04;
/** Above this share over 60 days, the late steps are not working: escalate earlier and firmer. */
export const OVER_60_ALARM = 0.10;
/** Balances that together stay under this share of past-due money are immaterial: an AR manager may write them off alone. */
export const IMMATERIAL_SHARE = 0.05;
/** Fewer past-due accounts than this say nothing about a distribution. */
export const MIN_ACCOUNTS_TO_SIZE = 5;
/** An account holding this share of past-due money is a large balance. */
export const LARGE_ACCOUNT_SHARE = 0.05;
/** Below this share of gross AR past due, with little over 60 days, customers pay: a friendly tone keeps goodwill. */
export const FRIENDLY_PAST_DUE_SHARE = 0.2;

/** Every suggestion the summary supports, in the order the questions are asked. */
export function suggestAnswers(summary: AgingSummary): AnswerSuggestion[] {
  const show = (amountMinor: number) => formatMoney({ amountMinor, currency: summary.currency });
  const suggestions: AnswerSuggestion[] = [
    { key: 'currency', value: summary.currency, reason: `the aging report was read in ${summary.currency}` },
    { key: 'totalAgingBalanceMinor', value: summary.totalMinor, reason: `total aging balance ${show(summary.totalMinor)} in ${summary.accounts} account(s)` },
    { key: 'pastDueAccounts', value: summary.pastDueAccounts, reason: `${summary.pastDueAccounts} account(s) owe ${show(summary.pastDueMinor)} past due (${percentOf(summary.pastDueMinor, summary.totalMinor)} of gross AR)` },
  ];
  const over60 = summary.over60Minor === undefined || summary.totalMinor <= 0 ? undefined : summary.over60Minor / summary.totalMinor;
  if (over60 !== undefined) {
    const share = `${percentOf(summary.over60Minor!, summary.totalMinor)} of gross AR is over 60 days past due (target < ${OVER_60_TARGET * 100}%)`;
    suggestions.push(toneFor(over60, summary.pastDueMinor / summary.totalMinor, share));
    suggestions.push(over60 > OVER_60_ALARM
      ? { key: 'escalationCutoffDays', value: 60, reason: `${share}: legal review at day 60, before more of it ages` }
      : over60 >= OVER_60_TARGET
        ? { key: 'escalationCutoffDays', value: 90, reason: `${share}: legal review at the playbook's 90 days` }
        : { key: 'escalationCutoffDays', value: 120, reason: `${share}: legal review can wait until day 120, which spares relationships` });
  }
  const plans = paymentPlans(summary, show);
  if (plans) suggestions.push(plans);
  const threshold = writeOffThreshold(summary, show);
  if (threshold) suggestions.push(threshold);
  return suggestions;
}

function toneFor(over60: number, pastDue: number, share: string): AnswerSuggestion {
  if (over60 > OVER_60_ALARM) return { key: 'tone', value: 'strict', reason: `${share}: reminders so far have not worked, so word them firmly` };
  if (pastDue < FRIENDLY_PAST_DUE_SHARE && over60 < OVER_60_TARGET) {
    return { key: 'tone', value: 'friendly', reason: `only ${(pastDue * 100).toFixed(1)}% of gross AR is past due and ${share}: customers pay, keep the goodwill` };
  }
  return { key: 'tone', value: 'neutral', reason: `${share}: a neutral tone, firm at the final notice` };
}

/** Plans when large balances are already old: an instalment recovers more than an escalation. */
function paymentPlans(summary: AgingSummary, show: (minor: number) => string): AnswerSuggestion | undefined {
  const large = summary.pastDue.filter((line) => line.over60Minor > 0 && line.pastDueMinor >= summary.pastDueMinor * LARGE_ACCOUNT_SHARE);
  if (large.length === 0) return undefined;
  const named = large.slice(0, 3).map((line) => `${line.customer} (${show(line.over60Minor)})`).join(', ');
  return {
    key: 'offerPaymentPlans', value: true,
    reason: `${large.length} large balance(s) are over 60 days past due — ${named}${large.length > 3 ? ' …' : ''}: a 30/60/90-day plan recovers more than escalation`,
  };
}

/** The write-off threshold that covers the immaterial tail of past-due balances, rounded up to a round amount. */
function writeOffThreshold(summary: AgingSummary, show: (minor: number) => string): AnswerSuggestion | undefined {
  const balances = summary.pastDue.map((line) => line.pastDueMinor).sort((a, b) => a - b);
  if (balances.length < MIN_ACCOUNTS_TO_SIZE) return undefined;
  let covered = 0;
  let count = 0;
  while (count < balances.length && covered + balances[count] <= summary.pastDueMinor * IMMATERIAL_SHARE) covered += balances[count++];
  if (count === 0) return undefined;
  const largestSmall = balances[count - 1];
  const next = balances[count] ?? Infinity;
  const round = roundUp(largestSmall, minorUnitDigits(summary.currency));
  const value = round < next ? round : largestSmall;
  return {
    key: 'writeOffThresholdMinor', value,
    reason: `${count} of ${balances.length} past-due accounts owe ${show(largestSmall)} or less, together ${percentOf(covered, summary.pastDueMinor)} of past-due money: an AR manager may write off up to ${show(value)} alone`,
  };
}

/** Rounds up to 1, 2, 2.5 or 5 times a power of ten major units (whole major units at least). */
function roundUp(amountMinor: number, digits: number): number {
  const major = Math.max(1, Math.ceil(amountMinor / 10 ** digits));
  const power = 10 ** Math.floor(Math.log10(major));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= major)!;
  return Math.round(step * 10 ** digits);
}

/** The suggestions as answers, to be overlaid by whatever was answered explicitly. */
export function answersFromSuggestions(suggestions: AnswerSuggestion[]): Partial<PolicyAnswers> {
  return Object.fromEntries(suggestions.map((suggestion) => [suggestion.key, suggestion.value]));
}
