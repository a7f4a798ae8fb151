/**
 * Finds the header row of an aging report and what each column holds, by the names AR systems give
 * them (QuickBooks, NetSuite, Xero, Zoho Books, SAP, Sage): a summary by customer with a column per
 * aging bucket, or a detail by invoice with a due date or days past due and an open balance.
 */
import type { ReportCell, ReportRow } from './aging-report-file';
import { AgingReportError } from './aging-report-values';

/** Days past due a bucket column covers, inclusive; null leaves that end open (current is up to 0). */
export interface DayRange {
  fromDays: number | null;
  toDays: number | null;
}

/** What one column of the report holds. */
export type ColumnRole =
  | { kind: 'customer' | 'customerId' | 'invoice' | 'dueDate' | 'daysPastDue' | 'currency' }
  | { kind: 'balance'; rank: number }
  | ({ kind: 'bucket' } & DayRange);

/** A recognised column: its position, its header as written, and its role. */
export interface ReportColumn {
  index: number;
  header: string;
  role: ColumnRole;
}

/** The columns of a report and the row its header is on. */
export interface ReportLayout {
  shape: 'summary' | 'detail';
  /** Index in the rows array of the header row; data follows it. */
  headerIndex: number;
  customer: ReportColumn;
  customerId?: ReportColumn;
  invoice?: ReportColumn;
  dueDate?: ReportColumn;
  daysPastDue?: ReportColumn;
  currency?: ReportColumn;
  /** The open balance of a detail row, or the Total column of a summary (checked against its buckets). */
  balance?: ReportColumn;
  /** Summary only: the bucket columns, youngest first. */
  buckets: (ReportColumn & { role: { kind: 'bucket' } & DayRange })[];
}

/** Title rows above the header are common; a header further down than this is not looked for. */
const HEADER_SEARCH_ROWS = 30;

const normalise = (cell: ReportCell) => String(cell ?? '').toLowerCase().replace(/[\u2013\u2014]/g, '-').replace(/\s+/g, ' ').trim();

