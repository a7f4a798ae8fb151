/** The invoice workflow's wake-up arithmetic, without Temporal: pauses, the review's day, the next wake. */
import {
  collectibleMinor, dayInstant, disputeWakes, dunningPause, holdWakes, lateFeeWakes, nextWake, reviewDay, reviewDue, type TimingFacts,
} from '../../src/domain/collection-timing';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';

const clock = { dueDate: '2026-03-02', policy: DEFAULT_POLICY };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);

function facts(changes: Partial<TimingFacts> = {}): TimingFacts {
  return {
    balance: { balanceMinor: 125_000, currency: 'USD' },
    disputes: [], promise: null, settlement: null, holds: [],
    reviewsOpened: 0, earlyReviewReason: null, lateFeeCharged: false, waived: { lateFee: false },
    ...changes,
  };
}

const dispute = (amountMinor: number, status = 'open', slaDue = '2026-03-20') => ({ disputeId: `D-${amountMinor}`, status, amountMinor, slaDue, slaBreached: false });

test('a day relative to the due date begins at the policy send hour', () => {
  expect(dayInstant(clock, 0)).toBe(at('2026-03-02T09:00:00Z'));
  expect(dayInstant(clock, -3)).toBe(at('2026-02-27T09:00:00Z'));
});

test('what dunning asks for is the balance less the open disputes', () => {
  expect(collectibleMinor(facts({ disputes: [dispute(25_000), dispute(10_000, 'resolved_for_company')] }))).toBe(100_000);
  expect(collectibleMinor(facts({ disputes: [dispute(200_000)] }))).toBe(0);
});

test('dunning waits for a settlement offer, a promise, a whole-balance dispute or a small balance kept without contact, in that order', () => {
  expect(dunningPause(facts())).toBeNull();
  expect(dunningPause(facts({ disputes: [dispute(25_000)] }))).toBeNull();
  expect(dunningPause(facts({ disputes: [dispute(125_000)] }))).toBe('the whole balance is disputed');
  expect(dunningPause(facts({ promise: { promiseId: 'P', promisedDate: '2026-04-01' }, disputes: [dispute(125_000)] }))).toBe('promise to pay by 2026-04-01');
  expect(dunningPause(facts({ settlement: { offerId: 'S', status: 'open', deadline: '2026-04-10' }, promise: { promiseId: 'P', promisedDate: '2026-04-01' } })))
    .toBe('settlement offer S open until 2026-04-10');
  expect(dunningPause(facts({ settlement: { offerId: 'S', status: 'awaiting_approval' } }))).toBe('settlement offer S awaiting approval');
  expect(dunningPause(facts({ smallBalance: 'kept', balance: { balanceMinor: 50, currency: 'USD' } }))).toBe("the balance of $0.50 is below the policy's minimum for USD");
});

test('the review comes on day 180, then every re-review interval; early for a bankruptcy', () => {
  expect(reviewDay(clock, { reviewsOpened: 0 })).toBe(180);
  expect(reviewDay(clock, { reviewsOpened: 2 })).toBe(360);
  expect(reviewDue(clock, { reviewsOpened: 0, earlyReviewReason: null }, dayInstant(clock, 180) - 1)).toBe(false);
  expect(reviewDue(clock, { reviewsOpened: 0, earlyReviewReason: null }, dayInstant(clock, 180))).toBe(true);
  expect(reviewDue(clock, { reviewsOpened: 0, earlyReviewReason: 'bankruptcy B-1' }, dayInstant(clock, 10))).toBe(true);
  expect(reviewDue(clock, { reviewsOpened: 1, earlyReviewReason: 'bankruptcy B-1' }, dayInstant(clock, 10))).toBe(false);
});

