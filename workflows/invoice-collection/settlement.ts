/**
 * Settlement offers: the customer pays an agreed amount by a deadline and the rest is discounted.
 * Within the policy's approval limit an offer opens at once; above it, it waits for a manager.
 * While an offer is open or awaiting approval dunning waits; unpaid at the deadline it lapses.
 */
import { addDays } from '../../src/domain/calendar';
import { settleWithDiscount } from '../../src/domain/invoice-balance';
import { discountBasisPoints, settlementDecision } from '../../src/domain/settlement-terms';
import type { Charges } from './charges';
import type { CarriedState, SettlementAnswer, SettlementDecision, SettlementOffer } from './definitions';
import type { Effects } from './effects';
import type { Invoice } from './invoice';
import type { Notices } from './notices';
import { LIFECYCLE_V3 } from './patches';
import { refuse } from './refusals';

export class Settlements {
  private readonly s: CarriedState;

  constructor(private readonly invoice: Invoice, private readonly effects: Effects, private readonly charges: Charges, private readonly notices: Notices) {
    this.s = invoice.s;
  }


  checkOffer(offer: SettlementOffer): void {
    if (this.s.settlement?.offerId === offer.offerId) return;
    this.invoice.checkOpen();
    this.invoice.checkAmount('amount', offer.amount);
    if (this.s.settlement) refuse('offerId', `offer ${this.s.settlement.offerId} is still ${this.s.settlement.status}`);
    const decision = settlementDecision(this.s.balance.balanceMinor, offer.amount.amountMinor, this.invoice.policy.settlement);
    if (decision.outcome === 'refused') refuse('amount', decision.reason);
  }

  /** Within the approval limit an offer is open at once until its deadline; above it, it waits for approval. */
  async propose(offer: SettlementOffer): Promise<SettlementAnswer> {
    if (this.s.settlement?.offerId === offer.offerId) return this.answer();
    await this.charges.postInterest();
    const terms = this.invoice.policy.settlement;
    const decision = settlementDecision(this.s.balance.balanceMinor, offer.amount.amountMinor, terms);
    const bp = discountBasisPoints(this.s.balance.balanceMinor, offer.amount.amountMinor);
    this.s.settlement = {
      offerId: offer.offerId, amountMinor: offer.amount.amountMinor, discountBasisPoints: bp, proposedBy: offer.proposedBy,
      status: 'awaiting_approval', paidAtOfferMinor: this.s.balance.paidMinor,
    };
    this.invoice.wake();
    if (decision.outcome === 'accepted') {
      await this.open(`offered by ${offer.proposedBy}, within the ${terms.approvalLimitPercent} % limit`);
    } else {
      await this.effects.openTask(`settlement/${offer.offerId}/approval`, 'approval', 'management',
        `Approve settlement ${offer.offerId}: ${this.invoice.format(offer.amount.amountMinor)} for a balance of ${this.invoice.formatBalance()} (${bp / 100} % discount, above the ${terms.approvalLimitPercent} % limit)`,
        { settlement: this.s.settlement }, `settlement discount above the ${terms.approvalLimitPercent} % approval limit`);
    }
    return this.answer();
  }

  private async open(how: string): Promise<void> {
    const offer = this.s.settlement;
    if (!offer) return;
    offer.status = 'open';
    offer.deadline = addDays(this.invoice.today(), this.invoice.policy.settlement.offerValidDays);
    await this.effects.record(`settlement/${offer.offerId}/open`, 'settlement_offered',
      `Settlement ${offer.offerId}: pay ${this.invoice.format(offer.amountMinor)} by ${offer.deadline} to settle ${this.invoice.formatBalance()} (${offer.discountBasisPoints / 100} % discount), ${how}`,
      { settlement: offer });
    if (this.invoice.takes(LIFECYCLE_V3)) {
      const discount = `${this.invoice.format(this.s.balance.balanceMinor - offer.amountMinor)} (${offer.discountBasisPoints / 100} %)`;
      await this.notices.sendLetter(`settlement/${offer.offerId}/letter`,
        { name: 'settlement-offer', settlement: { discount, amount: this.invoice.money(offer.amountMinor), deadline: offer.deadline } },
        `Settlement offer ${offer.offerId} sent to ${this.invoice.input.customer.name}`, offer.offerId);
    }
  }

  private answer(): SettlementAnswer {
    const offer = this.s.settlement;
    if (!offer) return { offerId: '', outcome: 'refused', discountBasisPoints: 0 };
    return { offerId: offer.offerId, outcome: offer.status === 'open' ? 'accepted' : 'awaiting_approval', deadline: offer.deadline, discountBasisPoints: offer.discountBasisPoints };
  }

  checkDecision(decision: SettlementDecision): void {
    if (this.s.settlement?.offerId !== decision.offerId || this.s.settlement.status !== 'awaiting_approval') {
      refuse('offerId', `no settlement ${decision.offerId} is waiting for approval`);
    }
  }

  async decide(decision: SettlementDecision): Promise<SettlementAnswer> {
    const offer = this.s.settlement;
    if (!offer || offer.offerId !== decision.offerId || offer.status !== 'awaiting_approval') return this.answer();
    this.invoice.wake();
    if (decision.approved) {
      await this.open(`approved by ${decision.decidedBy}`);
      return this.answer();
    }
    this.s.settlement = null;
    await this.effects.record(`settlement/${offer.offerId}/refused`, 'settlement_refused', `Settlement ${offer.offerId} refused by ${decision.decidedBy}: collection continues`, { settlement: offer });
    return { offerId: offer.offerId, outcome: 'refused', discountBasisPoints: offer.discountBasisPoints };
  }

  /** Paid the agreed amount by the deadline (called after every payment): the rest is discounted (and recorded), the invoice is settled. */
  async settleIfPaidOff(): Promise<void> {
    const offer = this.s.settlement;
    if (!offer || offer.status !== 'open' || this.s.balance.paidMinor - offer.paidAtOfferMinor < offer.amountMinor) return;
    this.s.settlement = null;
    if (this.s.balance.balanceMinor === 0) return; // paid in full after all
    const { balance, discountMinor } = settleWithDiscount(this.s.balance);
    this.s.balance = balance;
    this.s.settlementDiscountMinor = discountMinor;
    this.invoice.closeAs('settled');
    await this.effects.postLedger(`settlement/${offer.offerId}/discount`, 'settlement_discount', -discountMinor,
      `Settled by offer ${offer.offerId}: discount of ${this.invoice.format(discountMinor)} recorded`, { settlement: offer }, undefined, 'activity', this.effects.closingPosting());
  }

  /** Due check: unpaid at the deadline, the offer lapses and collection resumes. */
  async expireIfDue(): Promise<void> {
    const offer = this.s.settlement;
    if (!offer?.deadline || Date.now() < this.invoice.dateInstant(addDays(offer.deadline, 1))) return;
    this.s.settlement = null;
    await this.effects.record(`settlement/${offer.offerId}/expired`, 'settlement_expired', `Settlement ${offer.offerId} expired unpaid on ${offer.deadline}: collection resumes`, { settlement: offer });
  }
}
