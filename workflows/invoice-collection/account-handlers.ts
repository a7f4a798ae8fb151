/**
 * What people and systems tell a running invoice about money and its outcome: payments and
 * chargebacks, charge waivers, settlement offers, bankruptcy and write-off decisions, and a move to
 * another policy version. Each is an update: the validator refuses bad input with the field and the
 * reason before anything is recorded, and a repeat of the same id answers again without applying
 * twice. Disputes, promises, holds and approvals are in account-commitments.ts.
 */
import { condition, patched, setHandler } from '@temporalio/workflow';
import { addDays } from '../../src/domain/calendar';
import { dunningPlan } from '../../src/domain/dunning-schedule';
import { applyPayment, reinstatePrincipal, reversePayment, settleWithDiscount, waiveCharges } from '../../src/domain/invoice-balance';
import { discountBasisPoints, settlementDecision } from '../../src/domain/settlement-terms';
import { approvalRefusal, requiredApprover } from '../../src/domain/write-off-approval';
import { AccountCommitments } from './account-commitments';
import { activities } from './collection-effects';
import {
  cancelInvoiceSignal, decideEscalationUpdate, decideSettlementUpdate, invoiceStateQuery, decideWriteOffUpdate, movePolicyUpdate, openDisputeUpdate, placeHoldUpdate,
  promiseToPayUpdate, proposeSettlementUpdate, recordPaymentUpdate, releaseHoldUpdate, reportBankruptcyUpdate, resolveDisputeUpdate,
  reversePaymentUpdate, waiveChargesUpdate, writeOffDecisionSignal,
  type BankruptcyNotice, type InvoiceState, type PaymentInput, type PaymentResult, type PolicyMove, type ReversalInput,
  type SettlementAnswer, type SettlementDecision, type SettlementOffer, type WaiverInput, type WriteOffDecision,
} from './definitions';
import { LIFECYCLE_V3, SMALL_BALANCE, WRITE_OFF_SIGNAL_CHECKS } from './patches';
import { notApplicable, refusalOf, refuse } from './refusals';
import { completePolicy } from './policy-snapshot';

export class AccountHandlers extends AccountCommitments {
  protected writeOffDecision: WriteOffDecision | undefined;

  /** Every query, signal and update of the invoice, registered in this one place. */
  protected registerHandlers(): void {
    setHandler(invoiceStateQuery, () => this.state());
    setHandler(cancelInvoiceSignal, ({ reason }) => {
      if (this.closed) return;
      this.s.status = 'cancelled';
      this.s.cancelReason = reason;
    });
    setHandler(recordPaymentUpdate, (payment) => this.receivePayment(payment), { validator: (payment) => this.checkPayment(payment) });
    setHandler(writeOffDecisionSignal, (decision) => this.receiveWriteOffSignal(decision));
    setHandler(decideWriteOffUpdate, (decision) => this.decideWriteOff(decision), { validator: (decision) => this.checkWriteOffDecision(decision) });
    setHandler(openDisputeUpdate, (dispute) => this.openDispute(dispute), { validator: (dispute) => this.checkDispute(dispute) });
    setHandler(resolveDisputeUpdate, (resolution) => this.resolveDispute(resolution), { validator: (resolution) => this.checkResolution(resolution) });
    setHandler(promiseToPayUpdate, (promise) => this.makePromise(promise), { validator: (promise) => this.checkPromise(promise) });
    setHandler(placeHoldUpdate, (hold) => this.placeHold(hold), { validator: (hold) => this.checkHold(hold) });
    setHandler(releaseHoldUpdate, (release) => this.releaseHold(release), { validator: (release) => this.checkRelease(release) });
    setHandler(decideEscalationUpdate, (decision) => this.decideEscalation(decision), { validator: (decision) => this.checkEscalationDecision(decision) });
    setHandler(waiveChargesUpdate, (waiver) => this.waive(waiver), { validator: (_waiver) => this.checkOpen() });
    setHandler(proposeSettlementUpdate, (offer) => this.proposeSettlement(offer), { validator: (offer) => this.checkSettlementOffer(offer) });
    setHandler(decideSettlementUpdate, (decision) => this.decideSettlement(decision), { validator: (decision) => this.checkSettlementDecision(decision) });
    setHandler(reversePaymentUpdate, (reversal) => this.reverse(reversal), { validator: (reversal) => this.checkReversal(reversal) });
    setHandler(reportBankruptcyUpdate, (notice) => this.reportBankruptcy(notice), { validator: (_notice) => this.checkOpen() });
    setHandler(movePolicyUpdate, (move) => this.movePolicy(move), { validator: (_move) => this.checkOpen() });
  }

