/**
 * A plan's standing over time: when an installment counts as missed (its due date plus the policy's
 * grace days have passed with it unpaid), when enough are missed to breach the plan, when the
 * customer is reminded, and so when the plan's workflow next has something to do. Pure functions of
 * the schedule, what is paid, the policy and now.
 */
import { addDays, DAY_MS, startOfDateUtc } from './calendar';
import type { PaymentPlanTerms, ScheduledInstallment } from './payment-plan';
import { installmentPaidMinor } from './payment-plan-allocation';

/** When a plan's day-based events happen: the policy's send hour on their date. */
export function planInstant(isoDate: string, sendHourUtc: number): number {
  return startOfDateUtc(isoDate) + sendHourUtc * 3_600_000;
}

/** The instant an installment's grace ends: the day after its due date plus the grace days, at the send hour. */
export function graceEndsAt(dueDate: string, graceDays: number, sendHourUtc: number): number {
  return planInstant(addDays(dueDate, graceDays + 1), sendHourUtc);
}

/** The instant the customer is reminded of an installment, or null when the policy sends no reminders. */
export function reminderAt(dueDate: string, reminderDaysBefore: number, sendHourUtc: number): number | null {
  return reminderDaysBefore > 0 ? planInstant(addDays(dueDate, -reminderDaysBefore), sendHourUtc) : null;
}

/** An installment's standing at an instant. */
export type InstallmentStatus = 'upcoming' | 'due' | 'in_grace' | 'paid' | 'paid_late' | 'missed';

/**
 * Installments whose grace has ended unpaid at `nowMs` (numbers, oldest first). Payments go to the
 * oldest installment first, so a later payment cures a missed installment before it pays the next.
 */
export function missedInstallments(schedule: readonly ScheduledInstallment[], paidMinor: number, terms: PaymentPlanTerms, sendHourUtc: number, nowMs: number): number[] {
  const paid = installmentPaidMinor(schedule, paidMinor);
  return schedule
    .filter((installment, index) => paid[index] < installment.amountMinor && nowMs >= graceEndsAt(installment.dueDate, terms.graceDays, sendHourUtc))
    .map((installment) => installment.number);
}

/** Whether the missed installments breach the plan under the policy. */
export function breaches(missed: readonly number[], terms: PaymentPlanTerms): boolean {
  return missed.length >= terms.breachAfterMissedInstallments;
}

/** Whether a payment at `paidAtMs` of an installment due on `dueDate` was late (but, if the plan still runs, within grace). */
export function paidLate(dueDate: string, paidAtMs: number): boolean {
  return paidAtMs >= startOfDateUtc(dueDate) + DAY_MS;
}

/** What the plan's workflow waits for next: a reminder, the day after a due date, or the end of an installment's grace. */
export interface PlanWake {
  at: number;
  kind: 'reminder' | 'overdue' | 'grace_end';
  installment: number;
}

/**
 * The next things to do after `handledThroughMs` (the instant of the last wake-up handled; the
 * plan's start at first, so a reminder whose instant passed before the plan started is not sent
 * late): for each unpaid installment its reminder, the day after its due date (it is then in grace)
 * and the end of its grace. Every event of the earliest instant, or an empty list when none is ahead.
 */
export function nextPlanWakes(schedule: readonly ScheduledInstallment[], paidMinor: number, terms: PaymentPlanTerms, sendHourUtc: number,
  handledThroughMs: number): PlanWake[] {
  const paid = installmentPaidMinor(schedule, paidMinor);
  const wakes = schedule.flatMap((installment, index): PlanWake[] => {
    if (paid[index] >= installment.amountMinor) return [];
    const reminder = reminderAt(installment.dueDate, terms.reminderDaysBefore, sendHourUtc);
    const number = installment.number;
    return [
      ...(reminder === null ? [] : [{ at: reminder, kind: 'reminder' as const, installment: number }]),
      { at: planInstant(addDays(installment.dueDate, 1), sendHourUtc), kind: 'overdue', installment: number },
      { at: graceEndsAt(installment.dueDate, terms.graceDays, sendHourUtc), kind: 'grace_end', installment: number },
    ];
  }).filter((wake) => wake.at > handledThroughMs);
  const first = Math.min(...wakes.map((wake) => wake.at));
  return wakes.filter((wake) => wake.at === first).sort((a, b) => a.installment - b.installment);
}

/** The standing of each installment at `nowMs`, for the state query and the read model. */
export function installmentStatuses(schedule: readonly ScheduledInstallment[], paidMinor: number, terms: PaymentPlanTerms, sendHourUtc: number,
  nowMs: number, paidAt: Readonly<Record<number, number>>): InstallmentStatus[] {
  const paid = installmentPaidMinor(schedule, paidMinor);
  return schedule.map((installment, index) => {
    if (paid[index] >= installment.amountMinor) {
      const at = paidAt[installment.number];
      return at !== undefined && paidLate(installment.dueDate, at) ? 'paid_late' : 'paid';
    }
    if (nowMs >= graceEndsAt(installment.dueDate, terms.graceDays, sendHourUtc)) return 'missed';
    if (nowMs >= planInstant(addDays(installment.dueDate, 1), sendHourUtc)) return 'in_grace';
    return nowMs >= startOfDateUtc(installment.dueDate) ? 'due' : 'upcoming';
  });
}
