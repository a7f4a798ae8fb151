import { interestCap, interestFor, interestToPost, lateFeeFor } from '../../src/domain/late-charges';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';

const terms = { ...DEFAULT_POLICY.interest, enabled: true, annualRateBasisPoints: 1200 };

describe('interest', () => {
  test('simple daily interest on actual/365, rounded half up to the minor unit', () => {
    // 100,000.00 at 12 % for 30 days = 986.30136… → 986.30
    expect(interestFor(10_000_000, 30, terms)).toBe(98_630);
    // 1,000.00 at 12 % for 1 day = 0.3287… → 0.33
    expect(interestFor(100_000, 1, terms)).toBe(33);
  });

  test('actual/360 charges a little more', () => {
    expect(interestFor(10_000_000, 30, { ...terms, dayCountBasis: 'actual/360' })).toBe(100_000);
  });

  test('nothing when disabled, at a zero rate, or for no days', () => {
    expect(interestFor(100_000, 30, { ...terms, enabled: false })).toBe(0);
    expect(interestFor(100_000, 30, { ...terms, annualRateBasisPoints: 0 })).toBe(0);
    expect(interestFor(100_000, 0, terms)).toBe(0);
  });

  test('exact for amounts beyond the range of float products', () => {
    expect(interestFor(Number.MAX_SAFE_INTEGER, 365, terms)).toBe(Math.round(Number.MAX_SAFE_INTEGER * 0.12));
  });

  test('grace days do not accrue, and the cap limits the total', () => {
    const graced = { ...terms, graceDays: 10, capPercentOfPrincipal: 1 };
    expect(interestToPost({ principalMinor: 100_000, originalMinor: 100_000, chargedSoFarMinor: 0, fromDay: 0, toDay: 10, terms: graced })).toBe(0);
    expect(interestToPost({ principalMinor: 100_000, originalMinor: 100_000, chargedSoFarMinor: 0, fromDay: 0, toDay: 20, terms: graced })).toBe(329);
    expect(interestCap(100_000, graced)).toBe(1_000);
    expect(interestToPost({ principalMinor: 100_000, originalMinor: 100_000, chargedSoFarMinor: 900, fromDay: 20, toDay: 200, terms: graced })).toBe(100);
  });
});

test('the late fee is a share of the principal, rounded half up', () => {
  expect(lateFeeFor(125_000, { percentBasisPoints: 150, afterDays: 30 })).toBe(1_875);
  expect(lateFeeFor(333, { percentBasisPoints: 150, afterDays: 30 })).toBe(5);
  expect(lateFeeFor(125_000, { percentBasisPoints: 0, afterDays: 30 })).toBe(0);
});
