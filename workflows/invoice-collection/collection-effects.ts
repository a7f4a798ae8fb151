/**
 * The invoice workflow's side effects, each through an idempotent activity keyed by the workflow
 * and its cause: the timeline, notices, tasks, ledger postings and late charges.
 */
import { ActivityCancellationType, patched, proxyActivities } from '@temporalio/workflow';
import type { CollectionsActivities } from '../../activities';
import type { LedgerEntryKind } from '../../activities/ledger/activities';
import type { LetterRequest } from '../../activities/notices/activities';
import type { CollectorTaskKind } from '../../activities/tasks/activities';
import { higherLevel, type EscalationState } from '../../src/domain/escalation-ladder';
import { addCharge } from '../../src/domain/invoice-balance';
import { interestToPost, lateFeeFor } from '../../src/domain/late-charges';
import type { Money } from '../../src/domain/money';
import type { DunningStep } from '../../src/domain/policy/schema';
import { taskPriority } from '../../src/domain/task-priority';
import { CollectionState } from './collection-state';
import { deliverUnlessStopped } from './customer-contact';
import type { QueuedLetter } from './definitions';
import { CONTACT_GUARD, CONTACT_RESUMES } from './patches';
import { finalNoticeOf, mostSevereNotice } from '../../src/domain/contact-resumption';
import { DAY_MS } from '../../src/domain/calendar';

export const activities = proxyActivities<CollectionsActivities>({
  startToCloseTimeout: '1 minute',
  // Side effects are idempotent, so retrying until the database or mail provider is back is safe.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * Customer contact: one attempt per activity, the workflow owning the retries (customer-contact.ts).
 * Heartbeats let a cancelled workflow stop an attempt, and the workflow waits for it to stop.
 */
const contactActivities = proxyActivities<CollectionsActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { maximumAttempts: 1 },
});

export class CollectionEffects extends CollectionState {
  protected async record(keySuffix: string, type: string, summary: string, data: Record<string, unknown>): Promise<void> {
    await activities.recordCollectionEvent.executeWithOptions({ summary }, [this.event(keySuffix, type, summary, data)]);
  }

  /** Sends a dunning step's notice unless something since its decision stopped it; answers whether it went out. */
  protected async sendNotice(step: Extract<DunningStep, { action: 'email' }>, key = `step/${step.id}`): Promise<boolean> {
    const summary = `${step.finalNotice ? 'Final notice' : 'Reminder'} "${step.template}" (${step.tone}) for ${this.format(this.collectibleMinor())}`;
    if (!patched(CONTACT_GUARD)) {
      const event = this.event(key, 'notice_sent', summary, { stepId: step.id, template: step.template, tone: step.tone });
      await activities.sendDunningNotice.executeWithOptions({ summary }, [{ ...this.noticeBasics(), template: step.template, tone: step.tone, event }]);
      return true;
    }
    const sent = await this.contact('dunning', key, summary, { stepId: step.id, template: step.template, tone: step.tone }, { template: step.template, tone: step.tone });
    if (sent) {
      this.s.lastNoticeOffsetDays = Math.max(this.s.lastNoticeOffsetDays ?? step.offsetDays, step.offsetDays);
      if (step.finalNotice) {
        this.s.finalNoticeSent = true;
        this.s.finalNoticeSentAt = Date.now();
      }
    }
    return sent;
  }

  /**
   * Asks for a letter (a settlement's terms, a legal or agency hand-off). Handlers may call this: the
   * letter is queued and the main loop sends it (see customer-contact.ts). Workflows from before the
   * contact rule send at once unless contact is on hold.
   */
  protected async sendLetter(key: string, letter: LetterRequest, summary: string, offerId?: string): Promise<void> {
    if (patched(CONTACT_GUARD)) {
      this.queuedLetters().push({ key, letter, summary, ...(offerId ? { offerId } : {}) });
      this.wake();
      return;
    }
    if (this.contactHold()) return;
    const event = this.event(key, 'letter_sent', summary, { letter: letter.name });
    await activities.sendDunningNotice.executeWithOptions({ summary }, [{ ...this.noticeBasics(), template: letter.name, tone: 'neutral', letter, event }]);
  }

  protected missedNotices(): string[] {
    this.s.missedNoticeStepIds ??= [];
    return this.s.missedNoticeStepIds;
  }

  /**
   * Sends the letters handlers queued, from the main loop. While contact is held they wait; once the
   * invoice closes they are suppressed. A hand-off letter waits for the final notice: if it has not
   * gone out, it goes now and the letter follows after the policy's contact gap.
   */
  protected async sendQueuedLetters(): Promise<void> {
    for (;;) {
      const queue = this.queuedLetters();
      const letter = queue.find((l) => (l.notBefore ?? 0) <= Date.now());
      if (!letter || (this.contactStopped('letter') && !this.closed)) return;
      queue.splice(queue.indexOf(letter), 1);
      const data = { letter: letter.letter.name };
      if (letter.offerId && (this.s.settlement?.offerId !== letter.offerId || this.s.settlement.status !== 'open') && !this.closed) {
        await this.suppressContact(letter.key, letter.summary, data, `settlement offer ${letter.offerId} is no longer open`);
        continue;
      }
      if (isHandOff(letter) && !this.closed && patched(CONTACT_RESUMES)) {
        const wait = await this.finalNoticeBefore(letter);
        if (wait === 'withheld') continue;
        if (wait === 'wait') {
          queue.push(letter);
          return;
        }
        if (wait !== 'ready') {
          queue.push({ ...letter, notBefore: wait });
          continue;
        }
      }
      await this.contact('letter', letter.key, letter.summary, data, { template: letter.letter.name, tone: 'neutral', letter: letter.letter });
    }
  }

