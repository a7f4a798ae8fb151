import { parseReportDate, readAmountMinor, readDate, readDays } from '../../src/policies/aging-report-values';

const place = { rowNumber: 7, column: 'Open Balance' };

test.each([
  ['$1,234.50', 'USD', 123_450],
  ['(250.00)', 'USD', -25_000],
  ['$(1,000.00)', 'USD', -100_000],
  ['-$12.00', 'USD', -1_200],
  ['1,234.50-', 'USD', -123_450],
  ['99.00 CR', 'USD', -9_900],
  ['USD 12', 'USD', 1_200],
  ['CA$5.10', 'CAD', 510],
  ['1.234,56 €', 'EUR', 123_456],
  ['1 234,5', 'EUR', 123_450],
  ["1'234.50", 'CHF', 123_450],
  ['¥1,235', 'JPY', 1_235],
  ['1.234', 'KWD', 1_234],
  ['', 'USD', 0],
  ['-', 'USD', 0],
])('%s in %s is %d minor units', (text, currency, minor) => {
  expect(readAmountMinor(text, currency, place)).toBe(minor);
});

test('numbers from a workbook are scaled to minor units; finer amounts are refused', () => {
  expect(readAmountMinor(1234.56, 'USD', place)).toBe(123_456);
  expect(readAmountMinor(0.1 + 0.2, 'USD', place)).toBe(30);
  expect(readAmountMinor(null, 'USD', place)).toBe(0);
  expect(() => readAmountMinor(1.005, 'USD', place)).toThrow('row 7, column "Open Balance": 1.005 has more decimals');
  expect(() => readAmountMinor(12.5, 'JPY', place)).toThrow(/more decimals than JPY's 0/);
  expect(() => readAmountMinor(new Date(0), 'USD', place)).toThrow('a date where an amount was expected');
});

test('ambiguous or foreign amounts are refused', () => {
  expect(() => readAmountMinor('1.234', 'USD', place)).toThrow(/more decimals/);
  expect(() => readAmountMinor('£10.00', 'USD', place)).toThrow('give --currency GBP');
  expect(() => readAmountMinor('EUR 10', 'USD', place)).toThrow('is in EUR');
  expect(() => readAmountMinor('12 apples', 'USD', place)).toThrow('"12 apples" is not an amount');
});

test('days and dates as exports write them', () => {
  expect(readDays('67', place)).toBe(67);
  expect(readDays(' -4 days', place)).toBe(-4);
  expect(() => readDays('67.5', place)).toThrow('not a whole number of days');
  expect(parseReportDate('January 15, 2025')).toBe('2025-01-15');
  expect(parseReportDate('15-Jan-2025')).toBe('2025-01-15');
  expect(parseReportDate('31 January 2025')).toBe('2025-01-31');
  expect(parseReportDate('1/15/25')).toBe('2025-01-15');
  expect(parseReportDate('2025-02-30')).toBeUndefined();
  expect(readDate(45_672, place)).toBe('2025-01-15'); // an Excel serial day number
  expect(readDate(new Date(Date.UTC(2025, 0, 15)), place)).toBe('2025-01-15');
});
