import { addMoney, CurrencyMismatchError, formatMoney, isKnownCurrency, minorUnitDigits, money, subtractMoney } from '../../src/domain/money';

describe('minorUnitDigits', () => {
  // From the ISO 4217 list, where the runtime's CLDR data differs (IQD, HUF, IDR).
  test.each([['USD', 2], ['EUR', 2], ['JPY', 0], ['KWD', 3], ['IQD', 3], ['HUF', 2], ['IDR', 2]])('%s has %i minor-unit digits', (currency, digits) => {
    expect(minorUnitDigits(currency)).toBe(digits);
  });
});

describe('isKnownCurrency', () => {
  test.each(['USD', 'EUR', 'JPY'])('accepts %s', (code) => expect(isKnownCurrency(code)).toBe(true));
  test.each(['usd', 'XXY', 'US', 'USDD', '', 'XTS', 'XXX', 'XAU'])('refuses %p', (code) => expect(isKnownCurrency(code)).toBe(false));
});

describe('money', () => {
  test('builds an amount in minor units', () => {
    expect(money(123450, 'USD')).toEqual({ amountMinor: 123450, currency: 'USD' });
  });

  test.each([1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %p', (amount) => {
    expect(() => money(amount, 'USD')).toThrow(RangeError);
  });
});

describe('addMoney and subtractMoney', () => {
  test('add and subtract within one currency', () => {
    expect(addMoney(money(150, 'USD'), money(275, 'USD'))).toEqual(money(425, 'USD'));
    expect(subtractMoney(money(150, 'USD'), money(275, 'USD'))).toEqual(money(-125, 'USD'));
  });

  test('refuse mixed currencies with CurrencyMismatchError', () => {
    expect(() => addMoney(money(100, 'USD'), money(100, 'EUR'))).toThrow(CurrencyMismatchError);
    expect(() => subtractMoney(money(100, 'JPY'), money(100, 'USD'))).toThrow('currency mismatch: JPY and USD');
  });

  test('refuse a sum beyond the safe integer range', () => {
    expect(() => addMoney(money(Number.MAX_SAFE_INTEGER, 'USD'), money(1, 'USD'))).toThrow(RangeError);
  });
});

describe('formatMoney', () => {
  test('formats USD cents with two decimals', () => {
    expect(formatMoney(money(123450, 'USD'))).toBe('$1,234.50');
  });

  test('formats JPY with no decimals', () => {
    expect(formatMoney(money(1235, 'JPY'))).toBe('¥1,235');
  });

  test('formats KWD fils with three decimals', () => {
    expect(formatMoney(money(1234567, 'KWD'))).toContain('1,234.567');
  });

  test('formats a negative amount', () => {
    expect(formatMoney(money(-500, 'USD'))).toBe('-$5.00');
  });
});
