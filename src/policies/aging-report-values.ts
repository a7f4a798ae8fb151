/**
 * Reading one cell of an aging report strictly: money as integer minor units (currency symbols,
 * thousands separators, parentheses or a trailing minus for credits), days and dates. What cannot
 * be read is refused with the row and the column, never guessed.
 */
import { isIsoDate } from '../domain/calendar';
import { minorUnitDigits } from '../domain/money';

/** One cell as the file readers hand it over: text, a number, a date, or empty. */
export type ReportCell = string | number | Date | null;

/** A report that cannot be read; names the row (as the file numbers it) and the column when known. */
export class AgingReportError extends Error {
  constructor(reason: string, readonly rowNumber?: number, readonly column?: string) {
    super(rowNumber === undefined ? reason : `row ${rowNumber}${column ? `, column "${column}"` : ''}: ${reason}`);
    this.name = 'AgingReportError';
  }
}

/** Where a cell sits, for error messages (a command-line value has no row). */
export interface CellPlace {
  rowNumber?: number;
  column?: string;
}

const fail = (place: CellPlace, reason: string): never => {
  throw new AgingReportError(reason, place.rowNumber, place.column);
};

/** True when the cell holds nothing a person would read as a value. */
export function isBlank(cell: ReportCell): boolean {
  return cell === null || (typeof cell === 'string' && /^\s*[-–—]?\s*$/.test(cell));
}

const DOLLAR_CURRENCIES = new Set(['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD', 'MXN', 'TWD', 'JMD', 'BSD', 'BBD', 'BZD', 'FJD', 'LRD', 'NAD', 'SBD', 'TTD', 'XCD', 'BND', 'GYD', 'SRD', 'CLP', 'COP', 'ARS', 'UYU']);
const SYMBOL_CURRENCIES: Record<string, readonly string[]> = {
  '€': ['EUR'], '£': ['GBP'], '₹': ['INR'], '¥': ['JPY', 'CNY'], '₩': ['KRW'], '₽': ['RUB'], '₺': ['TRY'], '₪': ['ILS'],
  'R$': ['BRL'], 'zł': ['PLN'], 'kr': ['SEK', 'NOK', 'DKK', 'ISK'], 'Fr.': ['CHF'],
};

/** Removes the currency mark, refusing one that is not `currency`'s. */
function stripCurrency(text: string, currency: string, place: CellPlace): string {
  const code = /\b([A-Z]{3})\b/.exec(text);
  if (code) {
    if (code[1] !== currency) fail(place, `"${text}" is in ${code[1]}, but the report is read as ${currency} (give --currency ${code[1]}, or one report per currency)`);
    text = text.replace(code[0], '');
  }
  for (const [symbol, currencies] of Object.entries(SYMBOL_CURRENCIES)) {
    if (!text.includes(symbol)) continue;
    if (!currencies.includes(currency)) fail(place, `"${text}" is in ${symbol}, but the report is read as ${currency} (give --currency ${currencies[0]})`);
    text = text.replace(symbol, '');
  }
  if (text.includes('$')) {
    if (!DOLLAR_CURRENCIES.has(currency)) fail(place, `"${text}" is in dollars, but the report is read as ${currency} (give --currency USD or the dollar's code)`);
    text = text.replace(/[A-Z]{0,2}\$/, '');
  }
  return text;
}

