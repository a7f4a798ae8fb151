/** When a failed delivery is tried again, and when it is given up: pure, so the schedule is tested without a clock. */

/** The retry schedule of outbound deliveries. */
export interface RetrySchedule {
  /** The wait after the first failed attempt; it doubles after each further one. */
  firstDelayMs: number;
  /** The longest wait between two attempts. */
  maxDelayMs: number;
  /** No attempt is made later than this after the event was queued: the delivery is marked failed instead. */
  giveUpAfterMs: number;
}

/** 10 s, 20 s, 40 s … doubling up to an hour between attempts, for a day. */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = { firstDelayMs: 10_000, maxDelayMs: 3_600_000, giveUpAfterMs: 86_400_000 };

/** Each wait is drawn from ±20 % of the nominal one, so deliveries that failed together (a receiver's outage) do not all come back at once. */
const JITTER = 0.2;

/** The wait after `attempts` failed attempts, before jitter. */
export function nominalDelayMs(attempts: number, schedule: RetrySchedule): number {
  // Capped before it is raised too far: 2 ** 1100 is Infinity.
  const doublings = Math.min(Math.max(attempts - 1, 0), 60);
  return Math.min(schedule.firstDelayMs * 2 ** doublings, schedule.maxDelayMs);
}

/**
 * The wait before the next attempt after `attempts` failed ones, with jitter from `random` (in [0, 1));
 * null when the next attempt would come more than `giveUpAfterMs` after the event was queued
 * (`elapsedMs` ago): the delivery has failed.
 */
export function nextAttemptDelayMs(attempts: number, elapsedMs: number, schedule: RetrySchedule, random: () => number = Math.random): number | null {
  const nominal = nominalDelayMs(attempts, schedule);
  const delay = Math.round(nominal * (1 - JITTER + 2 * JITTER * random()));
  return elapsedMs + delay > schedule.giveUpAfterMs ? null : delay;
}
