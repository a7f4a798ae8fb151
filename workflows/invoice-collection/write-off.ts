/**
 * The end of collection without payment: the write-off review (on its day, or early for a
 * bankruptcy or a balance below the agency minimum) that waits for a person's decision within the
 * policy's approval hierarchy, and balances below the policy's minimum, written off or kept without
 * contact.
 */
import { condition } from '@temporalio/workflow';
import { approvalRefusal, requiredApprover } from '../../src/domain/write-off-approval';
import type { BankruptcyNotice, CarriedState, InvoiceState, WriteOffDecision } from './definitions';
import type { Effects } from './effects';
import type { Invoice } from './invoice';
import type { Notices } from './notices';
import { CLOSE_WITH_POSTING, LIFECYCLE_V2, SMALL_BALANCE, WRITE_OFF_SIGNAL_CHECKS } from './patches';
import { notApplicable, refusalOf, refuse } from './refusals';

export class WriteOff {
  private readonly s: CarriedState;
  /** The decision a handler hands to the open review (not carried: a review is open only in one run's main loop). */
  private decision: WriteOffDecision | undefined;

  constructor(private readonly invoice: Invoice, private readonly effects: Effects, private readonly notices: Notices) {
    this.s = invoice.s;
  }


  /** Whether this review opens before its day (a bankruptcy, a balance below the agency minimum). */
  opensEarly(): boolean {
    return this.s.earlyReviewReason !== null && this.s.reviewsOpened === 0;
  }

  /** Opens the review and waits for a person's decision, sending queued letters meanwhile; applies it. */
  async review(early: boolean): Promise<void> {
    const { input, policy } = this.invoice;
    this.s.reviewsOpened += 1;
    this.s.status = 'write_off_review';
    this.s.reviewOpen = true;
    this.decision = undefined;
    this.invoice.nextAction = { description: 'write-off decision', at: new Date().toISOString() };
    const why = early ? ` (${this.s.earlyReviewReason})` : '';
    await this.effects.openTask(`write-off-review-${this.s.reviewsOpened}`, 'write_off_review', 'management',
      `Write-off review: invoice #${input.invoice.invoiceNumber}, ${this.invoice.formatBalance()} at ${this.invoice.daysPastDue()} days${why}`,
      { requiredApprover: requiredApprover(this.s.balance.balanceMinor, this.s.balance.currency, policy.writeOff), approvalHierarchy: policy.writeOff.approvalHierarchy },
      early ? `early write-off review: ${this.s.earlyReviewReason}` : `write-off review at ${policy.writeOff.reviewAfterDays} days`);
    this.invoice.updateSearchAttributes();
    const answered = () => this.invoice.closed || this.decision !== undefined;
    while (!answered()) {
      await condition(() => answered() || this.notices.letterReady());
      await this.notices.sendQueuedLetters();
    }
    // Set by a handler while we waited; TypeScript cannot see that.
    const decision = this.decision as WriteOffDecision | undefined;
    if (this.invoice.closed || !decision) {
      this.s.reviewOpen = false;
      return;
    }
    if (decision.approved) this.invoice.closeAs('written_off');
    else this.s.status = 'in_collection';
    const verdict = decision.approved ? 'approved' : 'declined, collection continues';
    const by = `${decision.decidedBy}${decision.role ? ` (${decision.role})` : ''}`;
    const decisionKey = `write-off-decision-${this.s.reviewsOpened}`;
    const decisionType = decision.approved ? 'written_off' : 'write_off_declined';
    const decisionSummary = `write-off ${verdict} by ${by}${decision.note ? `: ${decision.note}` : ''}`;
    const decisionData = { ...decision, balanceMinor: this.s.balance.balanceMinor };
    const writeOffPosting = [`write-off-${this.s.reviewsOpened}`, 'write_off', -this.s.balance.balanceMinor,
      `Written off: ${this.invoice.formatBalance()} approved by ${by}`, { decidedBy: decision.decidedBy, role: decision.role }] as const;
    if (decision.approved && this.invoice.takes(CLOSE_WITH_POSTING)) {
      // The decision, the posting and the close of the open tasks, in one transaction.
      const recorded = this.invoice.event(decisionKey, decisionType, decisionSummary, decisionData);
      await this.effects.postLedger(...writeOffPosting, undefined, 'activity', { recordedBefore: [recorded], ...this.effects.closingPosting() });
    } else {
      await this.effects.record(decisionKey, decisionType, decisionSummary, decisionData);
      if (decision.approved && this.invoice.takes(LIFECYCLE_V2)) await this.effects.postLedger(...writeOffPosting);
    }
    this.s.reviewOpen = false;
    this.invoice.updateSearchAttributes();
  }