const NAMED_ROLES: [RegExp, ColumnRole][] = [
  [/^(customer|customer name|customer full name|name|contact|contact name|client|client name|account name|debtor|debtor name|company|company name|bill to|name \(customer\)|sold-to name|customer\/project|customer:job)$/, { kind: 'customer' }],
  [/^(customer (id|no\.?|number|#|code|account)|cust(omer)? ?(#|no\.?)|account (no\.?|number|#|id)|debtor (no\.?|number|id)|sold-to party)$/, { kind: 'customerId' }],
  [/^(num|no\.?|number|invoice|invoice (no\.?|number|#|id)|inv(oice)? ?#|document (number|no\.?)|doc(ument)? ?(no\.?|#)|reference|ref\.?|transaction (number|no\.?|#))$/, { kind: 'invoice' }],
  [/^(due date|due|date due|net due date|due on)$/, { kind: 'dueDate' }],
  [/^(past due|days past due|days overdue|overdue days|days late|age|age \(days\)|days|aging|ageing|arrears days)$/, { kind: 'daysPastDue' }],
  [/^(currency|curr\.?|currency code|ccy)$/, { kind: 'currency' }],
  [/^(open balance|open amount|amount open)$/, { kind: 'balance', rank: 0 }],
  [/^(balance due|amount due|amount remaining|remaining|outstanding|amount outstanding|outstanding amount|open balance \(.*\))$/, { kind: 'balance', rank: 1 }],
  [/^(total|balance|total balance|total due|total outstanding|total amount)$/, { kind: 'balance', rank: 2 }],
  [/^(amount|original amount|invoice amount)$/, { kind: 'balance', rank: 3 }],
];

/** Words around a bucket's numbers that say nothing about its range. */
const BUCKET_NOISE = /\b(days?|past due|overdue|late|old|aged|ageing|aging)\b/g;

/** The day range of a bucket header ("1 - 30", "31-60 days past due", "91 and over", "> 90", "< 1 Month"), or undefined. */
export function bucketRange(header: string): DayRange | 'older' | undefined {
  const text = normalise(header);
  if (/^(current|not (yet )?due|not overdue|current \(not due\)|current due|future|0 days)$/.test(text)) return { fromDays: null, toDays: 0 };
  if (/^(older|older than that|later)$/.test(text)) return 'older';
  const months = /^(<\s*1|less than 1|under 1) months?$|^(\d+) months?( overdue)?$/.exec(text);
  if (months) {
    // Xero ages by month: "< 1 Month" is 1–30 days past due, "1 Month" 31–60 and so on.
    const n = months[2] === undefined ? 0 : Number(months[2]);
    return { fromDays: n * 30 + 1, toDays: (n + 1) * 30 };
  }
  const bare = text.replace(BUCKET_NOISE, ' ').replace(/\s+/g, ' ').trim();
  let match = /^(\d+) ?(?:-|to) ?(\d+)$/.exec(bare);
  if (match && Number(match[1]) <= Number(match[2])) return { fromDays: Number(match[1]), toDays: Number(match[2]) };
  if ((match = /^(?:over|more than|older than|greater than|above|>) ?(\d+)$/.exec(bare))) return { fromDays: Number(match[1]) + 1, toDays: null };
  if ((match = /^(?:>=|≥) ?(\d+)$/.exec(bare)) || (match = /^(\d+) ?(?:and|&) (?:over|older|above|up|more)$/.exec(bare))) {
    return { fromDays: Number(match[1]), toDays: null };
  }
  // "91+" starts at 91; "90+" and "120+" mean over 90 and over 120.
  if ((match = /^(\d+) ?\+$/.exec(bare))) return { fromDays: Number(match[1]) % 10 === 1 ? Number(match[1]) : Number(match[1]) + 1, toDays: null };
  return undefined;
}

function roleOf(header: string): ColumnRole | DayRange | 'older' | undefined {
  const text = normalise(header);
  if (text === '') return undefined;
  return NAMED_ROLES.find(([pattern]) => pattern.test(text))?.[1] ?? bucketRange(text);
}

/** Reads one candidate header row; undefined when it is not the header of a report we can read. */
function layoutOf(row: ReportRow, headerIndex: number): ReportLayout | undefined {
  const columns: ReportColumn[] = [];
  const older: number[] = [];
  row.cells.forEach((cell, index) => {
    const header = String(cell ?? '').trim();
    const role = roleOf(header);
    if (role === 'older') older.push(index);
    else if (role && 'kind' in role) columns.push({ index, header, role });
    else if (role) columns.push({ index, header, role: { kind: 'bucket', ...role } });
  });
  const buckets = columns.filter((column): column is ReportLayout['buckets'][number] => column.role.kind === 'bucket');
  const lastEnd = Math.max(0, ...buckets.map((column) => column.role.toDays ?? 0));
  for (const index of older) {
    if (buckets.length > 0) buckets.push({ index, header: String(row.cells[index]).trim(), role: { kind: 'bucket', fromDays: lastEnd + 1, toDays: null } });
  }
  const first = (kind: ColumnRole['kind']) => columns.find((column) => column.role.kind === kind);
  const balance = columns.filter((column) => column.role.kind === 'balance')
    .sort((a, b) => (a.role as { rank: number }).rank - (b.role as { rank: number }).rank)[0];
  // QuickBooks leaves the customer column of its summary without a header.
  const customer = first('customer')
    ?? (buckets.length >= 2 && normalise(row.cells[0]) === '' ? { index: 0, header: '(first column)', role: { kind: 'customer' as const } } : undefined);
  if (!customer) return undefined;
  const common = { headerIndex, customer, customerId: first('customerId'), currency: first('currency'), balance };
  if ((first('dueDate') || first('daysPastDue')) && balance) {
    return { ...common, shape: 'detail', invoice: first('invoice'), dueDate: first('dueDate'), daysPastDue: first('daysPastDue'), buckets: [] };
  }
  const pastDue = buckets.some((column) => (column.role.fromDays ?? 0) > 0);
  if (buckets.length < 2 || !pastDue) return undefined;
  buckets.sort((a, b) => (a.role.fromDays ?? -Infinity) - (b.role.fromDays ?? -Infinity));
  return { ...common, shape: 'summary', buckets };
}

/** Throws when two bucket columns cover the same days: their money would be counted twice. */
function checkNoOverlap(layout: ReportLayout, rowNumber: number): void {
  layout.buckets.forEach((column, i) => {
    const next = layout.buckets[i + 1];
    if (next && (column.role.toDays === null || (next.role.fromDays ?? -Infinity) <= column.role.toDays)) {
      throw new AgingReportError(`columns "${column.header}" and "${next.header}" cover the same days past due`, rowNumber);
    }
  });
}

/** The header row (searched among the first rows, below any title rows) and its columns. */
export function findReportLayout(rows: ReportRow[]): ReportLayout {
  for (let index = 0; index < Math.min(rows.length, HEADER_SEARCH_ROWS); index++) {
    const layout = layoutOf(rows[index], index);
    if (!layout) continue;
    checkNoOverlap(layout, rows[index].rowNumber);
    return layout;
  }
  throw new AgingReportError(
    `no header row in the first ${HEADER_SEARCH_ROWS} rows: expected a customer column with aging bucket columns (Current, 1 - 30, 31 - 60, 61 - 90, 91 and over, Total) `
    + 'or, for a detail by invoice, a customer column, a due date or days past due column and an open balance column',
  );
}
