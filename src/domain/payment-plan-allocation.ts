/**
 * Where a plan's payment goes: the oldest installment first, and within an installment the oldest
 * invoice first (the order the schedule lays its parts out in, see payment-plan.ts). Because a plan
 * is one line of money, the plan's payments so far are one number: a new payment pays the next
 * stretch of the line, however many installments and invoices that stretch crosses.
 */
import type { ScheduledInstallment } from './payment-plan';

/** One part of a payment: the installment it pays and the invoice that part goes to. */
export interface AllocationPart {
  installment: number;
  invoiceId: string;
  amountMinor: number;
}

/** The plan's total, as the sum of its installments. */
export function scheduleTotalMinor(schedule: readonly ScheduledInstallment[]): number {
  return schedule.reduce((sum, installment) => sum + installment.amountMinor, 0);
}

/**
 * Splits a payment of `amountMinor`, made when `paidSoFarMinor` of the plan was already paid, into
 * its parts. Throws when the payment goes beyond what the plan still owes (the caller refuses it).
 */
export function allocatePayment(schedule: readonly ScheduledInstallment[], paidSoFarMinor: number, amountMinor: number): AllocationPart[] {
  const total = scheduleTotalMinor(schedule);
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw new RangeError(`a payment must be a positive integer, got ${amountMinor}`);
  if (paidSoFarMinor + amountMinor > total) throw new RangeError(`the payment exceeds what the plan still owes (${total - paidSoFarMinor})`);
  const from = paidSoFarMinor;
  const to = paidSoFarMinor + amountMinor;
  const parts: AllocationPart[] = [];
  let start = 0;
  for (const installment of schedule) {
    for (const part of installment.parts) {
      const end = start + part.amountMinor;
      const overlap = Math.min(end, to) - Math.max(start, from);
      if (overlap > 0) parts.push({ installment: installment.number, invoiceId: part.invoiceId, amountMinor: overlap });
      start = end;
    }
  }
  return parts;
}

/** What each installment has received once `paidMinor` of the plan is paid (oldest first). */
export function installmentPaidMinor(schedule: readonly ScheduledInstallment[], paidMinor: number): number[] {
  let start = 0;
  return schedule.map((installment) => {
    const paid = Math.min(Math.max(paidMinor - start, 0), installment.amountMinor);
    start += installment.amountMinor;
    return paid;
  });
}

/** What each invoice has received from the plan once `paidMinor` of it is paid. */
export function invoicePaidMinor(schedule: readonly ScheduledInstallment[], paidMinor: number): Record<string, number> {
  const paid: Record<string, number> = {};
  for (const part of schedule.flatMap((installment) => installment.parts)) paid[part.invoiceId] ??= 0;
  if (paidMinor > 0) {
    for (const part of allocatePayment(schedule, 0, Math.min(paidMinor, scheduleTotalMinor(schedule)))) paid[part.invoiceId] += part.amountMinor;
  }
  return paid;
}

/** A payment part's id on its invoice: derived from the plan payment, so a retry applies it once. */
export function partPaymentId(paymentId: string, part: Pick<AllocationPart, 'installment' | 'invoiceId'>): string {
  return `${paymentId}:${part.installment}:${part.invoiceId}`;
}