  /** Whether a queued letter could go now (the review's wait wakes for it). */
  protected letterReady(): boolean {
    if (this.contactStopped('letter')) return false;
    const waitsForFinalNotice = (l: QueuedLetter) => isHandOff(l) && !this.finalNoticeSent() && this.contactStopped('dunning') !== null;
    return this.queuedLetters().some((l) => (l.notBefore ?? 0) <= Date.now() && !waitsForFinalNotice(l));
  }

  /** A hand-off letter may go once the final notice went out at least the policy's gap ago; sends the final notice first when it has not. */
  private async finalNoticeBefore(letter: QueuedLetter): Promise<'ready' | 'withheld' | 'wait' | number> {
    const gap = Math.max(1, this.policy.contact.minGapDays) * DAY_MS;
    if (this.finalNoticeSent()) {
      const readyAt = (this.s.finalNoticeSentAt ?? 0) + gap;
      return readyAt <= Date.now() ? 'ready' : readyAt;
    }
    const finalNotice = finalNoticeOf(this.plan);
    if (!finalNotice) {
      await this.suppressContact(letter.key, letter.summary, { letter: letter.letter.name }, 'the customer has not been sent a final notice and the policy has none');
      return 'withheld';
    }
    if (this.contactStopped('dunning')) return 'wait';
    await this.postInterest();
    // Keyed by the timeline's sequence: an attempt stopped in flight is retried under a new key.
    if (await this.sendNotice(finalNotice, `resumed/${finalNotice.id}/${this.s.seq}`)) return Date.now() + gap;
    if (this.contactStopped('dunning')) return 'wait';
    await this.suppressContact(letter.key, letter.summary, { letter: letter.letter.name }, 'the final notice before it could not be delivered');
    return 'withheld';
  }

  /** When contact resumes after a hold, the most severe notice missed meanwhile goes out once (unless a later one already did). */
  protected async sendMissedNotice(): Promise<void> {
    const missed = this.missedNotices();
    if (missed.length === 0 || this.contactStopped('dunning')) return;
    const notice = mostSevereNotice(this.stepsById(missed));
    this.s.missedNoticeStepIds = [];
    if (!notice || (this.s.lastNoticeOffsetDays ?? Number.NEGATIVE_INFINITY) >= notice.offsetDays) return;
    await this.postInterest();
    const sent = await this.sendNotice(notice, `resumed/${notice.id}/${this.s.seq}`);
    if (!sent && this.contactStopped('dunning')) this.missedNotices().push(notice.id);
  }

  protected queuedLetters(): QueuedLetter[] {
    this.s.queuedLetters ??= [];
    return this.s.queuedLetters;
  }

  /**
   * Contacts the customer from the main loop: re-checked now (after the caller's last await), watched
   * while in flight, and recorded as suppressed when stopped. Answers whether it was delivered.
   */
  protected async contact(purpose: 'dunning' | 'letter', key: string, summary: string, data: Record<string, unknown>,
    content: { template: string; tone: string; letter?: LetterRequest }): Promise<boolean> {
    const stoppedNow = this.contactStopped(purpose);
    if (stoppedNow) {
      await this.suppressContact(key, summary, data, stoppedNow);
      return false;
    }
    const event = this.event(key, purpose === 'letter' ? 'letter_sent' : 'notice_sent', summary, data);
    const input = { ...this.noticeBasics(), ...content, event };
    const outcome = await deliverUnlessStopped(
      () => contactActivities.sendDunningNotice.executeWithOptions({ summary }, [input]),
      () => this.contactStopped(purpose),
    );
    switch (outcome.kind) {
      case 'delivered':
        return outcome.delivery !== 'suppressed';
      case 'stopped':
        await this.suppressContact(key, summary, data, outcome.reason);
        return false;
      case 'expired':
      case 'rejected': {
        const why = outcome.kind === 'expired' ? "could not be delivered within the mail provider's 24-hour idempotency window" : `was refused by the mail provider (${outcome.reason})`;
        await this.suppressContact(key, summary, data, why);
        await this.openTask(`${key}/undelivered`, 'call', 'collector',
          `${summary} ${why}: contact ${this.input.customer.name} about invoice #${this.input.invoice.invoiceNumber} another way`, { undelivered: key });
        return false;
      }
    }
  }

  private async suppressContact(key: string, summary: string, data: Record<string, unknown>, reason: string): Promise<void> {
    const event = this.event(key, 'notice_suppressed', `${summary}: not sent, ${reason}`, { ...data, reason });
    await activities.suppressNotice.executeWithOptions({ summary: `suppressed: ${summary}` }, [{ event, reason }]);
  }

