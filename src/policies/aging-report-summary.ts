/**
 * The figures an AR consultant reads off an aging report before advising: total and past-due
 * balance, money and accounts per bucket, the share over 60 and 90 days, the largest past-due
 * accounts. Pure; money stays integer minor units in the report's currency.
 */
import type { AgingBucketBoundary } from '../domain/aging';
import { formatMoney } from '../domain/money';
import type { AgingAccount, AgingReport } from './aging-report';

/** One bucket's money and the accounts with an open balance in it. */
export interface AgingBucketTotal extends AgingBucketBoundary {
  amountMinor: number;
  accounts: number;
}

/** One account, as the summary ranks it. */
export interface AgingAccountLine {
  customer: string;
  balanceMinor: number;
  pastDueMinor: number;
  /** Of the past-due money, what is more than 60 days past due (0 when the report cannot tell). */
  over60Minor: number;
  /** Label of the oldest bucket holding a positive balance. */
  oldestBucket: string;
  maxDaysPastDue?: number;
}

/** What `policy init --aging-report` prints and sizes its suggestions from. */
export interface AgingSummary {
  shape: AgingReport['shape'];
  currency: string;
  asOf?: string;
  totalMinor: number;
  pastDueMinor: number;
  buckets: AgingBucketTotal[];
  accounts: number;
  pastDueAccounts: number;
  /** Money more than 60 / 90 days past due; undefined when a report column straddles that day. */
  over60Minor?: number;
  over90Minor?: number;
  /** Accounts with a past-due balance, largest first. */
  pastDue: AgingAccountLine[];
  notes: string[];
}

/** How many of the largest past-due accounts the printed summary lists. */
export const LARGEST_PAST_DUE_SHOWN = 10;

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const isPastDue = (bucket: AgingBucketBoundary) => (bucket.fromDays ?? 0) > 0;

/** Money in buckets that start after `days`; undefined when a bucket straddles `days`. */
function amountOver(buckets: AgingBucketBoundary[], amounts: number[], days: number): number | undefined {
  if (buckets.some((b) => (b.fromDays ?? -Infinity) <= days && (b.toDays ?? Infinity) > days)) return undefined;
  return sum(amounts.filter((_, index) => (buckets[index].fromDays ?? -Infinity) > days));
}

function accountLine(report: AgingReport, account: AgingAccount): AgingAccountLine {
  const oldest = account.bucketMinor.reduce((found, amount, index) => (amount > 0 ? index : found), 0);
  return {
    customer: account.customer,
    balanceMinor: sum(account.bucketMinor),
    pastDueMinor: sum(account.bucketMinor.filter((_, index) => isPastDue(report.buckets[index]))),
    over60Minor: amountOver(report.buckets, account.bucketMinor, 60) ?? 0,
    oldestBucket: report.buckets[oldest].label,
    ...(account.maxDaysPastDue === undefined ? {} : { maxDaysPastDue: account.maxDaysPastDue }),
  };
}

/** Totals, counts and rankings of a report. */
export function summarizeAgingReport(report: AgingReport): AgingSummary {
  const buckets = report.buckets.map((bucket, index) => ({
    ...bucket,
    amountMinor: sum(report.accounts.map((account) => account.bucketMinor[index])),
    accounts: report.accounts.filter((account) => account.bucketMinor[index] > 0).length,
  }));
  const amounts = buckets.map((bucket) => bucket.amountMinor);
  const pastDue = report.accounts.map((account) => accountLine(report, account))
    .filter((line) => line.pastDueMinor > 0)
    .sort((a, b) => b.pastDueMinor - a.pastDueMinor || a.customer.localeCompare(b.customer));
  return {
    shape: report.shape,
    currency: report.currency,
    ...(report.asOf ? { asOf: report.asOf } : {}),
    totalMinor: sum(amounts),
    pastDueMinor: sum(amounts.filter((_, index) => isPastDue(buckets[index]))),
    buckets,
    accounts: report.accounts.length,
    pastDueAccounts: pastDue.length,
    over60Minor: amountOver(report.buckets, amounts, 60),
    over90Minor: amountOver(report.buckets, amounts, 90),
    pastDue,
    notes: report.notes,
  };
}

/** A share of a total as "12.5%" (one decimal; display only). */
export function percentOf(partMinor: number, totalMinor: number): string {
  return totalMinor === 0 ? '–' : `${((partMinor * 100) / totalMinor).toFixed(1)}%`;
}

const bucketTitle = (bucket: AgingBucketBoundary) => (bucket.fromDays === null && bucket.toDays === 0
  ? 'Current (not yet due)' : `${bucket.label} days past due`);

/** The summary as a text table, in the layout of an AR aging summary. */
export function formatAgingSummary(summary: AgingSummary, source: string): string {
  const show = (amountMinor: number) => formatMoney({ amountMinor, currency: summary.currency });
  const width = Math.max(14, ...summary.buckets.map((bucket) => show(bucket.amountMinor).length));
  const rule = '═'.repeat(64);
  const lines = [
    `AR AGING SUMMARY — ${source}${summary.asOf ? `, as of ${summary.asOf}` : ''} (${summary.shape} report, ${summary.currency})`,
    rule,
    `TOTAL GROSS RECEIVABLES: ${show(summary.totalMinor)} in ${summary.accounts} account(s)`,
    '',
    `${'AGING BUCKET'.padEnd(26)}${'AMOUNT'.padStart(width)}  ${'% OF TOTAL'.padStart(10)}  ACCOUNTS`,
    '─'.repeat(64),
    ...summary.buckets.map((bucket) => `${bucketTitle(bucket).padEnd(26)}${show(bucket.amountMinor).padStart(width)}  ${percentOf(bucket.amountMinor, summary.totalMinor).padStart(10)}  ${String(bucket.accounts).padStart(8)}`),
    '',
    `PAST DUE: ${show(summary.pastDueMinor)} (${percentOf(summary.pastDueMinor, summary.totalMinor)}) in ${summary.pastDueAccounts} account(s)`,
    `% Gross AR > 60 days: ${summary.over60Minor === undefined ? 'not separable in this report' : `${percentOf(summary.over60Minor, summary.totalMinor)} (target < 4%)`}`,
    `% Gross AR > 90 days: ${summary.over90Minor === undefined ? 'not separable in this report' : percentOf(summary.over90Minor, summary.totalMinor)}`,
  ];
  if (summary.pastDue.length > 0) {
    lines.push('', 'LARGEST PAST-DUE ACCOUNTS:');
    summary.pastDue.slice(0, LARGEST_PAST_DUE_SHOWN).forEach((line, index) => {
      const age = line.maxDaysPastDue === undefined ? `oldest: ${line.oldestBucket}` : `${line.maxDaysPastDue} days`;
      lines.push(`  ${String(index + 1).padStart(2)}. ${line.customer.padEnd(28)} ${show(line.pastDueMinor).padStart(width)} | ${age}`);
    });
  }
  for (const note of summary.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}