  /** Due check: below the policy's minimum for its currency, dunning stops; the remainder is written off or kept without contact. */
  async settleSmallBalance(): Promise<void> {
    const { balanceMinor, currency } = this.s.balance;
    const { smallBalance } = this.invoice.policy;
    const minimum = smallBalance.minimumMinor[currency];
    const { closed } = this.invoice;
    if (this.s.smallBalance === 'kept' && (closed || !minimum || balanceMinor >= minimum)) this.s.smallBalance = null;
    if (!this.invoice.smallBalanceDue() || !this.invoice.takes(SMALL_BALANCE)) return;
    const why = `${this.invoice.formatBalance()} is below the policy's minimum of ${this.invoice.format(minimum)}`;
    if (smallBalance.action === 'write_off') {
      this.s.smallBalance = 'written_off';
      this.invoice.closeAs('written_off');
      await this.effects.postLedger('small-balance-write-off', 'write_off', -balanceMinor, `Small balance written off: ${why}`, { minimumMinor: minimum },
        undefined, 'activity', this.effects.closingPosting());
    } else {
      this.s.smallBalance = 'kept';
      await this.effects.record('small-balance', 'small_balance_kept', `Dunning stopped: ${why}; kept as a receivable without contact`, { minimumMinor: minimum });
    }
    this.invoice.updateSearchAttributes();
  }

  /** A bankruptcy notice stops contact at once (a legal hold) and opens the write-off review now. */
  async reportBankruptcy(notice: BankruptcyNotice): Promise<InvoiceState> {
    if (this.s.bankruptcy) return this.invoice.state();
    this.s.bankruptcy = { reference: notice.reference, reportedAt: new Date().toISOString() };
    this.s.earlyReviewReason = `bankruptcy notice ${notice.reference}`;
    this.s.holds.push({ holdId: 'bankruptcy', kind: 'legal', reason: `bankruptcy ${notice.reference}`, placedAt: new Date().toISOString() });
    this.invoice.wake();
    await this.effects.record('bankruptcy', 'bankruptcy_reported', `Bankruptcy notice ${notice.reference} reported by ${notice.reportedBy}: contact stopped, write-off review opens`, { ...notice });
    return this.invoice.state();
  }

  checkDecision(decision: WriteOffDecision): void {
    if (this.s.status !== 'write_off_review' || !this.s.reviewOpen) notApplicable(`invoice is ${this.s.status}, not in a write-off review`);
    if (!decision.approved) return;
    const { writeOff } = this.invoice.policy;
    if (!decision.role) refuse('role', `an approval must name the approver's role (${writeOff.approvalHierarchy.map((a) => a.role).join(', ')})`);
    const refusal = approvalRefusal(decision.role, this.s.balance.balanceMinor, this.s.balance.currency, writeOff);
    if (refusal) refuse('role', refusal);
  }

  /**
   * The signal kept for workflows started before the update existed. It takes the update's checks, so
   * no entry point writes off above the approver's limit; a refused decision is recorded, not applied.
   */
  async receiveSignal(decision: WriteOffDecision): Promise<void> {
    if (this.s.status !== 'write_off_review') return;
    if (this.invoice.takes(WRITE_OFF_SIGNAL_CHECKS)) {
      const refusal = refusalOf(() => this.checkDecision(decision));
      if (refusal) {
        await this.effects.record(`write-off-signal-refused/${this.s.seq}`, 'write_off_decision_refused',
          `Write-off decision by ${decision.decidedBy}${decision.role ? ` (${decision.role})` : ''} refused: ${refusal}`, { ...decision, refusal });
        return;
      }
    }
    this.decision = decision;
  }

  /** Hands the decision to the review and answers once it has been recorded. */
  async decide(decision: WriteOffDecision): Promise<InvoiceState> {
    this.decision = decision;
    await condition(() => !this.s.reviewOpen);
    return this.invoice.state();
  }
}
