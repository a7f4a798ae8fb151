/**
 * The collectors' activity log as a fill-in sheet: one row per contact attempt, and a weekly
 * recovery trend computed from it. Column letters are fixed here because the trend and the KPI
 * dashboard refer to them in formulas.
 */
import { SEGMENTS, type CollectionsPolicy } from '../domain/policy/schema';

/** Rows of the log that are ready to fill in (data validation and formulas reach this far). */
export const LOG_ROWS = 500;
/** Weeks in the recovery trend. */
export const TREND_WEEKS = 13;

/** Outcomes of a contact attempt; those starting "Reached" count as a successful contact. */
export const CONTACT_OUTCOMES = [
  'Reached: promise to pay', 'Reached: paid', 'Reached: plan agreed', 'Reached: dispute', 'Reached: says paid',
  'Reached: call back', 'Reached: refused', 'Voicemail', 'No answer', 'Wrong contact', 'Email bounced',
] as const;
export const CONTACT_CHANNELS = ['Phone', 'Email', 'Letter', 'Meeting', 'Portal'] as const;
export const COLLECTION_STATUSES = ['Open', 'Promise to pay', 'Payment plan', 'Disputed', 'Escalated', 'Paid', 'Written off'] as const;

/** One column of the log: its letter, header, width, and the list it is limited to or the formula that fills it. */
export interface LogColumn {
  letter: string;
  header: string;
  width: number;
  list?: readonly string[];
  /** Formula for a row, given the row number. */
  formula?: (row: number) => string;
  numberFormat?: string;
}

/** The log's columns, A to T. */
export function logColumns(policy: CollectionsPolicy): LogColumn[] {
  return [
    { letter: 'A', header: 'Date', width: 12, numberFormat: 'yyyy-mm-dd' },
    // Monday of the attempt's week: the key of the weekly trend.
    { letter: 'B', header: 'Week starting', width: 14, numberFormat: 'yyyy-mm-dd', formula: (row) => `IF(A${row}="","",A${row}-WEEKDAY(A${row},3))` },
    { letter: 'C', header: 'Customer', width: 28 },
    { letter: 'D', header: 'Customer id', width: 14 },
    { letter: 'E', header: 'Invoice #', width: 14 },
    { letter: 'F', header: 'Segment', width: 14, list: SEGMENTS },
    { letter: 'G', header: 'Aging bucket', width: 13, list: policy.agingBuckets.map((bucket) => bucket.label) },
    { letter: 'H', header: 'Balance', width: 14, numberFormat: '#,##0.00' },
    { letter: 'I', header: 'Attempt #', width: 10, numberFormat: '0' },
    { letter: 'J', header: 'Channel', width: 11, list: CONTACT_CHANNELS },
    { letter: 'K', header: 'Contact person', width: 20 },
    { letter: 'L', header: 'Outcome', width: 24, list: CONTACT_OUTCOMES },
    { letter: 'M', header: 'Promise date', width: 13, numberFormat: 'yyyy-mm-dd' },
    { letter: 'N', header: 'Promised amount', width: 16, numberFormat: '#,##0.00' },
    { letter: 'O', header: 'Amount recovered', width: 17, numberFormat: '#,##0.00' },
    { letter: 'P', header: 'Collection status', width: 17, list: COLLECTION_STATUSES },
    { letter: 'Q', header: 'Next action', width: 24 },
    { letter: 'R', header: 'Next action date', width: 16, numberFormat: 'yyyy-mm-dd' },
    { letter: 'S', header: 'Collector', width: 16 },
    { letter: 'T', header: 'Notes', width: 40 },
  ];
}

/** One column of the weekly trend, computed from the log. */
export interface TrendColumn {
  letter: string;
  header: string;
  width: number;
  /** Formula for a trend row, given the row number (the week-starting date is in column V). */
  formula: (row: number) => string;
  numberFormat?: string;
}

const LAST = LOG_ROWS + 1;
const inLog = (column: string) => `$${column}$2:$${column}$${LAST}`;
const ifWeek = (row: number, formula: string) => `IF($V${row}="","",${formula})`;

/** The trend's columns, V to AB: the first week is the Monday of the earliest logged date, then one row a week. */
export const TREND_COLUMNS: TrendColumn[] = [
  {
    letter: 'V', header: 'Week starting', width: 14, numberFormat: 'yyyy-mm-dd',
    formula: (row) => (row === 2
      ? `IF(COUNT(${inLog('A')})=0,"",MIN(${inLog('A')})-WEEKDAY(MIN(${inLog('A')}),3))`
      : `IF(V${row - 1}="","",V${row - 1}+7)`),
  },
  { letter: 'W', header: 'Contact attempts', width: 16, formula: (row) => ifWeek(row, `COUNTIFS(${inLog('B')},$V${row})`) },
  { letter: 'X', header: 'Successful contacts', width: 19, formula: (row) => ifWeek(row, `COUNTIFS(${inLog('B')},$V${row},${inLog('L')},"Reached*")`) },
  { letter: 'Y', header: 'Promises to pay', width: 16, formula: (row) => ifWeek(row, `COUNTIFS(${inLog('B')},$V${row},${inLog('M')},"<>")`) },
  { letter: 'Z', header: 'Amount promised', width: 16, numberFormat: '#,##0.00', formula: (row) => ifWeek(row, `SUMIFS(${inLog('N')},${inLog('B')},$V${row})`) },
  { letter: 'AA', header: 'Amount recovered', width: 17, numberFormat: '#,##0.00', formula: (row) => ifWeek(row, `SUMIFS(${inLog('O')},${inLog('B')},$V${row})`) },
  { letter: 'AB', header: 'Contact success rate', width: 19, numberFormat: '0%', formula: (row) => ifWeek(row, `IF(W${row}=0,"",X${row}/W${row})`) },
];

/** Column letters of the log the KPI dashboard reads. */
export const LOG_RANGES = { outcome: inLog('L'), recovered: inLog('O') };
