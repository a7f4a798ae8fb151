/**
 * An AR aging report read into accounts: per customer, the open balance in each aging bucket the
 * report separates. A summary by customer keeps its own columns (a "91 and over" column stays 91+,
 * never split); a detail by invoice is bucketed from each invoice's days past due.
 */
import { STANDARD_AGING_BUCKETS, type AgingBucketBoundary } from '../domain/aging';
import { daysPastDue, startOfDateUtc } from '../domain/calendar';
import { isKnownCurrency } from '../domain/money';
import { findReportLayout, type DayRange, type ReportLayout } from './aging-report-columns';
import { readAgingReportFile, type ReportCell, type ReportRow } from './aging-report-file';
import { AgingReportError, isBlank, parseReportDate, readAmountMinor, readDate, readDays } from './aging-report-values';

/** One customer's open balance, split by the report's buckets. */
export interface AgingAccount {
  customer: string;
  /** Minor units per bucket of the report, in the order of `AgingReport.buckets`. */
  bucketMinor: number[];
  /** Invoices (detail) or rows (summary) that made up the account. */
  lines: number;
  /** Detail only: the most days past due among its open invoices. */
  maxDaysPastDue?: number;
}

/** A whole report: its buckets, its accounts and what was noticed while reading it. */
export interface AgingReport {
  shape: 'summary' | 'detail';
  currency: string;
  /** The report's date, from its title ("As of January 15, 2025") or given. */
  asOf?: string;
  /** The standard buckets, merged where one column of the report spans several. */
  buckets: AgingBucketBoundary[];
  accounts: AgingAccount[];
  /** The report's own TOTAL row, when it has one. */
  reportedTotalMinor?: number;
  /** Things a reader should know: columns missing, a TOTAL row that does not add up. */
  notes: string[];
}

/** How to read a report. */
export interface AgingReportOptions {
  /** ISO 4217 code of the report's amounts (reports do not say; `--currency`). */
  currency: string;
  /** Date to age due dates against when the report does not say; overrides the report's title. */
  asOf?: string;
}

/** Reads an aging report from a `.csv` or `.xlsx` file. */
export async function readAgingReport(file: string, options: AgingReportOptions): Promise<AgingReport> {
  return parseAgingReport(await readAgingReportFile(file), options);
}

const GRAND_TOTAL = /^(total|totals|grand total|report total|total receivables|total a\/r|total ar)\s*:?$/i;
const text = (cell: ReportCell | undefined) => (typeof cell === 'string' ? cell.trim() : cell === null || cell === undefined ? '' : String(cell));
const overlaps = (a: DayRange, b: DayRange) =>
  (a.fromDays ?? -Infinity) <= (b.toDays ?? Infinity) && (b.fromDays ?? -Infinity) <= (a.toDays ?? Infinity);

const labelOf = (range: DayRange) =>
  range.toDays === null ? `${range.fromDays ?? 0}+` : range.fromDays === null ? `0-${range.toDays}` : `${range.fromDays}-${range.toDays}`;

/** The standard buckets, merged wherever one report column spans several; and each column's bucket. */
function reportBuckets(layout: ReportLayout): { buckets: AgingBucketBoundary[]; bucketOfColumn: Map<number, number>; uncovered: string[] } {
  const standard = STANDARD_AGING_BUCKETS;
  const groupStart = standard.map((_, index) => index);
  for (const column of layout.buckets) {
    const covered = standard.flatMap((bucket, index) => (overlaps(bucket, column.role) ? [index] : []));
    for (const index of covered) groupStart[index] = Math.min(groupStart[index], covered[0], groupStart[covered[0]]);
  }
  const allStarts = [...new Set(groupStart)];
  const groups = allStarts.map((start, g) => ({ start, end: (allStarts[g + 1] ?? standard.length) - 1 }))
    // Buckets no column covers are left out rather than shown as an invented zero.
    .filter(({ start }) => layout.buckets.some((column) => overlaps(standard[start], column.role)));
  const starts = groups.map(({ start }) => start);
  const buckets = groups.map(({ start, end }) => {
    if (end === start) return { ...standard[start] };
    const range = { fromDays: standard[start].fromDays, toDays: standard[end].toDays };
    return { label: labelOf(range), ...range };
  });
  const bucketOfColumn = new Map(layout.buckets.map((column) => [
    column.index, starts.indexOf(groupStart[standard.findIndex((bucket) => overlaps(bucket, column.role))]),
  ]));
  const uncovered = standard.filter((bucket) => !layout.buckets.some((column) => overlaps(bucket, column.role))).map((bucket) => bucket.label);
  return { buckets, bucketOfColumn, uncovered };
}

/** "As of January 15, 2025" (or "as at") in the title rows above the header. */
function titleDate(rows: ReportRow[]): string | undefined {
  for (const row of rows) {
    for (const cell of row.cells) {
      const match = /\bas (?:of|at):?\s+(.+)$/i.exec(text(cell));
      const iso = match ? parseReportDate(match[1]) : undefined;
      if (iso) return iso;
    }
  }
  return undefined;
}

