/** Pure rules behind disputes, escalations, settlements and write-offs. */
import { addBusinessDays, isBusinessDay, weekdayOf } from '../../src/domain/business-days';
import { approvalNeeded, higherLevel, nextLevel } from '../../src/domain/escalation-ladder';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { discountBasisPoints, settlementDecision } from '../../src/domain/settlement-terms';
import { approvalRefusal, requiredApprover } from '../../src/domain/write-off-approval';

describe('business days', () => {
  const weekend = ['saturday', 'sunday'];
  test('skip weekends and holidays', () => {
    expect(weekdayOf('2026-11-23')).toBe('monday');
    expect(addBusinessDays('2026-11-23', 5, weekend, [])).toBe('2026-11-30');
    expect(addBusinessDays('2026-11-27', 1, weekend, [])).toBe('2026-11-30');
    expect(addBusinessDays('2026-11-23', 5, weekend, ['2026-11-26'])).toBe('2026-12-01');
    expect(isBusinessDay('2026-11-28', weekend, [])).toBe(false);
  });
});

describe('escalation ladder', () => {
  test('one level up, never past the top', () => {
    expect(nextLevel('none')).toBe('collector');
    expect(nextLevel('sales')).toBe('management');
    expect(nextLevel('agency')).toBe('agency');
    expect(higherLevel('legal', 'sales')).toBe('legal');
  });

  test('VIP and strategic accounts wait for approval where the policy says so', () => {
    const smb = { customerId: 'c1', segment: 'smb' as const };
    expect(approvalNeeded('agency', smb, DEFAULT_POLICY)).toBeUndefined();
    expect(approvalNeeded('agency', { ...smb, vip: true }, DEFAULT_POLICY)).toContain('VIP');
    expect(approvalNeeded('legal', { ...smb, vip: true }, DEFAULT_POLICY)).toBeUndefined();
    expect(approvalNeeded('legal', { customerId: 'c2', segment: 'strategic' }, DEFAULT_POLICY)).toContain('strategic');
    const named = { ...DEFAULT_POLICY, escalationApprovals: { ...DEFAULT_POLICY.escalationApprovals, vipCustomerIds: ['c1'] } };
    expect(approvalNeeded('agency', smb, named)).toContain('VIP');
  });
});

describe('settlement offers', () => {
  const terms = { ...DEFAULT_POLICY.settlement, enabled: true, approvalLimitPercent: 10 };
  test('the discount in basis points is never understated', () => {
    expect(discountBasisPoints(100_000, 90_000)).toBe(1_000);
    expect(discountBasisPoints(3, 2)).toBe(3_334);
  });
  test('within the limit it is accepted, above it needs approval, nonsense is refused', () => {
    expect(settlementDecision(100_000, 90_000, terms)).toEqual({ outcome: 'accepted' });
    expect(settlementDecision(100_000, 89_999, terms)).toEqual({ outcome: 'needs_approval' });
    expect(settlementDecision(100_000, 100_000, terms).outcome).toBe('refused');
    expect(settlementDecision(100_000, 90_000, { ...terms, enabled: false })).toEqual({ outcome: 'refused', reason: 'the policy offers no settlements' });
  });
});

describe('write-off approvals by amount', () => {
  const terms = DEFAULT_POLICY.writeOff; // ar-manager ≤ 5,000.00, controller ≤ 50,000.00, cfo any
  test('the least senior role allowed', () => {
    expect(requiredApprover(500_000, 'USD', terms)).toBe('ar-manager');
    expect(requiredApprover(500_001, 'USD', terms)).toBe('controller');
    expect(requiredApprover(9_000_000, 'USD', terms)).toBe('cfo');
    expect(requiredApprover(100, 'EUR', terms)).toBe('cfo');
  });
  test('a role below the amount is refused with the reason', () => {
    expect(approvalRefusal('controller', 500_001, 'USD', terms)).toBe('');
    expect(approvalRefusal('cfo', 500_001, 'USD', terms)).toBe('');
    expect(approvalRefusal('ar-manager', 500_001, 'USD', terms)).toBe('a write-off of this balance needs controller or above');
    expect(approvalRefusal('intern', 1, 'USD', terms)).toContain('not in the write-off approval hierarchy');
  });
});
