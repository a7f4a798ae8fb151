/** The balance of one invoice as payments arrive: partial payments reduce it, overpayment becomes a credit. */

/** An invoice's running totals, all in the invoice's currency's minor units. */
export interface InvoiceBalance {
  currency: string;
  originalMinor: number;
  paidMinor: number;
  /** Still owed; never negative. */
  balanceMinor: number;
  /** Paid beyond the balance, kept for the customer. */
  creditMinor: number;
}

/** The balance of a new invoice. */
export function openingBalance(amountMinor: number, currency: string): InvoiceBalance {
  return { currency, originalMinor: amountMinor, paidMinor: 0, balanceMinor: amountMinor, creditMinor: 0 };
}

/** The balance after a payment of `amountMinor` (already checked to be positive and in the same currency). */
export function applyPayment(balance: InvoiceBalance, amountMinor: number): InvoiceBalance {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw new RangeError(`payment must be a positive integer amount, got ${amountMinor}`);
  const applied = Math.min(amountMinor, balance.balanceMinor);
  return {
    ...balance,
    paidMinor: balance.paidMinor + amountMinor,
    balanceMinor: balance.balanceMinor - applied,
    creditMinor: balance.creditMinor + (amountMinor - applied),
  };
}
