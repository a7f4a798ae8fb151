/**
 * Money in and back out: payments (applied once per payment id, interest first; after a write-off a
 * recovery) and their reversals (a chargeback or returned payment owes again and reopens a paid or
 * settled invoice). A payment may settle an open offer or keep a promise.
 */
import { applyPayment, reinstatePrincipal, reversePayment } from '../../src/domain/invoice-balance';
import type { Charges } from './charges';
import type { CarriedState, InvoiceState, PaymentInput, PaymentResult, ReversalInput } from './definitions';
import { activities, localActivities, type Effects } from './effects';
import type { Invoice } from './invoice';
import { PAYMENT_IN_ONE_TASK, PAYMENT_WAKES_WHEN_DUE, SMALL_BALANCE } from './patches';
import type { Promises } from './promises';
import { notApplicable, refuse } from './refusals';
import type { Settlements } from './settlement';

export class Payments {
  private readonly s: CarriedState;

  constructor(private readonly invoice: Invoice, private readonly effects: Effects, private readonly charges: Charges,
    private readonly settlements: Settlements, private readonly promises: Promises) {
    this.s = invoice.s;
  }


  checkPayment(payment: PaymentInput): void {
    if (this.s.payments[payment.paymentId]) return;
    this.invoice.checkAmount('amount', payment.amount);
    if (this.s.balance.paidMinor + payment.amount.amountMinor > Number.MAX_SAFE_INTEGER) {
      refuse('amount.amountMinor', 'the total paid on this invoice would exceed the largest amount the ledger can hold');
    }
    // Paid, settled and written-off invoices stay open for a while: a payment then is credit or a recovery.
    if (this.s.status === 'cancelled') notApplicable('invoice is cancelled; payment not applied');
  }

  /** Applies a payment once per payment id and answers with the new balance; after a write-off it is a recovery. */
  async receive(payment: PaymentInput): Promise<PaymentResult> {
    if (this.s.payments[payment.paymentId]) return this.result(payment.paymentId, true);
    const kind = this.s.status === 'written_off' ? 'recovery' : 'payment';
    this.s.payments[payment.paymentId] = { amountMinor: payment.amount.amountMinor, principalMinor: 0, interestMinor: 0, lateFeeMinor: 0, creditMinor: 0, kind };
    // Decided once per payment, before its first posting: both postings run the same way.
    const runner = this.invoice.takes(PAYMENT_IN_ONE_TASK) ? 'local' : 'activity';
    await this.charges.postInterest(runner);
    const before = this.s.balance;
    const { balance, allocation } = applyPayment(before, payment.amount.amountMinor);
    this.s.balance = balance;
    this.s.payments[payment.paymentId] = { ...allocation, kind };
    const appliedMinor = before.balanceMinor - balance.balanceMinor;
    const paysOff = balance.balanceMinor === 0 && !this.invoice.closed;
    if (paysOff) this.invoice.closeAs('paid');
    const closing = paysOff ? this.effects.closingPosting() : {};
    const credit = allocation.creditMinor > 0 ? `, credit ${this.invoice.format(allocation.creditMinor)}` : '';
    const summary = `${kind === 'recovery' ? 'Recovery after write-off' : 'Payment'} ${payment.paymentId} of ${this.invoice.format(payment.amount.amountMinor)}: balance ${this.invoice.formatBalance()}${credit}`;
    const event = this.invoice.event(`payment/${payment.paymentId}`, kind === 'recovery' ? 'recovery_received' : 'payment_received', summary,
      { paymentId: payment.paymentId, amountMinor: payment.amount.amountMinor, appliedMinor, creditMinor: allocation.creditMinor, allocation });
    await (runner === 'local' ? localActivities : activities).postPayment.executeWithOptions({ summary }, [{
      paymentId: payment.paymentId,
      invoiceId: this.invoice.input.invoice.invoiceId,
      currency: balance.currency,
      amountMinor: payment.amount.amountMinor,
      appliedMinor,
      creditMinor: allocation.creditMinor,
      balanceAfterMinor: balance.balanceMinor,
      method: payment.method,
      receivedAt: payment.receivedAt ?? new Date().toISOString(),
      ...(kind === 'recovery' ? { kind } : {}),
      event,
      ...closing,
    }]);
    await this.settlements.settleIfPaidOff();
    await this.promises.keepIfPaid();
    // The main loop checks what is left. Since PAYMENT_WAKES_WHEN_DUE only a small balance makes it: waking
    // it for nothing cancels and restarts its timer (a billable action) and re-runs its due checks.
    if (this.invoice.takes(SMALL_BALANCE) && (this.invoice.smallBalanceDue() || !this.invoice.takes(PAYMENT_WAKES_WHEN_DUE))) this.invoice.wake();
    this.invoice.updateSearchAttributes();
    return this.result(payment.paymentId, false);
  }

  private result(paymentId: string, duplicate: boolean): PaymentResult {
    const { status, balance } = this.s;
    return { paymentId, duplicate, status, balance: this.invoice.money(balance.balanceMinor), credit: this.invoice.money(balance.creditMinor) };
  }

  checkReversal(reversal: ReversalInput): void {
    const payment = this.s.payments[reversal.paymentId];
    if (!payment) refuse('paymentId', `no payment ${reversal.paymentId} on this invoice`);
    if (this.s.status === 'cancelled') notApplicable('invoice is cancelled; nothing to reverse');
  }

  /** A chargeback or returned payment: what it paid is owed again, and a paid invoice reopens. */
  async reverse(reversal: ReversalInput): Promise<InvoiceState> {
    const payment = this.s.payments[reversal.paymentId];
    if (payment.reversed) return this.invoice.state();
    payment.reversed = true;
    let balance = reversePayment(this.s.balance, payment);
    const reopens = this.s.status === 'paid' || this.s.status === 'settled';
    if (this.s.status === 'settled') {
      balance = reinstatePrincipal(balance, this.s.settlementDiscountMinor);
      this.s.settlementDiscountMinor = 0;
    }
    this.s.balance = balance;
    if (reopens && balance.balanceMinor > 0) {
      this.s.status = 'in_collection';
      this.s.closedAt = null;
      this.s.openTasksClosed = false;
    }
    await this.effects.postLedger(`reversal/${reversal.paymentId}`, 'payment_reversal', payment.amountMinor,
      `Payment ${reversal.paymentId} of ${this.invoice.format(payment.amountMinor)} reversed (${reversal.reason})${reopens ? ': invoice reopened' : ''}, balance ${this.invoice.formatBalance()}`,
      { paymentId: reversal.paymentId, reason: reversal.reason, reopened: reopens }, reversal.paymentId);
    this.invoice.wake();
    this.invoice.updateSearchAttributes();
    return this.invoice.state();
  }
}