/** Reads rows (as `readAgingReportFile` gives them) into a report. */
export function parseAgingReport(rows: ReportRow[], options: AgingReportOptions): AgingReport {
  const { currency } = options;
  if (!isKnownCurrency(currency)) throw new AgingReportError(`${currency} is not an ISO 4217 currency code`);
  const layout = findReportLayout(rows);
  const asOf = options.asOf ?? titleDate(rows.slice(0, layout.headerIndex));
  const { buckets, bucketOfColumn, uncovered } = layout.shape === 'summary'
    ? reportBuckets(layout) : { buckets: STANDARD_AGING_BUCKETS.map((bucket) => ({ ...bucket })), bucketOfColumn: new Map<number, number>(), uncovered: [] };
  const accounts = new Map<string, AgingAccount>();
  const labels = new Set<string>();
  const notes = uncovered.length > 0 ? [`the report has no column for ${uncovered.join(', ')} days`] : [];
  let reportedTotalMinor: number | undefined;
  const amountColumns = [...layout.buckets, ...(layout.balance ? [layout.balance] : [])];

  for (const row of rows.slice(layout.headerIndex + 1)) {
    const cell = (index: number | undefined) => (index === undefined ? null : row.cells[index] ?? null);
    const place = (column: { header: string }) => ({ rowNumber: row.rowNumber, column: column.header });
    const amount = (column: { index: number; header: string }) => readAmountMinor(cell(column.index), currency, place(column));
    const name = text(cell(layout.customer.index));
    const firstText = text(row.cells.find((value) => !isBlank(value)) ?? null);
    const hasAmount = amountColumns.some((column) => !isBlank(cell(column.index)));
    if (firstText === '') continue;
    if (GRAND_TOTAL.test(firstText) || GRAND_TOTAL.test(name)) {
      reportedTotalMinor = layout.balance && !isBlank(cell(layout.balance.index))
        ? amount(layout.balance) : layout.buckets.reduce((sum, column) => sum + amount(column), 0);
      continue;
    }
    // Subtotals: "Total Acme Corp" after Acme's sub-customers, "Total for 1 - 30 days past due" after a section.
    const subtotalOf = /^total\s*(?:[-–:]\s*|for\s+)?(.+)$/i.exec(name || firstText)?.[1].toLowerCase();
    if ((subtotalOf !== undefined && labels.has(subtotalOf)) || (name === '' && /^total\b/i.test(firstText))) continue;
    if (!hasAmount) {
      labels.add((name || firstText).toLowerCase());
      continue;
    }
    if (name === '') throw new AgingReportError('amounts but no customer', row.rowNumber, layout.customer.header);
    labels.add(name.toLowerCase());
    if (layout.currency && !isBlank(cell(layout.currency.index)) && text(cell(layout.currency.index)).toUpperCase() !== currency) {
      throw new AgingReportError(`${text(cell(layout.currency.index))}, but the report is read as ${currency} (give --currency, or one report per currency)`, row.rowNumber, layout.currency.header);
    }
    const key = layout.customerId && !isBlank(cell(layout.customerId.index)) ? `id:${text(cell(layout.customerId.index))}` : `name:${name.toLowerCase()}`;
    const account = accounts.get(key) ?? { customer: name, bucketMinor: buckets.map(() => 0), lines: 0 };
    accounts.set(key, account);
    account.lines += 1;
    if (layout.shape === 'summary') addSummaryRow(layout, account, bucketOfColumn, amount, row.rowNumber, currency);
    else addDetailRow(account, amount(layout.balance!), invoiceDays(layout, cell, place, asOf, row.rowNumber));
  }
  if (accounts.size === 0) throw new AgingReportError(`no account rows below the header on row ${rows[layout.headerIndex].rowNumber}`);
  const totalMinor = [...accounts.values()].reduce((sum, account) => sum + account.bucketMinor.reduce((a, b) => a + b, 0), 0);
  if (reportedTotalMinor !== undefined && reportedTotalMinor !== totalMinor) {
    notes.push(`the report's TOTAL row says ${reportedTotalMinor} but its accounts add up to ${totalMinor} (minor units of ${currency}): check for rows that were skipped or counted twice`);
  }
  return { shape: layout.shape, currency, asOf, buckets, accounts: [...accounts.values()], reportedTotalMinor, notes };
}

function addSummaryRow(
  layout: ReportLayout, account: AgingAccount, bucketOfColumn: Map<number, number>,
  amount: (column: { index: number; header: string }) => number, rowNumber: number, currency: string,
): void {
  let rowSum = 0;
  for (const column of layout.buckets) {
    const value = amount(column);
    account.bucketMinor[bucketOfColumn.get(column.index)!] += value;
    rowSum += value;
  }
  // A Total column that disagrees with the buckets means a bucket column was missed or misread.
  if (layout.balance) {
    const total = amount(layout.balance);
    if (total !== rowSum) {
      throw new AgingReportError(`the buckets add up to ${rowSum} but the total says ${total} (minor units of ${currency}): a bucket column was not recognised`, rowNumber, layout.balance.header);
    }
  }
}

/** Days past due of one invoice: its own column, or its due date against the report's date. */
function invoiceDays(
  layout: ReportLayout, cell: (index: number | undefined) => ReportCell,
  place: (column: { header: string }) => { rowNumber: number; column: string }, asOf: string | undefined, rowNumber: number,
): number {
  if (layout.daysPastDue && !isBlank(cell(layout.daysPastDue.index))) return readDays(cell(layout.daysPastDue.index), place(layout.daysPastDue));
  const column = layout.dueDate ?? layout.daysPastDue!;
  if (!layout.dueDate || isBlank(cell(layout.dueDate.index))) throw new AgingReportError('no days past due and no due date', rowNumber, column.header);
  const dueDate = readDate(cell(layout.dueDate.index), place(layout.dueDate));
  if (!asOf) throw new AgingReportError('a due date, but the report has no "As of" date in its title: give --as-of YYYY-MM-DD', rowNumber, column.header);
  return daysPastDue(dueDate, startOfDateUtc(asOf));
}

function addDetailRow(account: AgingAccount, balanceMinor: number, days: number): void {
  const index = STANDARD_AGING_BUCKETS.findIndex((bucket) => overlaps(bucket, { fromDays: days, toDays: days }));
  account.bucketMinor[index] += balanceMinor;
  if (balanceMinor > 0) account.maxDaysPastDue = Math.max(account.maxDaysPastDue ?? days, days);
}