  // ── policy versions ───────────────────────────────────────────────────────

  /**
   * An operator moves the invoice to another policy version: from now on its steps, terms and
   * rules are that version's. Steps of the new plan still ahead of today are what remains to do.
   */
  private async movePolicy(move: PolicyMove): Promise<InvoiceState> {
    const from = this.policy;
    if (from.policyId === move.policy.policyId && from.version === move.policy.version) return this.state();
    this.s.movedToPolicy = move.policy;
    this.policy = completePolicy(move.policy);
    this.plan = dunningPlan(this.policy, this.input.customer);
    const age = this.daysPastDue();
    this.s.upcomingStepIds = this.plan.filter((step) => step.offsetDays > age).map((step) => step.id);
    this.wake();
    await this.record(`policy/${move.policy.policyId}/v${move.policy.version}`, 'policy_moved',
      `Moved from policy ${from.policyId} v${from.version} to ${move.policy.policyId} v${move.policy.version} by ${move.movedBy}${move.reason ? ` (${move.reason})` : ''}`,
      { from: { policyId: from.policyId, version: from.version }, to: { policyId: move.policy.policyId, version: move.policy.version }, upcomingSteps: this.s.upcomingStepIds });
    return this.state();
  }

  // ── payments ──────────────────────────────────────────────────────────────

  private checkPayment(payment: PaymentInput): void {
    if (this.s.payments[payment.paymentId]) return;
    this.checkAmount('amount', payment.amount);
    if (this.s.balance.paidMinor + payment.amount.amountMinor > Number.MAX_SAFE_INTEGER) {
      refuse('amount.amountMinor', 'the total paid on this invoice would exceed the largest amount the ledger can hold');
    }
    // Paid, settled and written-off invoices stay open for a while: a payment then is credit or a recovery.
    if (this.s.status === 'cancelled') notApplicable('invoice is cancelled; payment not applied');
  }

  /** Applies a payment once per payment id and answers with the new balance; after a write-off it is a recovery. */
  private async receivePayment(payment: PaymentInput): Promise<PaymentResult> {
    if (this.s.payments[payment.paymentId]) return this.paymentResult(payment.paymentId, true);
    const kind = this.s.status === 'written_off' ? 'recovery' : 'payment';
    this.s.payments[payment.paymentId] = { amountMinor: payment.amount.amountMinor, principalMinor: 0, interestMinor: 0, lateFeeMinor: 0, creditMinor: 0, kind };
    await this.postInterest();
    const before = this.s.balance;
    const { balance, allocation } = applyPayment(before, payment.amount.amountMinor);
    this.s.balance = balance;
    this.s.payments[payment.paymentId] = { ...allocation, kind };
    const appliedMinor = before.balanceMinor - balance.balanceMinor;
    if (balance.balanceMinor === 0 && !this.closed) this.closeAs('paid');
    const summary = `${kind === 'recovery' ? 'Recovery after write-off' : 'Payment'} ${payment.paymentId} of ${this.format(payment.amount.amountMinor)}: balance ${this.formatBalance()}${allocation.creditMinor > 0 ? `, credit ${this.format(allocation.creditMinor)}` : ''}`;
    const event = this.event(`payment/${payment.paymentId}`, kind === 'recovery' ? 'recovery_received' : 'payment_received', summary,
      { paymentId: payment.paymentId, amountMinor: payment.amount.amountMinor, appliedMinor, creditMinor: allocation.creditMinor, allocation });
    await activities.postPayment.executeWithOptions({ summary }, [{
      paymentId: payment.paymentId,
      invoiceId: this.input.invoice.invoiceId,
      currency: balance.currency,
      amountMinor: payment.amount.amountMinor,
      appliedMinor,
      creditMinor: allocation.creditMinor,
      balanceAfterMinor: balance.balanceMinor,
      method: payment.method,
      receivedAt: payment.receivedAt ?? new Date().toISOString(),
      ...(kind === 'recovery' ? { kind } : {}),
      event,
    }]);
    await this.settleIfPaidOff();
    await this.keepPromiseIfPaid();
    if (patched(SMALL_BALANCE)) this.wake(); // the main loop checks what is left
    this.updateSearchAttributes();
    return this.paymentResult(payment.paymentId, false);
  }

