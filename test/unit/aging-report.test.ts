import path from 'node:path';
import ExcelJS from 'exceljs';
import { parseAgingReport, readAgingReport } from '../../src/policies/aging-report';
import { readCsv } from '../../src/policies/aging-report-file';
import { summarizeAgingReport } from '../../src/policies/aging-report-summary';
import { scratchDir } from '../support/scratch';

const FIXTURES = path.join(__dirname, '../fixtures/aging-reports');
const fromCsv = (text: string, currency = 'USD', asOf?: string) => parseAgingReport(readCsv(text), { currency, asOf });
const bucketsOf = (summary: ReturnType<typeof summarizeAgingReport>) =>
  summary.buckets.map((bucket) => [bucket.label, bucket.amountMinor, bucket.accounts]);

describe('a QuickBooks A/R Aging Summary export', () => {
  const load = async () => summarizeAgingReport(await readAgingReport(path.join(FIXTURES, 'quickbooks-ar-aging-summary.csv'), { currency: 'USD' }));

  test('keeps its "91 and over" column as 91+ and totals each bucket', async () => {
    const summary = await load();
    expect(summary).toMatchObject({ shape: 'summary', currency: 'USD', asOf: '2025-01-15', notes: [] });
    expect(bucketsOf(summary)).toEqual([
      ['current', 40_990_000, 8], ['1-30', 20_910_000, 5], ['31-60', 23_396_000, 3], ['61-90', 40_120_000, 2], ['91+', 882_550, 4],
    ]);
    expect(summary.totalMinor).toBe(126_298_550);
    expect(summary.pastDueMinor).toBe(85_308_550);
  });

  test('skips title rows, the parent label, "Total Acme Corp", the TOTAL row and the footer; credits in parentheses count', async () => {
    const summary = await load();
    expect(summary.accounts).toBe(19);
    expect(summary.pastDueAccounts).toBe(14);
    expect(summary.pastDue.map((line) => line.customer)).not.toContain('Total Acme Corp');
    expect(summary.buckets[0].amountMinor).toBe(40_990_000); // Northwind's (250.00) is inside
    expect(summary.pastDue.slice(0, 3)).toEqual([
      expect.objectContaining({ customer: 'TechCorp Inc.', pastDueMinor: 24_500_000, over60Minor: 24_500_000, oldestBucket: '61-90' }),
      expect.objectContaining({ customer: 'Global Retail Co.', pastDueMinor: 19_850_000, over60Minor: 0, balanceMinor: 44_850_000 }),
      expect.objectContaining({ customer: 'StartupXYZ LLC', pastDueMinor: 15_620_000 }),
    ]);
    expect(summary.over60Minor).toBe(41_002_550);
    expect(summary.over90Minor).toBe(882_550);
  });
});

describe('a NetSuite A/R Aging Detail export', () => {
  const load = () => readAgingReport(path.join(FIXTURES, 'netsuite-ar-aging-detail.csv'), { currency: 'USD' });

  test('buckets each invoice by its Age, or by its due date against the report date when Age is blank', async () => {
    const summary = summarizeAgingReport(await load());
    const line = (customer: string) => summary.pastDue.find((candidate) => candidate.customer === customer);
    expect(line('MediaGroup Corp.')).toMatchObject({ maxDaysPastDue: 52, pastDueMinor: 9_720_000 }); // due 11/24/2024, as of 1/15/2025, less a credit memo
    expect(line('Lakeside Clinic')).toMatchObject({ maxDaysPastDue: 77 });
    expect(line('TechCorp Inc.')).toMatchObject({ maxDaysPastDue: 67, pastDueMinor: 24_500_000, balanceMinor: 26_340_000 });
    expect(bucketsOf(summary)).toEqual([
      ['current', 9_340_000, 2], ['1-30', 25_000, 1], ['31-60', 43_170_000, 3], ['61-90', 40_417_550, 3], ['91-120', 0, 0], ['120+', 467_000, 2],
    ]);
  });

  test('reads the open balance, not the original amount, and agrees with its Total row', async () => {
    const report = await load();
    expect(report.accounts.find((account) => account.customer === 'Global Retail Co.')?.bucketMinor[2]).toBe(19_850_000);
    expect(report.reportedTotalMinor).toBe(93_419_550);
    expect(report.notes).toEqual([]);
  });

  test('an as-of date given overrides the title', async () => {
    const report = await readAgingReport(path.join(FIXTURES, 'netsuite-ar-aging-detail.csv'), { currency: 'USD', asOf: '2025-02-14' });
    expect(report.accounts.find((account) => account.customer === 'MediaGroup Corp.')?.maxDaysPastDue).toBe(82);
  });
});

test('a Xero Aged Receivables Summary workbook: month columns, numbers and formulas', async () => {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Aged Receivables Summary');
  sheet.addRows([
    ['Aged Receivables Summary'], ['Example Co.'], ['As at 31 January 2025'], [],
    ['Contact', 'Current', '< 1 Month', '1 Month', '2 Months', '3 Months', 'Older', 'Total'],
    ['Harbor Freightways', 1200.5, 300, null, null, null, null, { formula: 'SUM(B6:G6)', result: 1500.5 }],
    ['TechCorp Inc.', null, null, null, 2450, null, null, 2450],
    ['Tiny Widgets', null, null, null, null, null, 320, 320],
    ['Total', 1200.5, 300, 0, 2450, 0, 320, 4270.5],
  ]);
  const file = path.join(scratchDir('aging-'), 'xero.xlsx');
  await workbook.xlsx.writeFile(file);
  const summary = summarizeAgingReport(await readAgingReport(file, { currency: 'NZD' }));
  expect(summary).toMatchObject({ asOf: '2025-01-31', currency: 'NZD', totalMinor: 427_050, notes: [] });
  expect(bucketsOf(summary)).toEqual([
    ['current', 120_050, 1], ['1-30', 30_000, 1], ['31-60', 0, 0], ['61-90', 245_000, 1], ['91-120', 0, 0], ['120+', 32_000, 1],
  ]);
});

