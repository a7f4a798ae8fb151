/**
 * invoiceCollection: one invoice from a few days before its due date until it is paid, settled,
 * written off or cancelled. It sleeps until the next thing its policy snapshot asks for (a dunning
 * step, a promise's deadline, a dispute's SLA, the write-off review), acts, records, and reacts to
 * everything people and systems tell it. A paid invoice stays open for chargebacks and a
 * written-off one for recoveries, for the policy's windows.
 *
 * One state holder (invoice.ts) and one module per concern, each owning its updates' validators
 * and handlers and its due checks: dunning, disputes, promises, holds, payments, settlement offers,
 * charges, escalations, payment plans, write-off. Customer contact goes through notices.ts only; each concern's
 * next wake-up is a pure function in src/domain/collection-timing.ts. This file composes them,
 * registers every handler, and is the main loop: it decides when to sleep, act and continue as new.
 */
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { DAY_MS } from '../../src/domain/calendar';
import { nextWake, reviewDay, reviewDue, type Wake } from '../../src/domain/collection-timing';
import { contactOutcomeSignal, customerHoldSignal } from '../customer-outreach/definitions';
import { Charges } from './charges';
import {
  cancelInvoiceSignal, decideEscalationUpdate, deliveryProblemSignal, decideSettlementUpdate, decideWriteOffUpdate, invoiceStateQuery, joinPlanUpdate, leavePlanUpdate, movePolicyUpdate, openDisputeUpdate,
  placeHoldUpdate, promiseToPayUpdate, proposeSettlementUpdate, recordPaymentUpdate, releaseHoldUpdate, reportBankruptcyUpdate, resolveDisputeUpdate,
  reversePaymentUpdate, waiveChargesUpdate, writeOffDecisionSignal, type InvoiceCollectionInput, type InvoiceOutcome,
} from './definitions';
import { Disputes } from './disputes';
import { Dunning } from './dunning';
import { activities, Effects } from './effects';
import { Escalations } from './escalations';
import { Holds } from './holds';
import { Invoice } from './invoice';
import { Notices } from './notices';
import { CUSTOMER_OUTREACH, LIFECYCLE_V2 } from './patches';
import { Payments } from './payments';
import { Plans } from './plans';
import { Promises } from './promises';
import { Settlements } from './settlement';
import { WriteOff } from './write-off';

/** The workflow entry point. */
export async function invoiceCollection(input: InvoiceCollectionInput): Promise<InvoiceOutcome> {
  const collection = new InvoiceCollection(new Invoice(input));
  collection.registerHandlers();
  return collection.run();
}

class InvoiceCollection {
  private readonly effects: Effects;
  private readonly charges: Charges;
  private readonly notices: Notices;
  private readonly escalations: Escalations;
  private readonly holds: Holds;
  private readonly disputes: Disputes;
  private readonly promises: Promises;
  private readonly settlements: Settlements;
  private readonly payments: Payments;
  private readonly plans: Plans;
  private readonly writeOff: WriteOff;
  private readonly dunning: Dunning;

  constructor(private readonly invoice: Invoice) {
    this.effects = new Effects(invoice);
    this.charges = new Charges(invoice, this.effects);
    this.notices = new Notices(invoice, this.effects, this.charges);
    this.escalations = new Escalations(invoice, this.effects, this.notices);
    this.holds = new Holds(invoice, this.effects);
    this.disputes = new Disputes(invoice, this.effects, this.charges);
    this.promises = new Promises(invoice, this.effects, this.escalations);
    this.settlements = new Settlements(invoice, this.effects, this.charges, this.notices);
    this.payments = new Payments(invoice, this.effects, this.charges, this.settlements, this.promises);
    this.plans = new Plans(invoice, this.effects, this.escalations);
    this.writeOff = new WriteOff(invoice, this.effects, this.notices);
    this.dunning = new Dunning(invoice, this.effects, this.charges, this.notices, this.escalations);
  }

