/**
 * The invoice workflow's wake-up arithmetic as pure functions of its state, its policy and now:
 * why dunning waits, when the write-off review is due, and the next moment anything is due. The
 * workflow orchestrates; these decide (unit-tested in test/unit/collection-timing.test.ts).
 */
import { addDays, instantForOffset, startOfDateUtc } from './calendar';
import { formatMoney } from './money';
import type { CollectionsPolicy } from './policy/schema';

/** A moment the workflow wakes for, and what it will do then. */
export interface Wake {
  at: number;
  description: string;
}

/** What of an invoice's state the timing reads (the workflow's carried state has all of it). */
export interface TimingFacts {
  balance: { balanceMinor: number; currency: string };
  disputes: readonly { disputeId: string; status: string; amountMinor: number; slaDue: string; slaBreached: boolean }[];
  promise: { promiseId: string; promisedDate: string } | null;
  settlement: { offerId: string; status: 'open' | 'awaiting_approval'; deadline?: string } | null;
  holds: readonly { holdId: string; kind: string; until?: string }[];
  reviewsOpened: number;
  earlyReviewReason: string | null;
  lateFeeCharged: boolean;
  waived: { lateFee: boolean };
  smallBalance?: 'written_off' | 'kept' | null;
  paymentPlan?: { planId: string } | null;
  queuedLetters?: readonly { summary: string; notBefore?: number }[];
}

/** The invoice's clock: its due date and the policy's send hour. */
export interface InvoiceClock {
  dueDate: string;
  policy: Pick<CollectionsPolicy, 'sendHourUtc' | 'writeOff' | 'lateFee' | 'promises'>;
}

/** The instant a day relative to the due date begins for the workflow: the policy's send hour. */
export function dayInstant(clock: InvoiceClock, offsetDays: number): number {
  return instantForOffset(clock.dueDate, offsetDays, clock.policy.sendHourUtc);
}

/** The instant a calendar date begins for the workflow: the policy's send hour that day. */
export function dateInstant(clock: InvoiceClock, isoDate: string): number {
  return startOfDateUtc(isoDate) + clock.policy.sendHourUtc * 3_600_000;
}

/** What dunning may ask for: the balance less what is under an open dispute. */
export function collectibleMinor(facts: Pick<TimingFacts, 'balance' | 'disputes'>): number {
  const disputed = facts.disputes.filter((d) => d.status === 'open').reduce((sum, d) => sum + d.amountMinor, 0);
  return Math.max(0, facts.balance.balanceMinor - disputed);
}

/** Why dunning waits now (nothing is sent, steps that pass are caught up once when it ends), if it does. */
export function dunningPause(facts: TimingFacts): string | null {
  if (facts.smallBalance === 'kept') {
    return `the balance of ${formatMoney({ amountMinor: facts.balance.balanceMinor, currency: facts.balance.currency })} is below the policy's minimum for ${facts.balance.currency}`;
  }
  if (facts.paymentPlan) return `payment plan ${facts.paymentPlan.planId}`;
  if (facts.settlement) return `settlement offer ${facts.settlement.offerId} ${facts.settlement.status === 'open' ? `open until ${facts.settlement.deadline}` : 'awaiting approval'}`;
  if (facts.promise) return `promise to pay by ${facts.promise.promisedDate}`;
  if (facts.disputes.some((d) => d.status === 'open') && collectibleMinor(facts) === 0) return 'the whole balance is disputed';
  return null;
}

/** The day (past due) of the next write-off review: the first, then one every re-review interval. */
export function reviewDay(clock: InvoiceClock, facts: Pick<TimingFacts, 'reviewsOpened'>): number {
  const { reviewAfterDays, reReviewAfterDays } = clock.policy.writeOff;
  return reviewAfterDays + facts.reviewsOpened * reReviewAfterDays;
}

/** Whether the write-off review is due now: on its day, or at once for an early reason (a bankruptcy, a balance below the agency minimum). */
export function reviewDue(clock: InvoiceClock, facts: Pick<TimingFacts, 'reviewsOpened' | 'earlyReviewReason'>, now: number): boolean {
  return (facts.earlyReviewReason !== null && facts.reviewsOpened === 0) || now >= dayInstant(clock, reviewDay(clock, facts));
}

