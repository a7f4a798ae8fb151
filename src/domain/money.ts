/** Money as integer minor units with an ISO 4217 code: never floats, never mixed currencies. */

export interface Money {
  /** Amount in the currency's minor unit (cents for USD, yen for JPY). */
  amountMinor: number;
  /** ISO 4217 alphabetic code, upper case. */
  currency: string;
}

/** Thrown when two amounts of different currencies meet in one calculation. */
export class CurrencyMismatchError extends Error {
  constructor(left: string, right: string) {
    super(`currency mismatch: ${left} and ${right}`);
    this.name = 'CurrencyMismatchError';
  }
}

const CURRENCY_CODE = /^[A-Z]{3}$/;

/** True for a well-formed ISO 4217 code that this runtime's CLDR data knows. */
export function isKnownCurrency(code: string): boolean {
  if (!CURRENCY_CODE.test(code)) return false;
  return Intl.supportedValuesOf('currency').includes(code);
}

/** Number of minor-unit digits of a currency (2 for USD, 0 for JPY, 3 for KWD). */
export function minorUnitDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Builds a Money, refusing fractional or unsafe amounts. */
export function money(amountMinor: number, currency: string): Money {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError(`amount must be an integer number of minor units, got ${amountMinor}`);
  return { amountMinor, currency };
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
}

/** a + b in the same currency. */
export function addMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amountMinor + b.amountMinor, a.currency);
}

/** a − b in the same currency (may be negative). */
export function subtractMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amountMinor - b.amountMinor, a.currency);
}

/** Formats for people, e.g. `$1,234.50` or `¥1,235`; never used for arithmetic. */
export function formatMoney(value: Money, locale = 'en-US'): string {
  const digits = minorUnitDigits(value.currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency: value.currency }).format(value.amountMinor / 10 ** digits);
}
