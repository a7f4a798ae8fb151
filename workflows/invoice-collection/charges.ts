/**
 * Late charges: interest accrued since the last posting, the policy's one-off late fee on its day,
 * and waivers of either. The rounding and cap rules are in src/domain/late-charges.ts.
 */
import { addCharge, waiveCharges } from '../../src/domain/invoice-balance';
import { interestToPost, lateFeeFor } from '../../src/domain/late-charges';
import type { CarriedState, InvoiceState, WaiverInput } from './definitions';
import type { Effects, EffectRunner } from './effects';
import type { Invoice } from './invoice';

export class Charges {
  private readonly s: CarriedState;

  constructor(private readonly invoice: Invoice, private readonly effects: Effects) {
    this.s = invoice.s;
  }


  /** Posts the interest accrued since the last posting (see src/domain/late-charges for the rounding rule). */
  async postInterest(runner: EffectRunner = 'activity'): Promise<void> {
    const terms = this.invoice.policy.interest;
    if (!terms.enabled || this.s.waived.interest || this.invoice.closed) return;
    const toDay = this.invoice.daysPastDue();
    const fromDay = this.s.interestPostedThroughDay;
    if (toDay <= fromDay) return;
    const amount = interestToPost({
      principalMinor: this.s.balance.principalMinor, originalMinor: this.s.balance.originalMinor,
      chargedSoFarMinor: this.s.interestChargedMinor, fromDay, toDay, terms,
    });
    this.s.interestPostedThroughDay = toDay;
    if (amount === 0) return;
    this.s.balance = addCharge(this.s.balance, 'interest', amount);
    this.s.interestChargedMinor += amount;
    await this.effects.postLedger(`interest/day-${toDay}`, 'interest', amount,
      `Interest of ${this.invoice.format(amount)} for days ${Math.max(fromDay, terms.graceDays)}–${toDay} at ${terms.annualRateBasisPoints / 100} % a year: balance ${this.invoice.formatBalance()}`,
      { fromDay, toDay, annualRateBasisPoints: terms.annualRateBasisPoints }, undefined, runner);
  }

  /** Due check: charges the policy's one-off late fee once, on its day. */
  async chargeLateFeeIfDue(): Promise<void> {
    const terms = this.invoice.policy.lateFee;
    if (this.s.lateFeeCharged || this.s.waived.lateFee || this.invoice.closed || terms.percentBasisPoints === 0 || this.invoice.daysPastDue() < terms.afterDays) return;
    this.s.lateFeeCharged = true;
    const amount = lateFeeFor(this.s.balance.principalMinor, terms);
    if (amount === 0) return;
    this.s.balance = addCharge(this.s.balance, 'late_fee', amount);
    await this.effects.postLedger('late-fee', 'late_fee', amount,
      `Late fee of ${this.invoice.format(amount)} (${terms.percentBasisPoints / 100} % of ${this.invoice.format(this.s.balance.principalMinor)}) at ${terms.afterDays} days: balance ${this.invoice.formatBalance()}`);
  }

  async waive(waiver: WaiverInput): Promise<InvoiceState> {
    await this.postInterest();
    if (waiver.kind !== 'late_fee') this.s.waived.interest = true;
    if (waiver.kind !== 'interest') this.s.waived.lateFee = true;
    const { balance, waivedMinor } = waiveCharges(this.s.balance, waiver.kind);
    this.s.balance = balance;
    if (balance.balanceMinor === 0 && !this.invoice.closed) this.invoice.closeAs('paid');
    await this.effects.postLedger(`waiver/${waiver.kind}`, 'charge_waiver', -waivedMinor,
      `${waiver.kind === 'all' ? 'Interest and late fees' : waiver.kind === 'interest' ? 'Interest' : 'Late fees'} waived by ${waiver.decidedBy} (${waiver.reason}): ${this.invoice.format(waivedMinor)}, balance ${this.invoice.formatBalance()}`,
      { kind: waiver.kind, decidedBy: waiver.decidedBy });
    this.invoice.updateSearchAttributes();
    return this.invoice.state();
  }
}