/** The date a promise counts as broken: the promised date plus the policy's grace. */
export function promiseDeadline(clock: InvoiceClock, facts: Pick<TimingFacts, 'promise'>): string | null {
  return facts.promise ? addDays(facts.promise.promisedDate, clock.policy.promises.graceDays + 1) : null;
}

/** Write-off: the next review's day. */
export function reviewWake(clock: InvoiceClock, facts: Pick<TimingFacts, 'reviewsOpened'>): Wake {
  const review = reviewDay(clock, facts);
  return { at: dayInstant(clock, review), description: `write-off review, day ${review}` };
}

/** Promises: the promised date plus grace, when the promise breaks. */
export function promiseWakes(clock: InvoiceClock, facts: Pick<TimingFacts, 'promise'>): Wake[] {
  const due = promiseDeadline(clock, facts);
  return due ? [{ at: dateInstant(clock, due), description: `promise ${facts.promise?.promiseId} due (${facts.promise?.promisedDate} plus grace)` }] : [];
}

/** Settlement: the day after an open offer's deadline, when it lapses. */
export function settlementWakes(clock: InvoiceClock, facts: Pick<TimingFacts, 'settlement'>): Wake[] {
  const deadline = facts.settlement?.deadline;
  return deadline ? [{ at: dateInstant(clock, addDays(deadline, 1)), description: `settlement ${facts.settlement?.offerId} expires (${deadline})` }] : [];
}

/** Holds: the end date of each seasonal hold. */
export function holdWakes(clock: InvoiceClock, facts: Pick<TimingFacts, 'holds'>): Wake[] {
  return facts.holds.flatMap((hold) => (hold.until ? [{ at: dateInstant(clock, hold.until), description: `${hold.kind} hold ${hold.holdId} ends` }] : []));
}

/** Disputes: the day after each open dispute's SLA, when it is breached. */
export function disputeWakes(clock: InvoiceClock, facts: Pick<TimingFacts, 'disputes'>): Wake[] {
  return facts.disputes.flatMap((d) => (d.status === 'open' && !d.slaBreached ? [{ at: dateInstant(clock, addDays(d.slaDue, 1)), description: `dispute ${d.disputeId} SLA (${d.slaDue})` }] : []));
}

/** Notices: a queued letter that waits out the gap after the final notice. */
export function letterWakes(facts: Pick<TimingFacts, 'queuedLetters'>, now: number): Wake[] {
  return (facts.queuedLetters ?? []).flatMap((letter) => (letter.notBefore && letter.notBefore > now ? [{ at: letter.notBefore, description: `${letter.summary} (after the final notice)` }] : []));
}

/** Charges: the late fee's day, until it is charged or waived. */
export function lateFeeWakes(clock: InvoiceClock, facts: Pick<TimingFacts, 'lateFeeCharged' | 'waived'>): Wake[] {
  const { percentBasisPoints, afterDays } = clock.policy.lateFee;
  return percentBasisPoints > 0 && !facts.lateFeeCharged && !facts.waived.lateFee ? [{ at: dayInstant(clock, afterDays), description: `late fee, day ${afterDays}` }] : [];
}

/**
 * The earliest moment something is due, over every concern's wake-up: the next dunning step (passed
 * in, since when a step runs depends on the contact calendar; absent when there is none, ignored
 * while dunning waits), the review, a promise's or an offer's deadline, a hold's end, a dispute's
 * SLA, a queued letter, the late fee. On a tie the first in that order is named.
 */
export function nextWake(clock: InvoiceClock, facts: TimingFacts, now: number, nextStep?: Wake): Wake {
  const wakes: Wake[] = [
    ...(nextStep && !dunningPause(facts) ? [nextStep] : []),
    reviewWake(clock, facts),
    ...promiseWakes(clock, facts),
    ...settlementWakes(clock, facts),
    ...holdWakes(clock, facts),
    ...disputeWakes(clock, facts),
    ...letterWakes(facts, now),
    ...lateFeeWakes(clock, facts),
  ];
  return wakes.reduce((earliest, wake) => (wake.at < earliest.at ? wake : earliest));
}