test('Zoho\'s 15-day columns: "> 45 Days" straddles 60 days, so 31+ is reported and over-60 is unknown', () => {
  const report = fromCsv([
    'Customer Name,Current,1-15 Days,16-30 Days,31-45 Days,> 45 Days,Total',
    'Acme,100.00,10.00,20.00,30.00,40.00,200.00',
    'Bolt,,,,,"1,000.00","1,000.00"',
  ].join('\n'));
  const summary = summarizeAgingReport(report);
  expect(bucketsOf(summary)).toEqual([['current', 10_000, 1], ['1-30', 3_000, 1], ['31+', 107_000, 2]]);
  expect(summary.over60Minor).toBeUndefined();
  expect(summary.over90Minor).toBeUndefined();
});

test('an SAP-style semicolon export in euros with other header spellings', () => {
  const report = fromCsv([
    'Customer Aging;;;;;;;;',
    'Customer No.;Customer Name;Not Due;1-30 Days;31-60 Days;61-90 Days;91-120 Days;Over 120 Days;Total Balance',
    '100234;Müller GmbH;1.234,56 €;;;;;;1.234,56 €',
    '100235;Dupont SA;;;-;;"2 500,00";;"2 500,00"',
    '100235;Dupont SA (Lyon);;;;;;99,00-;-99,00',
  ].join('\n'), 'EUR');
  expect(report.accounts).toEqual([
    expect.objectContaining({ customer: 'Müller GmbH', bucketMinor: [123_456, 0, 0, 0, 0, 0] }),
    // The customer number groups two names into one account.
    expect.objectContaining({ customer: 'Dupont SA', bucketMinor: [0, 0, 0, 0, 250_000, -9_900], lines: 2 }),
  ]);
});

test('a customer whose name starts with "Total" is an account; a subtotal of a known label is not', () => {
  const report = fromCsv([
    ',Current,1 - 30,31 - 60,61 - 90,91 and over,Total',
    'Total Wine & More,,50.00,,,,50.00',
    'Acme,,,,,,',
    'Acme:East,,25.00,,,,25.00',
    'Total Acme,,25.00,,,,25.00',
    'TOTAL,,75.00,,,,75.00',
  ].join('\n'));
  expect(report.accounts.map((account) => account.customer)).toEqual(['Total Wine & More', 'Acme:East']);
  expect(report.reportedTotalMinor).toBe(7_500);
});

test('a TOTAL row that does not add up is noted', () => {
  const report = fromCsv('Customer,Current,1-30,Total\nAcme,1.00,2.00,3.00\nTOTAL,1.00,2.00,4.00\n');
  expect(report.notes).toEqual([
    'the report has no column for 31-60, 61-90, 91-120, 120+ days',
    expect.stringContaining('TOTAL row says 400 but its accounts add up to 300'),
  ]);
  expect(report.buckets.map((bucket) => bucket.label)).toEqual(['current', '1-30']);
});

describe('what cannot be read is refused, naming the row and the column', () => {
  const header = 'Customer,Current,1 - 30,31 - 60,61 - 90,91 and over,Total';
  test.each([
    ['an unreadable amount', `${header}\nAcme,1.00,abc,,,,1.00`, 'row 2, column "1 - 30": "abc" is not an amount'],
    ['more decimals than the currency has', `${header}\nAcme,1.005,,,,,1.005`, 'row 2, column "Current": "1.005" has more decimals than USD\'s 2'],
    ['another currency\'s symbol', `${header}\nAcme,€1.00,,,,,1.00`, 'row 2, column "Current": "€1.00" is in €, but the report is read as USD (give --currency EUR)'],
    ['a row whose buckets disagree with its total', `${header}\nAcme,1.00,2.00,,,,4.00`, 'row 2, column "Total": the buckets add up to 300 but the total says 400'],
    ['amounts without a customer', `${header}\n,1.00,,,,,1.00`, 'row 2, column "Customer": amounts but no customer'],
    ['overlapping bucket columns', 'Customer,Current,1-30,Over 90,91-120\nAcme,1,1,1,1', 'row 1: columns "Over 90" and "91-120" cover the same days'],
    ['no header at all', 'Name,Phone\nAcme,555', 'no header row in the first 30 rows'],
    ['a due date with no report date', 'Customer,Invoice,Due Date,Open Balance\nAcme,1001,2025-01-01,10.00', 'row 2, column "Due Date": a due date, but the report has no "As of" date'],
    ['a date that is not one', 'Customer,Invoice,Due Date,Open Balance\nAcme,1001,13/45/2025,10.00', 'row 2, column "Due Date": "13/45/2025" is not a date'],
    ['a row in another currency', 'Customer,Currency,Current,1-30\nAcme,EUR,1.00,2.00', 'row 2, column "Currency": EUR, but the report is read as USD'],
  ])('%s', (_, csv, message) => {
    expect(() => fromCsv(csv, 'USD', csv.includes('13/45') ? '2025-01-15' : undefined)).toThrow(message);
  });

  test('an unknown currency code', () => {
    expect(() => fromCsv(`${header}\nAcme,1.00,,,,,1.00`, 'XYZ')).toThrow('XYZ is not an ISO 4217 currency code');
  });
});
