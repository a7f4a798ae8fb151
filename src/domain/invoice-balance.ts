/**
 * The balance of one invoice: principal, late charges (interest, late fees), payments, credit memos
 * and reversals. Payments go to the principal first, then interest, then fees, so a customer who
 * pays the invoice's amount stops interest at once; what is paid beyond everything owed is kept as
 * a credit for the customer.
 */

/** An invoice's running totals, all in the invoice's currency's minor units. */
export interface InvoiceBalance {
  currency: string;
  originalMinor: number;
  /** Everything ever received on the invoice, reversals taken off. */
  paidMinor: number;
  /** Principal still owed. */
  principalMinor: number;
  /** Interest charged and not yet paid or waived. */
  interestMinor: number;
  /** Late fees charged and not yet paid or waived. */
  lateFeeMinor: number;
  /** Still owed in all: principal + interest + late fees; never negative. */
  balanceMinor: number;
  /** Paid beyond the balance, kept for the customer. */
  creditMinor: number;
  /** Principal taken off by credit memos (disputes resolved in the customer's favour). */
  creditedMinor: number;
}

/** How one payment was applied, kept so a chargeback can undo exactly that. */
export interface PaymentAllocation {
  amountMinor: number;
  principalMinor: number;
  interestMinor: number;
  lateFeeMinor: number;
  creditMinor: number;
}

const total = (b: Omit<InvoiceBalance, 'balanceMinor'>): InvoiceBalance => ({ ...b, balanceMinor: b.principalMinor + b.interestMinor + b.lateFeeMinor });

/** The balance of a new invoice. */
export function openingBalance(amountMinor: number, currency: string): InvoiceBalance {
  return total({ currency, originalMinor: amountMinor, paidMinor: 0, principalMinor: amountMinor, interestMinor: 0, lateFeeMinor: 0, creditMinor: 0, creditedMinor: 0 });
}

/** A balance carried over from an older snapshot that knew no charges. */
export function withChargeFields(balance: Partial<InvoiceBalance> & Pick<InvoiceBalance, 'currency' | 'originalMinor' | 'paidMinor' | 'balanceMinor' | 'creditMinor'>): InvoiceBalance {
  return total({
    currency: balance.currency, originalMinor: balance.originalMinor, paidMinor: balance.paidMinor,
    principalMinor: balance.principalMinor ?? balance.balanceMinor, interestMinor: balance.interestMinor ?? 0,
    lateFeeMinor: balance.lateFeeMinor ?? 0, creditMinor: balance.creditMinor, creditedMinor: balance.creditedMinor ?? 0,
  });
}

function positive(amountMinor: number, what: string): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw new RangeError(`${what} must be a positive integer amount, got ${amountMinor}`);
}

/** Applies a payment (already checked to be in the invoice's currency): principal, then interest, then fees, then credit. */
export function applyPayment(balance: InvoiceBalance, amountMinor: number): { balance: InvoiceBalance; allocation: PaymentAllocation } {
  positive(amountMinor, 'payment');
  let left = amountMinor;
  const take = (owed: number) => { const part = Math.min(owed, left); left -= part; return part; };
  const principalMinor = take(balance.principalMinor);
  const interestMinor = take(balance.interestMinor);
  const lateFeeMinor = take(balance.lateFeeMinor);
  const allocation = { amountMinor, principalMinor, interestMinor, lateFeeMinor, creditMinor: left };
  return {
    allocation,
    balance: total({
      ...balance,
      paidMinor: balance.paidMinor + amountMinor,
      principalMinor: balance.principalMinor - principalMinor,
      interestMinor: balance.interestMinor - interestMinor,
      lateFeeMinor: balance.lateFeeMinor - lateFeeMinor,
      creditMinor: balance.creditMinor + left,
    }),
  };
}

/** Undoes a payment (a chargeback or a returned transfer): what it paid is owed again, its credit withdrawn. */
export function reversePayment(balance: InvoiceBalance, allocation: PaymentAllocation): InvoiceBalance {
  const creditBack = Math.min(allocation.creditMinor, balance.creditMinor);
  // Credit already used up elsewhere is owed again as principal.
  const principalBack = allocation.principalMinor + (allocation.creditMinor - creditBack);
  return total({
    ...balance,
    paidMinor: balance.paidMinor - allocation.amountMinor,
    principalMinor: balance.principalMinor + principalBack,
    interestMinor: balance.interestMinor + allocation.interestMinor,
    lateFeeMinor: balance.lateFeeMinor + allocation.lateFeeMinor,
    creditMinor: balance.creditMinor - creditBack,
  });
}

/** Adds a late charge (interest or a late fee). */
export function addCharge(balance: InvoiceBalance, kind: 'interest' | 'late_fee', amountMinor: number): InvoiceBalance {
  if (amountMinor === 0) return balance;
  positive(amountMinor, kind);
  return kind === 'interest'
    ? total({ ...balance, interestMinor: balance.interestMinor + amountMinor })
    : total({ ...balance, lateFeeMinor: balance.lateFeeMinor + amountMinor });
}

/** Waives the outstanding charges of a kind; returns the balance and the amount waived. */
export function waiveCharges(balance: InvoiceBalance, kind: 'interest' | 'late_fee' | 'all'): { balance: InvoiceBalance; waivedMinor: number } {
  const interest = kind === 'late_fee' ? 0 : balance.interestMinor;
  const fee = kind === 'interest' ? 0 : balance.lateFeeMinor;
  return { waivedMinor: interest + fee, balance: total({ ...balance, interestMinor: balance.interestMinor - interest, lateFeeMinor: balance.lateFeeMinor - fee }) };
}

/** A credit memo takes principal off (never more than is owed); returns the balance and the amount credited. */
export function applyCreditMemo(balance: InvoiceBalance, amountMinor: number): { balance: InvoiceBalance; creditedMinor: number } {
  positive(amountMinor, 'credit memo');
  const credited = Math.min(amountMinor, balance.principalMinor);
  return { creditedMinor: credited, balance: total({ ...balance, principalMinor: balance.principalMinor - credited, creditedMinor: balance.creditedMinor + credited }) };
}

/** Settles the rest of the balance as an agreed discount; returns the balance (zero) and the discount. */
export function settleWithDiscount(balance: InvoiceBalance): { balance: InvoiceBalance; discountMinor: number } {
  return { discountMinor: balance.balanceMinor, balance: total({ ...balance, principalMinor: 0, interestMinor: 0, lateFeeMinor: 0 }) };
}

/** Puts principal back (a settlement voided by a reversed payment owes its discount again). */
export function reinstatePrincipal(balance: InvoiceBalance, amountMinor: number): InvoiceBalance {
  if (amountMinor === 0) return balance;
  positive(amountMinor, 'reinstated principal');
  return total({ ...balance, principalMinor: balance.principalMinor + amountMinor });
}