describe('the next wake', () => {
  const step = { at: dayInstant(clock, 7), description: 'email reminder, day 7' };
  const now = dayInstant(clock, 2);

  test('is the next step when nothing comes earlier', () => {
    expect(nextWake(clock, facts(), now, step)).toEqual(step);
  });

  test('skips the step while dunning waits, and wakes for the promise deadline (promised date plus grace) instead', () => {
    const wake = nextWake(clock, facts({ promise: { promiseId: 'P', promisedDate: '2026-03-06' } }), now, step);
    expect(wake.description).toBe('promise P due (2026-03-06 plus grace)');
    expect(wake.at).toBe(at(`2026-03-${String(6 + DEFAULT_POLICY.promises.graceDays + 1).padStart(2, '0')}T09:00:00Z`));
  });

  test('wakes for the earliest of a hold ending, a dispute SLA passing, a settlement expiring and a queued letter', () => {
    const wake = nextWake(clock, facts({
      holds: [{ holdId: 'H', kind: 'seasonal', until: '2026-03-05' }],
      disputes: [dispute(10_000, 'open', '2026-03-06')],
      queuedLetters: [{ summary: 'Legal hand-off letter', notBefore: now + HOUR }],
    }), now, step);
    expect(wake).toEqual({ at: now + HOUR, description: 'Legal hand-off letter (after the final notice)' });
    const withoutLetter = nextWake(clock, facts({ holds: [{ holdId: 'H', kind: 'seasonal', until: '2026-03-05' }], disputes: [dispute(10_000, 'open', '2026-03-06')] }), now, step);
    expect(withoutLetter).toEqual({ at: at('2026-03-05T09:00:00Z'), description: 'seasonal hold H ends' });
    const disputeFirst = nextWake(clock, facts({ holds: [{ holdId: 'H', kind: 'seasonal', until: '2026-03-09' }], disputes: [dispute(10_000, 'open', '2026-03-04')] }), now, step);
    expect(disputeFirst).toEqual({ at: at('2026-03-05T09:00:00Z'), description: 'dispute D-10000 SLA (2026-03-04)' });
    const offer = nextWake(clock, facts({ settlement: { offerId: 'S', status: 'open', deadline: '2026-03-04' } }), now, step);
    expect(offer).toEqual({ at: at('2026-03-05T09:00:00Z'), description: 'settlement S expires (2026-03-04)' });
  });

  test('a letter whose time has passed is not a wake-up (it waits for the hold that keeps it back)', () => {
    const wake = nextWake(clock, facts({ queuedLetters: [{ summary: 'letter', notBefore: now - DAY }] }), now, step);
    expect(wake).toEqual(step);
  });

  test('with no step left it is the review', () => {
    expect(nextWake(clock, facts(), now)).toEqual({ at: dayInstant(clock, 180), description: 'write-off review, day 180' });
  });
});

describe("each concern's own wake-ups", () => {
  test('holds wake only for a hold with an end date', () => {
    const wakes = holdWakes(clock, { holds: [{ holdId: 'H1', kind: 'vip' }, { holdId: 'H2', kind: 'seasonal', until: '2026-04-01' }] });
    expect(wakes).toEqual([{ at: at('2026-04-01T09:00:00Z'), description: 'seasonal hold H2 ends' }]);
  });

  test('disputes wake the day after the SLA, and not once it is breached or resolved', () => {
    const breached = { ...dispute(1_000), disputeId: 'D-breached', slaBreached: true };
    const wakes = disputeWakes(clock, { disputes: [dispute(25_000), dispute(10_000, 'resolved_for_company'), breached] });
    expect(wakes).toEqual([{ at: at('2026-03-21T09:00:00Z'), description: 'dispute D-25000 SLA (2026-03-20)' }]);
  });

  test('the late fee wakes on its day until it is charged or waived', () => {
    const policy = { ...DEFAULT_POLICY, lateFee: { ...DEFAULT_POLICY.lateFee, percentBasisPoints: 150, afterDays: 30 } };
    const feeClock = { ...clock, policy };
    expect(lateFeeWakes(feeClock, { lateFeeCharged: false, waived: { lateFee: false } })).toEqual([{ at: dayInstant(feeClock, 30), description: 'late fee, day 30' }]);
    expect(lateFeeWakes(feeClock, { lateFeeCharged: true, waived: { lateFee: false } })).toEqual([]);
    expect(lateFeeWakes(feeClock, { lateFeeCharged: false, waived: { lateFee: true } })).toEqual([]);
  });
});
