/**
 * Everything that reaches the customer: dunning notices, letters (a settlement's terms, a legal or
 * agency hand-off) and the notice missed during a hold. Only the main loop calls the senders; a
 * handler queues a letter (`sendLetter`) and wakes it. The rule is written out in customer-contact.ts.
 */
import { ApplicationFailure, condition, getExternalWorkflowHandle } from '@temporalio/workflow';
import type { DunningNoticeInput, LetterRequest } from '../../activities/notices/activities';
import { DAY_MS } from '../../src/domain/calendar';
import { finalNoticeOf, mostSevereNotice } from '../../src/domain/contact-resumption';
import type { Money } from '../../src/domain/money';
import type { DunningStep } from '../../src/domain/policy/schema';
import { dunningStepRule } from '../../src/domain/dunning-step-rule';
import type { Charges } from './charges';
import { customerOutreachWorkflowId, requestContactSignal, withdrawContactSignal, type ContactOutcome, type ContactRequest } from '../customer-outreach/definitions';
import { deliverUnlessStopped, type ContactOutcome as DeliveryOutcome } from './customer-contact';
import type { CarriedState, QueuedLetter } from './definitions';
import { activities, contactActivities, type Effects } from './effects';
import type { Invoice } from './invoice';
import { CONTACT_GUARD, CONTACT_RESUMES, FEWER_ACTIONS } from './patches';

export class Notices {
  private readonly s: CarriedState;

  constructor(private readonly invoice: Invoice, private readonly effects: Effects, private readonly charges: Charges) {
    this.s = invoice.s;
  }