/** Splits "1,234.50", "1.234,50", "1 234,50" or "1'234.50" into whole and fraction digits. */
function splitNumber(text: string): { whole: string; fraction: string } | undefined {
  const plain = text.replace(/(?<=\d)[\s\u00a0\u202f'’](?=\d{3}\b)/g, '');
  let match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(plain);
  if (match) return { whole: match[1].replace(/,/g, ''), fraction: match[2] ?? '' };
  match = /^(\d{1,3}(?:\.\d{3})+|\d+),(\d+)$/.exec(plain);
  if (match && !(/^\d+$/.test(match[1]) && match[2].length === 3)) return { whole: match[1].replace(/\./g, ''), fraction: match[2] };
  return undefined;
}

/** An amount cell in integer minor units of `currency`; a blank cell is zero. */
export function readAmountMinor(cell: ReportCell, currency: string, place: CellPlace): number {
  if (cell === null || isBlank(cell)) return 0;
  const digits = minorUnitDigits(currency);
  if (cell instanceof Date) return fail(place, 'a date where an amount was expected');
  if (typeof cell === 'number') {
    const scaled = cell * 10 ** digits;
    const minor = Math.round(scaled);
    if (Math.abs(scaled - minor) > 1e-6) fail(place, `${cell} has more decimals than ${currency}'s ${digits}`);
    if (!Number.isSafeInteger(minor)) fail(place, `${cell} is too large`);
    return minor;
  }
  const original = cell.trim();
  let text = stripCurrency(original, currency, place).trim();
  let negative = false;
  const parenthesised = /^\((.*)\)$/.exec(text);
  if (parenthesised) [negative, text] = [true, parenthesised[1].trim()];
  const signed = /^(?:-\s*(.+)|(.+?)\s*-|(.+?)\s*CR)$/i.exec(text);
  if (signed) [negative, text] = [true, (signed[1] ?? signed[2] ?? signed[3]).trim()];
  const parts = splitNumber(text);
  if (!parts) return fail(place, `"${original}" is not an amount`);
  if (parts.fraction.length > digits) fail(place, `"${original}" has more decimals than ${currency}'s ${digits} (is the decimal mark a comma? then a thousands dot is needed too)`);
  const minor = Number(parts.whole) * 10 ** digits + Number(parts.fraction.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor)) fail(place, `"${original}" is too large`);
  return negative ? -minor : minor;
}

/** A whole number of days past due ("67", 67, "67 days"; negative when not yet due). */
export function readDays(cell: ReportCell, place: CellPlace): number {
  if (typeof cell === 'number' && Number.isInteger(cell)) return cell;
  const match = typeof cell === 'string' ? /^\s*(-?\d+)\s*(?:days?)?\s*$/i.exec(cell) : null;
  if (!match) return fail(place, `${JSON.stringify(cell instanceof Date ? cell.toISOString().slice(0, 10) : cell)} is not a whole number of days`);
  return Number(match[1]);
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const isoOf = (year: number, month: number, day: number) =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/** A calendar date from text as exports write it, or undefined: ISO, US month/day/year, "15-Jan-2025", "January 15, 2025". */
export function parseReportDate(text: string): string | undefined {
  const value = text.trim();
  let match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(value);
  let iso: string | undefined;
  if (match) iso = `${match[1]}-${match[2]}-${match[3]}`;
  else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})$/.exec(value))) {
    const year = match[3].length === 2 ? 2000 + Number(match[3]) : Number(match[3]);
    iso = isoOf(year, Number(match[1]), Number(match[2]));
  } else if ((match = /^(\d{1,2})[-\s.]+([a-z]{3,9})\.?[-\s,]+(\d{4})$/i.exec(value))) {
    const month = MONTHS.indexOf(match[2].slice(0, 3).toLowerCase()) + 1;
    if (month > 0) iso = isoOf(Number(match[3]), month, Number(match[1]));
  } else if ((match = /^([a-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/i.exec(value))) {
    const month = MONTHS.indexOf(match[1].slice(0, 3).toLowerCase()) + 1;
    if (month > 0) iso = isoOf(Number(match[3]), month, Number(match[2]));
  }
  return iso !== undefined && isIsoDate(iso) ? iso : undefined;
}

/** A date cell (an XLSX date, an Excel serial number or text) as `YYYY-MM-DD`. */
export function readDate(cell: ReportCell, place: CellPlace): string {
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  if (typeof cell === 'number' && Number.isInteger(cell) && cell > 0) {
    // Excel's day 0 is 1899-12-30 (its 1900 leap-year bug included).
    return new Date(Date.UTC(1899, 11, 30) + cell * 86_400_000).toISOString().slice(0, 10);
  }
  const iso = typeof cell === 'string' ? parseReportDate(cell) : undefined;
  return iso ?? fail(place, `${JSON.stringify(cell)} is not a date (read as YYYY-MM-DD, month/day/year, 15-Jan-2025 or January 15, 2025)`);
}