  /** Who a notice goes to and what it says about the invoice: the undisputed balance and the charges. */
  private noticeBasics() {
    const { invoice, customer } = this.input;
    return {
      customer: { customerId: customer.customerId, name: customer.name, email: customer.email },
      invoice: {
        invoiceNumber: invoice.invoiceNumber, amount: invoice.amount, balance: this.money(this.collectibleMinor()),
        dueDate: invoice.dueDate, daysPastDue: this.daysPastDue(), paymentLink: invoice.paymentLink,
      },
      charges: this.chargeLines(),
    };
  }

  /** Late charges as the separate lines a notice shows. */
  private chargeLines(): { label: string; amount: Money }[] {
    const { interestMinor, lateFeeMinor } = this.s.balance;
    return [
      ...(interestMinor > 0 ? [{ label: `Interest (${this.policy.interest.annualRateBasisPoints / 100} % a year)`, amount: this.money(interestMinor) }] : []),
      ...(lateFeeMinor > 0 ? [{ label: 'Late fee', amount: this.money(lateFeeMinor) }] : []),
    ];
  }

  protected async openTask(key: string, kind: CollectorTaskKind, level: string, title: string, extra: Record<string, unknown>): Promise<void> {
    const age = this.daysPastDue();
    const event = this.event(key.includes('/') ? key : `step/${key}`, `${kind}_task_opened`, title, { stepId: key, kind, level });
    await activities.openCollectorTask.executeWithOptions({ summary: title }, [{
      customerId: this.input.customer.customerId,
      kind,
      level,
      title,
      priority: taskPriority(this.s.balance.balanceMinor, age, this.input.customer.riskTier),
      context: {
        ...extra,
        invoiceNumber: this.input.invoice.invoiceNumber,
        balance: this.money(this.s.balance.balanceMinor),
        daysPastDue: age,
        segment: this.input.customer.segment,
        riskTier: this.input.customer.riskTier,
        recentHistory: this.s.timeline.slice(-10),
        ...this.accountContext(),
      },
      event,
    }]);
  }

  /** What a person picking up a task needs beyond the balance: disputes, promises, holds, charges. */
  private accountContext(): Record<string, unknown> {
    const context: Record<string, unknown> = {};
    if (this.s.disputes.length > 0) context.disputes = this.s.disputes;
    if (this.s.promise) context.promise = this.s.promise;
    if (this.s.holds.length > 0) context.holds = this.s.holds;
    if (this.s.balance.interestMinor + this.s.balance.lateFeeMinor > 0) {
      context.charges = { interest: this.money(this.s.balance.interestMinor), lateFee: this.money(this.s.balance.lateFeeMinor) };
    }
    return context;
  }

  protected escalateTo(level: EscalationState): void {
    this.s.escalation = higherLevel(this.s.escalation, level);
  }

  protected async postLedger(keySuffix: string, kind: LedgerEntryKind, amountMinor: number, summary: string, data: Record<string, unknown> = {}, paymentId?: string): Promise<void> {
    const event = this.event(keySuffix, kind, summary, { ...data, amountMinor });
    await activities.postLedgerEntry.executeWithOptions({ summary }, [{ kind, currency: this.s.balance.currency, amountMinor, paymentId, event }]);
  }

  /** Posts the interest accrued since the last posting (see src/domain/late-charges for the rounding rule). */
  protected async postInterest(): Promise<void> {
    const terms = this.policy.interest;
    if (!terms.enabled || this.s.waived.interest || this.closed) return;
    const toDay = this.daysPastDue();
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
    await this.postLedger(`interest/day-${toDay}`, 'interest', amount,
      `Interest of ${this.format(amount)} for days ${Math.max(fromDay, terms.graceDays)}–${toDay} at ${terms.annualRateBasisPoints / 100} % a year: balance ${this.formatBalance()}`,
      { fromDay, toDay, annualRateBasisPoints: terms.annualRateBasisPoints });
  }

  /** Charges the policy's one-off late fee once, on its day. */
  protected async chargeLateFee(): Promise<void> {
    const terms = this.policy.lateFee;
    if (this.s.lateFeeCharged || this.s.waived.lateFee || this.closed || terms.percentBasisPoints === 0 || this.daysPastDue() < terms.afterDays) return;
    this.s.lateFeeCharged = true;
    const amount = lateFeeFor(this.s.balance.principalMinor, terms);
    if (amount === 0) return;
    this.s.balance = addCharge(this.s.balance, 'late_fee', amount);
    await this.postLedger('late-fee', 'late_fee', amount,
      `Late fee of ${this.format(amount)} (${terms.percentBasisPoints / 100} % of ${this.format(this.s.balance.principalMinor)}) at ${terms.afterDays} days: balance ${this.formatBalance()}`);
  }
}

function isHandOff(letter: QueuedLetter): boolean {
  return letter.letter.name === 'legal-handoff' || letter.letter.name === 'agency-handoff';
}