  /** Sends a dunning step's notice unless something since its decision stopped it; answers whether it went out. */
  async sendNotice(step: Extract<DunningStep, { action: 'email' }>, key = `step/${step.id}`): Promise<boolean> {
    const summary = `${step.finalNotice ? 'Final notice' : 'Reminder'} "${step.template}" (${step.tone}) for ${this.invoice.format(this.invoice.collectibleMinor())}`;
    const data = { stepId: step.id, template: step.template, tone: step.tone, why: this.invoice.why(dunningStepRule(step)) };
    if (!this.invoice.takes(CONTACT_GUARD)) {
      const event = this.invoice.event(key, 'notice_sent', summary, data);
      await activities.sendDunningNotice.executeWithOptions({ summary }, [{ ...this.noticeBasics(), template: step.template, tone: step.tone, event }]);
      return true;
    }
    const sent = await this.contact('dunning', key, summary, data, { template: step.template, tone: step.tone }, step.offsetDays);
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
  async sendLetter(key: string, letter: LetterRequest, summary: string, offerId?: string): Promise<void> {
    if (this.invoice.takes(CONTACT_GUARD)) {
      this.queuedLetters().push({ key, letter, summary, ...(offerId ? { offerId } : {}) });
      this.invoice.wake();
      return;
    }
    if (this.invoice.contactHold()) return;
    const event = this.invoice.event(key, 'letter_sent', summary, this.letterData({ key, letter, summary, ...(offerId ? { offerId } : {}) }));
    await activities.sendDunningNotice.executeWithOptions({ summary }, [{ ...this.noticeBasics(), template: letter.name, tone: 'neutral', letter, event }]);
  }

  /** Notices skipped while contact was held or stopped: the most severe goes out once contact resumes. */
  missedNotices(): string[] {
    this.s.missedNoticeStepIds ??= [];
    return this.s.missedNoticeStepIds;
  }

  /**
   * Sends the letters handlers queued, from the main loop. While contact is held they wait; once the
   * invoice closes they are suppressed. A hand-off letter waits for the final notice: if it has not
   * gone out, it goes now and the letter follows after the policy's contact gap.
   */
  async sendQueuedLetters(): Promise<void> {
    for (;;) {
      const queue = this.queuedLetters();
      const letter = queue.find((l) => (l.notBefore ?? 0) <= Date.now());
      if (!letter || (this.invoice.contactStopped('letter') && !this.invoice.closed)) return;
      queue.splice(queue.indexOf(letter), 1);
      const data = this.letterData(letter);
      if (letter.offerId && (this.s.settlement?.offerId !== letter.offerId || this.s.settlement.status !== 'open') && !this.invoice.closed) {
        await this.suppressContact(letter.key, letter.summary, data, `settlement offer ${letter.offerId} is no longer open`);
        continue;
      }
      if (isHandOff(letter) && !this.invoice.closed && this.invoice.takes(CONTACT_RESUMES)) {
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
  letterReady(): boolean {
    if (this.invoice.contactStopped('letter')) return false;
    const waitsForFinalNotice = (l: QueuedLetter) => isHandOff(l) && !this.invoice.finalNoticeSent() && this.invoice.contactStopped('dunning') !== null;
    return this.queuedLetters().some((l) => (l.notBefore ?? 0) <= Date.now() && !waitsForFinalNotice(l));
  }

  /** A hand-off letter may go once the final notice went out at least the policy's gap ago; sends the final notice first when it has not. */
  private async finalNoticeBefore(letter: QueuedLetter): Promise<'ready' | 'withheld' | 'wait' | number> {
    const gap = Math.max(1, this.invoice.policy.contact.minGapDays) * DAY_MS;
    if (this.invoice.finalNoticeSent()) {
      const readyAt = (this.s.finalNoticeSentAt ?? 0) + gap;
      return readyAt <= Date.now() ? 'ready' : readyAt;
    }
    const finalNotice = finalNoticeOf(this.invoice.plan);
    if (!finalNotice) {
      await this.suppressContact(letter.key, letter.summary, this.letterData(letter), 'the customer has not been sent a final notice and the policy has none');
      return 'withheld';
    }
    if (this.invoice.contactStopped('dunning')) return 'wait';
    await this.charges.postInterest();
    // Keyed by the timeline's sequence: an attempt stopped in flight is retried under a new key.
    if (await this.sendNotice(finalNotice, `resumed/${finalNotice.id}/${this.s.seq}`)) return Date.now() + gap;
    if (this.invoice.contactStopped('dunning')) return 'wait';
    await this.suppressContact(letter.key, letter.summary, this.letterData(letter), 'the final notice before it could not be delivered');
    return 'withheld';
  }

  /** When contact resumes after a hold, the most severe notice missed meanwhile goes out once (unless a later one already did). */
  async sendMissedNotice(): Promise<void> {
    const missed = this.missedNotices();
    if (missed.length === 0 || this.invoice.contactStopped('dunning')) return;
    const notice = mostSevereNotice(this.invoice.stepsById(missed));
    this.s.missedNoticeStepIds = [];
    if (!notice || (this.s.lastNoticeOffsetDays ?? Number.NEGATIVE_INFINITY) >= notice.offsetDays) return;
    await this.charges.postInterest();
    const sent = await this.sendNotice(notice, `resumed/${notice.id}/${this.s.seq}`);
    if (!sent && this.invoice.contactStopped('dunning')) this.missedNotices().push(notice.id);
  }

  /** A letter's timeline data: its name and why it goes (the hand-off or offer that asked for it). */
  private letterData(letter: QueuedLetter): Record<string, unknown> {
    const rule = letter.offerId ? `settlement offer ${letter.offerId}` : isHandOff(letter) ? `escalation to ${letter.letter.name.replace('-handoff', '')}: hand-off letter` : `letter ${letter.letter.name}`;
    return { letter: letter.letter.name, why: this.invoice.why(rule) };
  }

  private queuedLetters(): QueuedLetter[] {
    this.s.queuedLetters ??= [];
    return this.s.queuedLetters;
  }

  /**
   * Contacts the customer from the main loop: re-checked now (after the caller's last await), watched
   * while in flight, and recorded as suppressed when stopped. Answers whether it was delivered.
   * Invoices started since customer outreach existed ask the customer's outreach workflow, which
   * merges and times the message; older ones send directly.
   */
  private async contact(purpose: 'dunning' | 'letter', key: string, summary: string, data: Record<string, unknown>,
    content: { template: string; tone: string; letter?: LetterRequest }, severity = 0): Promise<boolean> {
    const stoppedNow = this.invoice.contactStopped(purpose);
    if (stoppedNow) {
      await this.suppressContact(key, summary, data, stoppedNow);
      return false;
    }
    const event = this.invoice.event(key, purpose === 'letter' ? 'letter_sent' : 'notice_sent', summary, data);
    const input = { ...this.noticeBasics(), ...content, event };
    const outcome = this.s.viaOutreach ? await this.throughOutreach(purpose, input, severity) : await deliverUnlessStopped(
      () => contactActivities.sendDunningNotice.executeWithOptions({ summary }, [input]),
      () => this.invoice.contactStopped(purpose),
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
        const { customer, invoice } = this.invoice.input;
        await this.suppressContact(key, summary, data, why);
        await this.effects.openTask(`${key}/undelivered`, 'call', 'collector',
          `${summary} ${why}: contact ${customer.name} about invoice #${invoice.invoiceNumber} another way`, { undelivered: key }, `notice undelivered: it ${why}`);
        return false;
      }
    }
  }

  /**
   * Asks the customer's outreach workflow for the message and waits to be told how it went. When
   * contact stops meanwhile (a payment, a hold, a cancel) the request is withdrawn; a message already
   * carrying it answers with what the send found under the invoice's lock.
   */
  private async throughOutreach(purpose: 'dunning' | 'letter', notice: DunningNoticeInput, severity: number): Promise<DeliveryOutcome> {
    const { customer } = this.invoice.input;
    const requestId = notice.event.idempotencyKey;
    this.s.awaitingContact = requestId;
    this.s.contactOutcome = null;
    await this.askOutreach({ requestId, requester: this.invoice.workflowId, purpose, severity, notice });
    const told = () => (this.s.contactOutcome?.requestId === requestId ? this.s.contactOutcome : null);
    let withdrawn: string | null = null;
    while (!told()) {
      await condition(() => told() !== null || (withdrawn === null && this.invoice.contactStopped(purpose) !== null));
      const stopped = this.invoice.contactStopped(purpose);
      if (told() || withdrawn !== null || stopped === null) continue;
      withdrawn = stopped;
      try {
        await getExternalWorkflowHandle(customerOutreachWorkflowId(customer.customerId)).signal(withdrawContactSignal, { requestId, reason: stopped });
      } catch (error) {
        // The outreach is not running (terminated by an operator): no message can carry the request any more.
        if (!(error instanceof ApplicationFailure)) throw error;
        this.s.awaitingContact = null;
        return { kind: 'stopped', reason: stopped };
      }
    }
    const outcome = told() as ContactOutcome;
    this.s.awaitingContact = null;
    this.s.contactOutcome = null;
    return deliveryOutcomeOf(outcome);
  }

  /**
   * Hands a request to the customer's outreach. Once it is known to run, a signal from the workflow
   * does (no activity to bill); the activity signals-with-start, for the first request or when the
   * outreach has gone (an operator ended it).
   */
  private async askOutreach(request: ContactRequest): Promise<void> {
    const { customer } = this.invoice.input;
    if (this.s.outreachRunning && this.invoice.takes(FEWER_ACTIONS)) {
      try {
        await getExternalWorkflowHandle(customerOutreachWorkflowId(customer.customerId)).signal(requestContactSignal, request);
        return;
      } catch (error) {
        if (!(error instanceof ApplicationFailure)) throw error; // not running: started again below
      }
    }
    await activities.requestCustomerContact.executeWithOptions({ summary: `asked the customer's outreach: ${request.notice.event.summary}` }, [{
      outreach: { customer: { customerId: customer.customerId, name: customer.name, email: customer.email }, contact: this.invoice.policy.contact },
      request,
    }]);
    this.s.outreachRunning = true;
  }

  /**
   * A message that left never reached the customer (it bounced, or they complained): a collector
   * contacts them another way. Email to the customer has stopped (their record is marked), so this
   * opens a task and sends nothing; once per message.
   */
  async deliveryFailed({ key, problem }: { key: string; problem: string }): Promise<void> {
    if (this.invoice.closed) return;
    const { customer, invoice } = this.invoice.input;
    const own = `${this.invoice.workflowId}/`;
    await this.effects.openTask(`${key.startsWith(own) ? key.slice(own.length) : key}/delivery-failed`, 'call', 'collector',
      `Email to ${customer.name} about invoice #${invoice.invoiceNumber} did not arrive (${problem}): contact them another way`, { undelivered: key, problem },
      `email undelivered: ${problem}`);
  }

  /** The outreach workflow's answer to the request the main loop waits on (any other is stale). */
  receiveOutcome(outcome: ContactOutcome): void {
    if (outcome.requestId === this.s.awaitingContact) this.s.contactOutcome = outcome;
  }

  private async suppressContact(key: string, summary: string, data: Record<string, unknown>, reason: string): Promise<void> {
    const event = this.invoice.event(key, 'notice_suppressed', `${summary}: not sent, ${reason}`, { ...data, reason });
    await activities.suppressNotice.executeWithOptions({ summary: `suppressed: ${summary}` }, [{ event, reason }]);
  }

  /** Who a notice goes to and what it says about the invoice: the undisputed balance and the charges. */
  private noticeBasics() {
    const { invoice, customer } = this.invoice.input;
    return {
      customer: { customerId: customer.customerId, name: customer.name, email: customer.email },
      invoice: {
        invoiceNumber: invoice.invoiceNumber, amount: invoice.amount, balance: this.invoice.money(this.invoice.collectibleMinor()),
        dueDate: invoice.dueDate, daysPastDue: this.invoice.daysPastDue(), paymentLink: invoice.paymentLink,
      },
      charges: this.chargeLines(),
    };
  }

  /** Late charges as the separate lines a notice shows. */
  private chargeLines(): { label: string; amount: Money }[] {
    const { interestMinor, lateFeeMinor } = this.s.balance;
    return [
      ...(interestMinor > 0 ? [{ label: `Interest (${this.invoice.policy.interest.annualRateBasisPoints / 100} % a year)`, amount: this.invoice.money(interestMinor) }] : []),
      ...(lateFeeMinor > 0 ? [{ label: 'Late fee', amount: this.invoice.money(lateFeeMinor) }] : []),
    ];
  }
}

/** What the outreach told, in the terms of the direct path: a withdrawn request was stopped; the send recorded every other. */
function deliveryOutcomeOf(outcome: ContactOutcome): DeliveryOutcome {
  switch (outcome.delivery) {
    case 'expired':
      return { kind: 'expired' };
    case 'rejected':
      return { kind: 'rejected', reason: outcome.reason ?? 'refused' };
    case 'withheld':
      return { kind: 'rejected', reason: outcome.reason ?? 'the customer asked not to be emailed' };
    case 'suppressed':
      return outcome.withdrawn ? { kind: 'stopped', reason: outcome.reason ?? 'withdrawn' } : { kind: 'delivered', delivery: 'suppressed' };
    default:
      return { kind: 'delivered', delivery: outcome.delivery };
  }
}

function isHandOff(letter: QueuedLetter): boolean {
  return letter.letter.name === 'legal-handoff' || letter.letter.name === 'agency-handoff';
}
