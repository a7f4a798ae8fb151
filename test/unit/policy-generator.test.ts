import { generatePolicy } from '../../src/policies/policy-generator';
import { lintPolicy } from '../../src/policies/policy-lint';

const tonesOf = (answers: Parameters<typeof generatePolicy>[0]) =>
  generatePolicy(answers).dunningSteps.flatMap((step) => (step.action === 'email' ? [step.tone] : []));
const offsetsOf = (answers: Parameters<typeof generatePolicy>[0]) =>
  Object.fromEntries(generatePolicy(answers).dunningSteps.map((step) => [step.id, step.offsetDays]));

test('the tone answer sets every reminder, and a final notice is never friendly', () => {
  expect(tonesOf({ tone: 'friendly' })).toEqual(['friendly', 'friendly', 'friendly', 'neutral', 'neutral']);
  expect(tonesOf({ tone: 'neutral' })).toEqual(['friendly', 'friendly', 'neutral', 'firm', 'firm']);
  expect(tonesOf({ tone: 'strict' })).toEqual(['neutral', 'neutral', 'firm', 'firm', 'firm']);
});

test('the escalation cut-off places legal review, the agency after it, and management before it', () => {
  expect(offsetsOf({ escalationCutoffDays: 120 })).toMatchObject({ 'escalate-management': 60, 'escalate-legal': 120, 'escalate-agency': 150 });
  expect(offsetsOf({ escalationCutoffDays: 60 })).toMatchObject({ 'escalate-management': 45, 'escalate-legal': 60, 'escalate-agency': 90 });
});

test('plans, discounts, interest, VIP accounts and the write-off threshold come from the answers', () => {
  const policy = generatePolicy({
    policyId: 'acme', currency: 'EUR', offerPaymentPlans: false, offerSettlementDiscounts: true, chargeInterest: true,
    interestPercentPerYear: 9.5, vipCustomerIds: ['techcorp'], writeOffThresholdMinor: 250_000,
  });
  expect(policy).toMatchObject({ policyId: 'acme', version: 1, paymentPlans: { enabled: false }, settlement: { enabled: true } });
  expect(policy.interest).toMatchObject({ enabled: true, annualRateBasisPoints: 950 });
  expect(policy.escalationApprovals.vipCustomerIds).toEqual(['techcorp']);
  expect(policy.writeOff).toMatchObject({
    currency: 'EUR',
    approvalHierarchy: [
      { role: 'ar-manager', maxAmountMinor: 250_000 }, { role: 'controller', maxAmountMinor: 2_500_000 }, { role: 'cfo', maxAmountMinor: null },
    ],
  });
});

test('no answers at all give a complete policy; a friendly one draws no advice', () => {
  expect(generatePolicy({}).dunningSteps).toHaveLength(10);
  expect(lintPolicy(generatePolicy({ tone: 'friendly' }))).toEqual([]);
});

test('bad answers are refused with the field', () => {
  expect(() => generatePolicy({ tone: 'rude' as never })).toThrow(/tone/);
  expect(() => generatePolicy({ escalationCutoffDays: 30 })).toThrow(/escalationCutoffDays/);
});

test('the report\'s context (total aging balance, past-due accounts) is accepted and does not change the steps', () => {
  const withContext = generatePolicy({ totalAgingBalanceMinor: 126_298_550, pastDueAccounts: 14, currentDsoDays: 38, arSystem: 'QuickBooks' });
  expect(withContext).toEqual(generatePolicy({}));
  expect(() => generatePolicy({ pastDueAccounts: -1 })).toThrow(/pastDueAccounts/);
});
