/**
 * The workflow's half of the contact rule, written once here:
 *
 *   Only the main loop contacts the customer. Handlers run while the main loop is parked on an
 *   await, so before any contact the main loop re-checks `contactStopped()` after its last await.
 *   The workflow owns a contact's retries: between attempts it waits on a timer that a payment,
 *   cancel, hold or pause cuts short, and then the contact is suppressed, never retried. Handlers
 *   that want a letter sent queue it (`queuedLetters`).
 *
 * An attempt in flight is serialised with payments and holds by the invoice's row lock in Postgres
 * (activities/notices/contact-guard.ts): it either goes out before the payment is recorded, or
 * sees the payment and is suppressed. (Cancelling an attempt in flight through Temporal raced with
 * its completion; owning the retries removes the window where a stale retry could leave.)
 */
import { ActivityFailure, ApplicationFailure, condition } from '@temporalio/workflow';
import type { NoticeDelivery } from '../../activities/notices/activities';

/** How a contact ended. */
export type ContactOutcome =
  | { kind: 'delivered'; delivery: NoticeDelivery }
  /** Stopped between attempts: the reason the state gives. */
  | { kind: 'stopped'; reason: string }
  /** Retries would run past the provider's idempotency window: a person takes over. */
  | { kind: 'expired' }
  /** The provider refused it for good (a malformed or blocked address): a person takes over. */
  | { kind: 'rejected'; reason: string };

/** Resend remembers an idempotency key for 24 hours; every retry of one notice stays inside 23. */
export const CONTACT_RETRY_WINDOW_MS = 23 * 3_600_000;

/** Backoff between attempts: 5 s doubling to 10 minutes, as the activity retry policy had it. */
function backoff(failures: number): number {
  return Math.min(5_000 * 2 ** (failures - 1), 600_000);
}

/** How a run of attempts ended: with the attempt's answer, or stopped, expired or rejected as for a contact. */
export type AttemptOutcome<T> = { kind: 'done'; value: T } | Exclude<ContactOutcome, { kind: 'delivered' }>;

/**
 * Runs `attempt` (one activity attempt each time) until it answers, the provider refuses for good,
 * `stopped()` gives a reason between attempts, or another attempt would leave the provider's window.
 * The invoice's direct notices and the customer's outreach messages both retry this way.
 */
export async function attemptUntilStopped<T>(attempt: () => Promise<T>, stopped: () => string | null): Promise<AttemptOutcome<T>> {
  const firstAttemptAt = Date.now();
  for (let failures = 1; ; failures += 1) {
    try {
      return { kind: 'done', value: await attempt() };
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      if (error.cause instanceof ApplicationFailure && error.cause.nonRetryable) return { kind: 'rejected', reason: error.cause.message };
      const wait = backoff(failures);
      if (Date.now() + wait - firstAttemptAt > CONTACT_RETRY_WINDOW_MS) return { kind: 'expired' };
      if (await condition(() => stopped() !== null, wait)) return { kind: 'stopped', reason: stopped() ?? 'stopped' };
    }
  }
}

/** Attempts a notice until it delivers, the provider refuses for good, `stopped()` gives a reason, or the window would close. */
export async function deliverUnlessStopped(attempt: () => Promise<NoticeDelivery>, stopped: () => string | null): Promise<ContactOutcome> {
  const outcome = await attemptUntilStopped(attempt, stopped);
  if (outcome.kind !== 'done') return outcome;
  const delivery = outcome.value;
  if (delivery === 'withheld') return { kind: 'rejected', reason: 'the customer asked not to be emailed' };
  return delivery === 'expired' ? { kind: 'expired' } : { kind: 'delivered', delivery };
}
