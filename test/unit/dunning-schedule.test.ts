import { describeStep, dunningPlan, lateStart } from '../../src/domain/dunning-schedule';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { collectionsPolicySchema, type CollectionsPolicy } from '../../src/domain/policy/schema';

const ids = (steps: { id: string }[]): string[] => steps.map((s) => s.id);
const smbGreen = { segment: 'smb', riskTier: 'green' } as const;

describe('dunningPlan', () => {
  const policy: CollectionsPolicy = collectionsPolicySchema.parse({
    ...DEFAULT_POLICY,
    dunningSteps: [
      { id: 'call', offsetDays: 20, action: 'call_task' },
      { id: 'red-only', offsetDays: 10, action: 'escalate', level: 'sales', appliesTo: { riskTiers: ['red'] } },
      { id: 'early', offsetDays: -5, action: 'email', template: 'reminder-upcoming', tone: 'friendly' },
      { id: 'government-only', offsetDays: 5, action: 'email', template: 'gov', tone: 'neutral', appliesTo: { segments: ['government'] } },
      { id: 'enterprise-orange', offsetDays: 3, action: 'call_task', appliesTo: { segments: ['enterprise'], riskTiers: ['orange', 'red'] } },
    ],
  });

  test('sorts the steps by offset', () => {
    expect(ids(dunningPlan(policy, smbGreen))).toEqual(['early', 'call']);
  });

  test('keeps a step only for the listed segments', () => {
    expect(ids(dunningPlan(policy, { segment: 'government', riskTier: 'green' }))).toEqual(['early', 'government-only', 'call']);
  });

  test('keeps a step only for the listed risk tiers', () => {
    expect(ids(dunningPlan(policy, { segment: 'smb', riskTier: 'red' }))).toEqual(['early', 'red-only', 'call']);
  });

  test('needs both the segment and the risk tier when both are listed', () => {
    expect(ids(dunningPlan(policy, { segment: 'enterprise', riskTier: 'orange' }))).toEqual(['early', 'enterprise-orange', 'call']);
    expect(ids(dunningPlan(policy, { segment: 'enterprise', riskTier: 'yellow' }))).toEqual(['early', 'call']);
  });

  test('does not reorder the policy itself', () => {
    dunningPlan(policy, smbGreen);
    expect(ids(policy.dunningSteps)).toEqual(['call', 'red-only', 'early', 'government-only', 'enterprise-orange']);
  });

  test('the default policy gives every customer all ten steps', () => {
    expect(dunningPlan(DEFAULT_POLICY, { segment: 'strategic', riskTier: 'red' })).toHaveLength(10);
  });
});

describe('lateStart with the default policy', () => {
  const plan = dunningPlan(DEFAULT_POLICY, smbGreen);

  test('at 67 days the current step is escalate-management, seven are skipped, legal and agency are ahead', () => {
    const { skipped, current, upcoming } = lateStart(plan, 67);
    expect(current?.id).toBe('escalate-management');
    expect(ids(skipped)).toEqual([
      'reminder-upcoming', 'reminder-1-day', 'reminder-7-days', 'reminder-15-days', 'final-notice', 'collector-call', 'escalate-sales',
    ]);
    expect(ids(upcoming)).toEqual(['escalate-legal', 'escalate-agency']);
  });

  test('before the due date (-10) nothing is skipped and there is no current step', () => {
    const { skipped, current, upcoming } = lateStart(plan, -10);
    expect(skipped).toEqual([]);
    expect(current).toBeUndefined();
    expect(upcoming).toEqual(plan);
  });

  test('on a step day that step is current', () => {
    expect(lateStart(plan, 30).current?.id).toBe('final-notice');
    expect(lateStart(plan, -3)).toMatchObject({ skipped: [], current: { id: 'reminder-upcoming' } });
  });

  test('past the last step everything before it is skipped and nothing is ahead', () => {
    const { skipped, current, upcoming } = lateStart(plan, 150);
    expect(current?.id).toBe('escalate-agency');
    expect(skipped).toHaveLength(9);
    expect(upcoming).toEqual([]);
  });
});

describe('describeStep', () => {
  const step = (id: string) => DEFAULT_POLICY.dunningSteps.find((s) => s.id === id)!;

  test.each([
    ['reminder-1-day', 'email reminder (reminder-past-due, friendly)'],
    ['final-notice', 'final notice (final-notice, firm)'],
    ['collector-call', 'collector call task'],
    ['escalate-legal', 'escalate to legal'],
  ])('%s reads "%s"', (id, text) => {
    expect(describeStep(step(id))).toBe(text);
  });
});
