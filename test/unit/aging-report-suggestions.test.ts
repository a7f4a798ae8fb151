import path from 'node:path';
import { parseAgingReport, readAgingReport } from '../../src/policies/aging-report';
import { readCsv } from '../../src/policies/aging-report-file';
import { summarizeAgingReport } from '../../src/policies/aging-report-summary';
import { answersFromSuggestions, suggestAnswers } from '../../src/policies/answer-suggestions';
import { generatePolicy } from '../../src/policies/policy-generator';

const FIXTURES = path.join(__dirname, '../fixtures/aging-reports');
const HEADER = 'Customer,Current,1 - 30,31 - 60,61 - 90,91 and over,Total';
const summaryOf = (rows: string[], currency = 'USD') =>
  summarizeAgingReport(parseAgingReport(readCsv([HEADER, ...rows].join('\n')), { currency }));
const valuesOf = (suggestions: ReturnType<typeof suggestAnswers>) => answersFromSuggestions(suggestions);

test('the QuickBooks fixture: much money over 60 days asks for a strict tone, legal at 60, plans and a $10,000 write-off limit', async () => {
  const summary = summarizeAgingReport(await readAgingReport(path.join(FIXTURES, 'quickbooks-ar-aging-summary.csv'), { currency: 'USD' }));
  const suggestions = suggestAnswers(summary);
  expect(valuesOf(suggestions)).toEqual({
    currency: 'USD', totalAgingBalanceMinor: 126_298_550, pastDueAccounts: 14,
    tone: 'strict', escalationCutoffDays: 60, offerPaymentPlans: true, writeOffThresholdMinor: 1_000_000,
  });
  const reason = (key: string) => suggestions.find((suggestion) => suggestion.key === key)?.reason;
  expect(reason('escalationCutoffDays')).toBe('32.5% of gross AR is over 60 days past due (target < 4%): legal review at day 60, before more of it ages');
  expect(reason('offerPaymentPlans')).toContain('TechCorp Inc. ($245,000.00), StartupXYZ LLC ($156,200.00)');
  expect(reason('writeOffThresholdMinor')).toBe('9 of 14 past-due accounts owe $6,100.00 or less, together 2.4% of past-due money: an AR manager may write off up to $10,000.00 alone');
});

test('a healthy ledger: friendly tone, legal at 120, no plan push', () => {
  const summary = summaryOf([
    'A,"90,000.00",500.00,,,,"90,500.00"', 'B,"50,000.00",300.00,,,,"50,300.00"', 'C,"20,000.00",200.00,,,,"20,200.00"',
    'D,,,100.00,,,100.00', 'E,,150.00,,,,150.00', 'F,,,,,50.00,50.00',
  ]);
  const values = valuesOf(suggestAnswers(summary));
  expect(values).toMatchObject({ tone: 'friendly', escalationCutoffDays: 120 });
  expect(values).not.toHaveProperty('offerPaymentPlans');
});

test('between the target and the alarm: neutral tone and the playbook\'s 90 days', () => {
  // 6 % of gross AR over 60 days, 30 % past due.
  const summary = summaryOf(['A,"70.00","24.00",,"6.00",,"100.00"']);
  expect(valuesOf(suggestAnswers(summary))).toMatchObject({ tone: 'neutral', escalationCutoffDays: 90 });
});

test('a report that cannot separate 60 days suggests no tone or cut-off; too few accounts size no threshold', () => {
  const zoho = summarizeAgingReport(parseAgingReport(readCsv('Customer Name,Current,1-30 Days,> 30 Days\nA,1.00,2.00,300.00\n'), { currency: 'USD' }));
  const keys = suggestAnswers(zoho).map((suggestion) => suggestion.key);
  expect(keys).toEqual(['currency', 'totalAgingBalanceMinor', 'pastDueAccounts']);
});

test('the threshold is a round amount below the first material balance, in the report\'s minor units', () => {
  // Yen have no minor unit: 9 small balances of ¥1,100–¥1,900 against one of ¥1,000,000.
  const rows = [1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900].map((yen, i) => `S${i},,${yen},,,,${yen}`);
  const summary = summaryOf([...rows, 'Big,,,,"1,000,000",,"1,000,000"'], 'JPY');
  expect(valuesOf(suggestAnswers(summary))).toMatchObject({ currency: 'JPY', writeOffThresholdMinor: 2_000 });
});

test('suggestions make a valid policy, and an explicit answer wins over a suggestion', () => {
  const summary = summaryOf(['A,,,,"500.00",,"500.00"', 'B,"100.00",,,,,"100.00"']);
  const suggested = valuesOf(suggestAnswers(summary));
  expect(suggested.tone).toBe('strict');
  const policy = generatePolicy({ ...suggested, tone: 'friendly' });
  expect(policy.dunningSteps.find((step) => step.id === 'escalate-legal')?.offsetDays).toBe(60);
  expect(policy.dunningSteps.filter((step) => step.action === 'email').map((step) => (step.action === 'email' ? step.tone : ''))[0]).toBe('friendly');
});