  /**
   * Every query, signal and update of the invoice, registered here and nowhere else: each validator
   * and handler belongs to the concern that owns the message. Handlers change state and wake the
   * main loop (`invoice.wake()`); only the main loop contacts the customer (invoice.ts).
   */
  registerHandlers(): void {
    const { invoice, notices, payments, writeOff, disputes, promises, holds, escalations, charges, settlements, plans, dunning } = this;
    setHandler(invoiceStateQuery, () => invoice.state());
    setHandler(contactOutcomeSignal, (outcome) => notices.receiveOutcome(outcome));
    setHandler(deliveryProblemSignal, (problem) => notices.deliveryFailed(problem));
    setHandler(customerHoldSignal, ({ hold }) => {
      invoice.s.customerHold = hold;
      invoice.wake();
    });
    setHandler(cancelInvoiceSignal, ({ reason }) => {
      if (invoice.closed) return;
      invoice.s.status = 'cancelled';
      invoice.s.cancelReason = reason;
    });
    setHandler(recordPaymentUpdate, (payment) => payments.receive(payment), { validator: (payment) => payments.checkPayment(payment) });
    setHandler(reversePaymentUpdate, (reversal) => payments.reverse(reversal), { validator: (reversal) => payments.checkReversal(reversal) });
    setHandler(writeOffDecisionSignal, (decision) => writeOff.receiveSignal(decision));
    setHandler(decideWriteOffUpdate, (decision) => writeOff.decide(decision), { validator: (decision) => writeOff.checkDecision(decision) });
    setHandler(reportBankruptcyUpdate, (notice) => writeOff.reportBankruptcy(notice), { validator: (_notice) => invoice.checkOpen() });
    setHandler(openDisputeUpdate, (dispute) => disputes.open(dispute), { validator: (dispute) => disputes.checkDispute(dispute) });
    setHandler(resolveDisputeUpdate, (resolution) => disputes.resolve(resolution), { validator: (resolution) => disputes.checkResolution(resolution) });
    setHandler(promiseToPayUpdate, (promise) => promises.make(promise), { validator: (promise) => promises.checkPromise(promise) });
    setHandler(placeHoldUpdate, (hold) => holds.place(hold), { validator: (hold) => holds.checkHold(hold) });
    setHandler(releaseHoldUpdate, (release) => holds.release(release), { validator: (release) => holds.checkRelease(release) });
    setHandler(decideEscalationUpdate, (decision) => escalations.decide(decision), { validator: (decision) => escalations.checkDecision(decision) });
    setHandler(waiveChargesUpdate, (waiver) => charges.waive(waiver), { validator: (_waiver) => invoice.checkOpen() });
    setHandler(proposeSettlementUpdate, (offer) => settlements.propose(offer), { validator: (offer) => settlements.checkOffer(offer) });
    setHandler(decideSettlementUpdate, (decision) => settlements.decide(decision), { validator: (decision) => settlements.checkDecision(decision) });
    setHandler(joinPlanUpdate, (join) => plans.join(join), { validator: (join) => plans.checkJoin(join) });
    setHandler(leavePlanUpdate, (leave) => plans.leave(leave), { validator: (leave) => plans.checkLeave(leave) });
    setHandler(movePolicyUpdate, (move) => dunning.movePolicy(move), { validator: (_move) => invoice.checkOpen() });
  }

  async run(): Promise<InvoiceOutcome> {
    const { invoice } = this;
    if (!invoice.input.carried) {
      invoice.s.viaOutreach = invoice.takes(CUSTOMER_OUTREACH);
      await this.dunning.begin();
    }
    for (;;) {
      await this.dunningUntilReview();
      while (!invoice.closed) await this.writeOffReview();
      await this.notices.sendQueuedLetters(); // letters still queued at the close are recorded as suppressed
      if (invoice.s.status === 'cancelled') await this.effects.record('cancelled', 'invoice_cancelled', `cancelled: ${invoice.s.cancelReason}`, { reason: invoice.s.cancelReason });
      if (!invoice.takes(LIFECYCLE_V2)) break;
      if (!(await this.afterCare())) break;
    }
    await condition(allHandlersFinished);
    invoice.updateSearchAttributes();
    const { balance } = invoice.s;
    return { status: invoice.s.status, balance: invoice.money(balance.balanceMinor), credit: invoice.money(balance.creditMinor) };
  }

  /** Walks the dunning steps until the invoice closes or its write-off review is due. */
  private async dunningUntilReview(): Promise<void> {
    const { invoice } = this;
    while (!invoice.closed && !this.reviewDue()) {
      await this.continueAsNewIfDue();
      await this.settleDueEvents();
      await this.writeOff.settleSmallBalance();
      await this.notices.sendQueuedLetters();
      await this.notices.sendMissedNotice();
      if (invoice.closed || this.reviewDue()) break;
      const due = this.dunning.dueSteps();
      if (due.length > 0 && !invoice.dunningPause()) {
        await this.dunning.performDue(due);
        continue;
      }
      const wake = this.nextWake();
      await this.sleepUntil(wake.at, wake.description);
    }
  }