  private paymentResult(paymentId: string, duplicate: boolean): PaymentResult {
    return { paymentId, duplicate, status: this.s.status, balance: this.money(this.s.balance.balanceMinor), credit: this.money(this.s.balance.creditMinor) };
  }

  private checkReversal(reversal: ReversalInput): void {
    const payment = this.s.payments[reversal.paymentId];
    if (!payment) refuse('paymentId', `no payment ${reversal.paymentId} on this invoice`);
    if (this.s.status === 'cancelled') notApplicable('invoice is cancelled; nothing to reverse');
  }

  /** A chargeback or returned payment: what it paid is owed again, and a paid invoice reopens. */
  private async reverse(reversal: ReversalInput): Promise<InvoiceState> {
    const payment = this.s.payments[reversal.paymentId];
    if (payment.reversed) return this.state();
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
    }
    await this.postLedger(`reversal/${reversal.paymentId}`, 'payment_reversal', payment.amountMinor,
      `Payment ${reversal.paymentId} of ${this.format(payment.amountMinor)} reversed (${reversal.reason})${reopens ? ': invoice reopened' : ''}, balance ${this.formatBalance()}`,
      { paymentId: reversal.paymentId, reason: reversal.reason, reopened: reopens }, reversal.paymentId);
    this.wake();
    this.updateSearchAttributes();
    return this.state();
  }

  // ── charges ───────────────────────────────────────────────────────────────

  private async waive(waiver: WaiverInput): Promise<InvoiceState> {
    await this.postInterest();
    if (waiver.kind !== 'late_fee') this.s.waived.interest = true;
    if (waiver.kind !== 'interest') this.s.waived.lateFee = true;
    const { balance, waivedMinor } = waiveCharges(this.s.balance, waiver.kind);
    this.s.balance = balance;
    if (balance.balanceMinor === 0 && !this.closed) this.closeAs('paid');
    await this.postLedger(`waiver/${waiver.kind}`, 'charge_waiver', -waivedMinor,
      `${waiver.kind === 'all' ? 'Interest and late fees' : waiver.kind === 'interest' ? 'Interest' : 'Late fees'} waived by ${waiver.decidedBy} (${waiver.reason}): ${this.format(waivedMinor)}, balance ${this.formatBalance()}`,
      { kind: waiver.kind, decidedBy: waiver.decidedBy });
    this.updateSearchAttributes();
    return this.state();
  }

  // ── settlement offers ─────────────────────────────────────────────────────

  private checkSettlementOffer(offer: SettlementOffer): void {
    if (this.s.settlement?.offerId === offer.offerId) return;
    this.checkOpen();
    this.checkAmount('amount', offer.amount);
    if (this.s.settlement) refuse('offerId', `offer ${this.s.settlement.offerId} is still ${this.s.settlement.status}`);
    const decision = settlementDecision(this.s.balance.balanceMinor, offer.amount.amountMinor, this.policy.settlement);
    if (decision.outcome === 'refused') refuse('amount', decision.reason);
  }

  /** Within the approval limit an offer is open at once until its deadline; above it, it waits for approval. */
  private async proposeSettlement(offer: SettlementOffer): Promise<SettlementAnswer> {
    if (this.s.settlement?.offerId === offer.offerId) return this.settlementAnswer();
    await this.postInterest();
    const decision = settlementDecision(this.s.balance.balanceMinor, offer.amount.amountMinor, this.policy.settlement);
    const bp = discountBasisPoints(this.s.balance.balanceMinor, offer.amount.amountMinor);
    this.s.settlement = {
      offerId: offer.offerId, amountMinor: offer.amount.amountMinor, discountBasisPoints: bp, proposedBy: offer.proposedBy,
      status: 'awaiting_approval', paidAtOfferMinor: this.s.balance.paidMinor,
    };
    this.wake();
    if (decision.outcome === 'accepted') {
      await this.openSettlement(`offered by ${offer.proposedBy}, within the ${this.policy.settlement.approvalLimitPercent} % limit`);
    } else {
      await this.openTask(`settlement/${offer.offerId}/approval`, 'approval', 'management',
        `Approve settlement ${offer.offerId}: ${this.format(offer.amount.amountMinor)} for a balance of ${this.formatBalance()} (${bp / 100} % discount, above the ${this.policy.settlement.approvalLimitPercent} % limit)`,
        { settlement: this.s.settlement });
    }
    return this.settlementAnswer();
  }

  private async openSettlement(how: string): Promise<void> {
    const offer = this.s.settlement;
    if (!offer) return;
    offer.status = 'open';
    offer.deadline = addDays(this.today(), this.policy.settlement.offerValidDays);
    await this.record(`settlement/${offer.offerId}/open`, 'settlement_offered',
      `Settlement ${offer.offerId}: pay ${this.format(offer.amountMinor)} by ${offer.deadline} to settle ${this.formatBalance()} (${offer.discountBasisPoints / 100} % discount), ${how}`,
      { settlement: offer });
    if (patched(LIFECYCLE_V3)) {
      const discount = `${this.format(this.s.balance.balanceMinor - offer.amountMinor)} (${offer.discountBasisPoints / 100} %)`;
      await this.sendLetter(`settlement/${offer.offerId}/letter`, { name: 'settlement-offer', settlement: { discount, amount: this.money(offer.amountMinor), deadline: offer.deadline } },
        `Settlement offer ${offer.offerId} sent to ${this.input.customer.name}`, offer.offerId);
    }
  }

  private settlementAnswer(refused = false): SettlementAnswer {
    const offer = this.s.settlement;
    if (!offer || refused) return { offerId: offer?.offerId ?? '', outcome: 'refused', discountBasisPoints: offer?.discountBasisPoints ?? 0 };
    return { offerId: offer.offerId, outcome: offer.status === 'open' ? 'accepted' : 'awaiting_approval', deadline: offer.deadline, discountBasisPoints: offer.discountBasisPoints };
  }

  private checkSettlementDecision(decision: SettlementDecision): void {
    if (this.s.settlement?.offerId !== decision.offerId || this.s.settlement.status !== 'awaiting_approval') {
      refuse('offerId', `no settlement ${decision.offerId} is waiting for approval`);
    }
  }

  private async decideSettlement(decision: SettlementDecision): Promise<SettlementAnswer> {
    const offer = this.s.settlement;
    if (!offer || offer.offerId !== decision.offerId || offer.status !== 'awaiting_approval') return this.settlementAnswer();
    this.wake();
    if (decision.approved) {
      await this.openSettlement(`approved by ${decision.decidedBy}`);
      return this.settlementAnswer();
    }
    this.s.settlement = null;
    await this.record(`settlement/${offer.offerId}/refused`, 'settlement_refused', `Settlement ${offer.offerId} refused by ${decision.decidedBy}: collection continues`, { settlement: offer });
    return { offerId: offer.offerId, outcome: 'refused', discountBasisPoints: offer.discountBasisPoints };
  }

  /** Paid the agreed amount by the deadline: the rest is discounted (and recorded), the invoice is settled. */
  private async settleIfPaidOff(): Promise<void> {
    const offer = this.s.settlement;
    if (!offer || offer.status !== 'open' || this.s.balance.paidMinor - offer.paidAtOfferMinor < offer.amountMinor) return;
    this.s.settlement = null;
    if (this.s.balance.balanceMinor === 0) return; // paid in full after all
    const { balance, discountMinor } = settleWithDiscount(this.s.balance);
    this.s.balance = balance;
    this.s.settlementDiscountMinor = discountMinor;
    this.closeAs('settled');
    await this.postLedger(`settlement/${offer.offerId}/discount`, 'settlement_discount', -discountMinor,
      `Settled by offer ${offer.offerId}: discount of ${this.format(discountMinor)} recorded`, { settlement: offer });
  }

  /** Unpaid at the deadline: the offer lapses and collection resumes. */
  protected async expireSettlementIfDue(): Promise<void> {
    const offer = this.s.settlement;
    if (!offer?.deadline || Date.now() < this.dateInstant(addDays(offer.deadline, 1))) return;
    this.s.settlement = null;
    await this.record(`settlement/${offer.offerId}/expired`, 'settlement_expired', `Settlement ${offer.offerId} expired unpaid on ${offer.deadline}: collection resumes`, { settlement: offer });
  }

  // ── small balances ────────────────────────────────────────────────────────

  /** Below the policy's minimum for its currency, dunning stops: the remainder is written off or kept without contact. */
  protected async settleSmallBalance(): Promise<void> {
    const { balanceMinor, currency } = this.s.balance;
    const minimum = this.policy.smallBalance.minimumMinor[currency];
    if (this.s.smallBalance === 'kept' && (this.closed || !minimum || balanceMinor >= minimum)) this.s.smallBalance = null;
    if (this.closed || this.s.smallBalance || !minimum || balanceMinor <= 0 || balanceMinor >= minimum || !patched(SMALL_BALANCE)) return;
    const why = `${this.formatBalance()} is below the policy's minimum of ${this.format(minimum)}`;
    if (this.policy.smallBalance.action === 'write_off') {
      this.s.smallBalance = 'written_off';
      this.closeAs('written_off');
      await this.postLedger('small-balance-write-off', 'write_off', -balanceMinor, `Small balance written off: ${why}`, { minimumMinor: minimum });
    } else {
      this.s.smallBalance = 'kept';
      await this.record('small-balance', 'small_balance_kept', `Dunning stopped: ${why}; kept as a receivable without contact`, { minimumMinor: minimum });
    }
    this.updateSearchAttributes();
  }

  // ── bankruptcy and write-off ──────────────────────────────────────────────

  /** A bankruptcy notice stops contact at once (a legal hold) and opens the write-off review now. */
  private async reportBankruptcy(notice: BankruptcyNotice): Promise<InvoiceState> {
    if (this.s.bankruptcy) return this.state();
    this.s.bankruptcy = { reference: notice.reference, reportedAt: new Date().toISOString() };
    this.s.earlyReviewReason = `bankruptcy notice ${notice.reference}`;
    this.s.holds.push({ holdId: 'bankruptcy', kind: 'legal', reason: `bankruptcy ${notice.reference}`, placedAt: new Date().toISOString() });
    this.wake();
    await this.record('bankruptcy', 'bankruptcy_reported', `Bankruptcy notice ${notice.reference} reported by ${notice.reportedBy}: contact stopped, write-off review opens`, { ...notice });
    return this.state();
  }

  private checkWriteOffDecision(decision: WriteOffDecision): void {
    if (this.s.status !== 'write_off_review' || !this.s.reviewOpen) notApplicable(`invoice is ${this.s.status}, not in a write-off review`);
    if (!decision.approved) return;
    if (!decision.role) refuse('role', `an approval must name the approver's role (${this.policy.writeOff.approvalHierarchy.map((a) => a.role).join(', ')})`);
    const refusal = approvalRefusal(decision.role, this.s.balance.balanceMinor, this.s.balance.currency, this.policy.writeOff);
    if (refusal) refuse('role', refusal);
  }

  /**
   * The signal kept for workflows started before the update existed. It takes the update's checks, so
   * no entry point writes off above the approver's limit; a refused decision is recorded, not applied.
   */
  private async receiveWriteOffSignal(decision: WriteOffDecision): Promise<void> {
    if (this.s.status !== 'write_off_review') return;
    if (patched(WRITE_OFF_SIGNAL_CHECKS)) {
      const refusal = refusalOf(() => this.checkWriteOffDecision(decision));
      if (refusal) {
        await this.record(`write-off-signal-refused/${this.s.seq}`, 'write_off_decision_refused',
          `Write-off decision by ${decision.decidedBy}${decision.role ? ` (${decision.role})` : ''} refused: ${refusal}`, { ...decision, refusal });
        return;
      }
    }
    this.writeOffDecision = decision;
  }

  /** Hands the decision to the review and answers once it has been recorded. */
  private async decideWriteOff(decision: WriteOffDecision): Promise<InvoiceState> {
    this.writeOffDecision = decision;
    await condition(() => !this.s.reviewOpen);
    return this.state();
  }

  protected requiredWriteOffApprover(): string | undefined {
    return requiredApprover(this.s.balance.balanceMinor, this.s.balance.currency, this.policy.writeOff);
  }
}
