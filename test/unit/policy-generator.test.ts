import { dunningPlan } from '../../src/domain/dunning-schedule';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import type { Segment } from '../../src/domain/policy/schema';
import { generatePolicy } from '../../src/policies/policy-generator';
import { lintPolicy } from '../../src/policies/policy-lint';

type Answers = Parameters<typeof generatePolicy>[0];

/** The tones of one segment's emails, in the order they run. */
const tonesOf = (answers: Answers, segment: Segment) =>
  dunningPlan(generatePolicy(answers), { segment, riskTier: 'green' }).flatMap((step) => (step.action === 'email' ? [step.tone] : []));
/** Each segment's escalation days by level. */
const escalationsOf = (answers: Answers, segment: Segment) => Object.fromEntries(
  dunningPlan(generatePolicy(answers), { segment, riskTier: 'green' }).flatMap((step) => (step.action === 'escalate' ? [[step.level, step.offsetDays]] : [])),
);

const TONE_ANSWERS = ['friendly', 'neutral', 'strict'] as const;

test('the tone answer sets every segment\'s reminders; a final notice is never friendly and strategic accounts never get a firm email', () => {
  expect(tonesOf({ tone: 'friendly' }, 'smb')).toEqual(['friendly', 'friendly', 'friendly', 'neutral', 'neutral']);
  expect(tonesOf({ tone: 'neutral' }, 'smb')).toEqual(['friendly', 'friendly', 'neutral', 'firm', 'firm']);
  expect(tonesOf({ tone: 'strict' }, 'smb')).toEqual(['neutral', 'neutral', 'firm', 'firm', 'firm']);
  expect(tonesOf({ tone: 'friendly' }, 'strategic')).toEqual(['friendly', 'friendly', 'friendly', 'neutral', 'neutral']);
  expect(tonesOf({ tone: 'neutral' }, 'strategic')).toEqual(['friendly', 'friendly', 'neutral', 'neutral', 'neutral']);
  expect(tonesOf({ tone: 'strict' }, 'strategic')).toEqual(['neutral', 'neutral', 'neutral', 'neutral', 'neutral']);
  expect(tonesOf({ tone: 'friendly' }, 'government')).toEqual(['friendly', 'friendly', 'friendly', 'neutral']);
  expect(tonesOf({ tone: 'neutral' }, 'government')).toEqual(['friendly', 'neutral', 'neutral', 'neutral']);
  expect(tonesOf({ tone: 'strict' }, 'government')).toEqual(['neutral', 'neutral', 'firm', 'firm']);
  for (const tone of TONE_ANSWERS) {
    expect(tonesOf({ tone }, 'enterprise')).toEqual(tonesOf({ tone }, 'smb'));
    expect(tonesOf({ tone }, 'international')).toEqual(tonesOf({ tone }, 'smb'));
    const finals = generatePolicy({ tone }).dunningSteps.flatMap((step) => (step.action === 'email' && step.finalNotice ? [step.tone] : []));
    expect(finals).toHaveLength(3);
    expect(finals).not.toContain('friendly');
  }
});

test('a reminder shared by segments that need different tones is split, the playbook segments keeping its id', () => {
  const steps = generatePolicy({ tone: 'strict' }).dunningSteps.filter((step) => step.id.startsWith('reminder-7-days'));
  expect(steps).toEqual([
    expect.objectContaining({ id: 'reminder-7-days', offsetDays: 7, tone: 'firm', appliesTo: { segments: ['enterprise', 'smb', 'international'] } }),
    expect.objectContaining({ id: 'reminder-7-days-strategic', offsetDays: 7, tone: 'neutral', appliesTo: { segments: ['strategic'] } }),
  ]);
});

test('the escalation cut-off places legal review, the agency after it, and management before it', () => {
  expect(escalationsOf({ escalationCutoffDays: 120 }, 'smb')).toEqual({ sales: 45, management: 60, legal: 120, agency: 150 });
  expect(escalationsOf({ escalationCutoffDays: 60 }, 'strategic')).toEqual({ sales: 45, management: 45, legal: 60, agency: 90 });
  // The agency still comes before the write-off review at 180.
  expect(escalationsOf({ escalationCutoffDays: 150 }, 'smb')).toEqual({ sales: 45, management: 60, legal: 150, agency: 179 });
});

test('the cut-off delays government\'s statutory schedule but never brings it forward', () => {
  expect(escalationsOf({}, 'government')).toEqual({ management: 75, legal: 120 });
  expect(escalationsOf({ escalationCutoffDays: 60 }, 'government')).toEqual({ management: 75, legal: 120 });
  expect(escalationsOf({ escalationCutoffDays: 150 }, 'government')).toEqual({ management: 75, legal: 150 });
});

test('default answers give the default policy\'s steps', () => {
  expect(generatePolicy({}).dunningSteps).toEqual(DEFAULT_POLICY.dunningSteps);
});

test.each(TONE_ANSWERS)('a %s policy draws no advice, at every cut-off', (tone) => {
  for (const escalationCutoffDays of [60, 90, 120, 150]) {
    expect(lintPolicy(generatePolicy({ tone, escalationCutoffDays }))).toEqual([]);
  }
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

test('bad answers are refused with the field', () => {
  expect(() => generatePolicy({ tone: 'rude' as never })).toThrow(/tone/);
  expect(() => generatePolicy({ escalationCutoffDays: 30 })).toThrow(/escalationCutoffDays/);
});

test('the report\'s context (total aging balance, past-due accounts) is accepted and does not change the steps', () => {
  const withContext = generatePolicy({ totalAgingBalanceMinor: 126_298_550, pastDueAccounts: 14, currentDsoDays: 38, arSystem: 'QuickBooks' });
  expect(withContext).toEqual(generatePolicy({}));
  expect(() => generatePolicy({ pastDueAccounts: -1 })).toThrow(/pastDueAccounts/);
});