  /** Deadlines that passed while the workflow slept: promises, settlement offers, seasonal holds, dispute SLAs, the late fee. */
  private async settleDueEvents(): Promise<void> {
    await this.promises.breakIfDue();
    await this.settlements.expireIfDue();
    await this.holds.endDue();
    await this.disputes.escalateBreachedSlas();
    await this.charges.chargeLateFeeIfDue();
  }

  /** The earliest moment something is due: the next step (unless dunning waits), a deadline, or the review (src/domain/collection-timing.ts). */
  private nextWake(): Wake {
    return nextWake(this.invoice.clock(), this.invoice.s, Date.now(), this.dunning.nextStep());
  }

  private reviewDue(): boolean {
    return reviewDue(this.invoice.clock(), this.invoice.s, Date.now());
  }

  /** Waits for the write-off review's day (or not, when it opens early), then holds the review. */
  private async writeOffReview(): Promise<void> {
    const { invoice } = this;
    const early = this.writeOff.opensEarly();
    if (!early) {
      const day = reviewDay(invoice.clock(), invoice.s);
      const at = invoice.dayInstant(day);
      while (!invoice.closed && Date.now() < at) await this.sleepUntil(at, `write-off review, day ${day}`);
      if (invoice.closed) return;
    }
    await this.writeOff.review(early);
  }

  /**
   * A closed invoice's open tasks are closed; a paid or settled one then waits for chargebacks and a
   * written-off one for recoveries. Returns true when a chargeback reopened it.
   */
  private async afterCare(): Promise<boolean> {
    const { invoice } = this;
    const { policy } = invoice;
    if (!invoice.s.openTasksClosed) { // closed by its posting since CLOSE_WITH_POSTING
      await activities.closeOpenTasks.executeWithOptions({ summary: `close open tasks: invoice ${invoice.s.status}` },
        [{ invoiceId: invoice.input.invoice.invoiceId, reason: invoice.s.status }]);
    }
    const status = invoice.s.status;
    const windowDays = status === 'written_off' ? (policy.writeOff.recoverAfterWriteOff ? policy.writeOff.recoveryWindowDays : 0)
      : status === 'paid' || status === 'settled' ? policy.chargebacks.windowDays : 0;
    const until = Date.parse(invoice.s.closedAt ?? new Date().toISOString()) + windowDays * DAY_MS;
    const what = status === 'written_off' ? 'recoveries' : 'chargebacks';
    while (invoice.closed && Date.now() < until) {
      await this.continueAsNewIfDue();
      const seen = invoice.wakeups;
      await condition(() => !invoice.closed || invoice.wakeups !== seen || this.historyFull(), until - Date.now(),
        { summary: `until ${new Date(until).toISOString().slice(0, 10)}: open for ${what}` });
    }
    return !invoice.closed;
  }

  /** Sleeps until `at` (epoch ms) unless the invoice closes, something moves the plan, or the history is full. */
  private async sleepUntil(at: number, description: string): Promise<void> {
    const { invoice } = this;
    const when = new Date(at).toISOString();
    invoice.nextAction = { description, at: when };
    const wait = at - Date.now();
    if (wait <= 0) return;
    const seen = invoice.wakeups;
    await condition(() => invoice.closed || invoice.wakeups !== seen || this.historyFull(), wait, { summary: `until ${when.slice(0, 10)}: ${description}` });
  }

  private historyFull(): boolean {
    const info = workflowInfo();
    const limit = this.invoice.input.historyEventLimit;
    return info.continueAsNewSuggested || (limit !== undefined && info.historyLength >= limit);
  }

  /** Continues as new, carrying the whole state, once the history is large; a signal arriving meanwhile is kept by the server for the new run. */
  private async continueAsNewIfDue(): Promise<void> {
    if (!this.historyFull()) return;
    await condition(allHandlersFinished);
    this.invoice.s.continuedAsNew += 1;
    await continueAsNew<typeof invoiceCollection>({ ...this.invoice.input, carried: this.invoice.s });
  }
}
