/**
 * customerOutreach: one per customer, the one voice that reaches them. Invoices and payment plans
 * send it requests; it waits for the contact policy's window (the minimum gap since the last message,
 * business hours in the customer's zone, no quiet days or public holidays), merges every dunning
 * request that arrived meanwhile into one message listing each invoice at the tone of the most
 * severe, sends it, and tells each requester how it went. Letters (a settlement's terms, a hand-off)
 * go alone, inside business hours, without waiting out the gap.
 *
 * The contact rule holds here too: at send time the message's activity re-checks every invoice under
 * its row lock and drops the ones paid, cancelled, held or paused since they asked (a message left
 * with nothing is not sent); a requester that stops wanting its message withdraws it.
 */
import {
  ActivityCancellationType, allHandlersFinished, ApplicationFailure, condition, continueAsNew, getExternalWorkflowHandle, patched, proxyActivities, setHandler,
  sleep, workflowInfo, type SignalDefinition,
} from '@temporalio/workflow';
import type { CollectionsActivities } from '../../activities';
import type { MessageAttempt } from '../../activities/outreach/activities';
import { DAY_MS } from '../../src/domain/calendar';
import { nextOpening, type ContactCalendar } from '../../src/domain/contact-calendar';
import { MERGE_WITH_COMPANY, OUTREACH_CALENDAR } from './patches';
import { attemptUntilStopped } from '../invoice-collection/customer-contact';
import {
  communicationTimelineQuery, customerHoursChangedSignal, contactOutcomeSignal, customerHoldSignal, redeliverMessageSignal, requestContactSignal, setDoNotDunSignal, withdrawContactSignal,
  type CommunicationEntry, type ContactOutcome, type ContactRequest, type DoNotDun, type OutreachInput, type OutreachState,
} from './definitions';
import { deliveryProblemSignal, invoiceWorkflowId } from '../invoice-collection/definitions';

const activities = proxyActivities<CollectionsActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * A message: one attempt per activity, the workflow owning the retries (attemptUntilStopped), as the
 * invoice's direct notices do. Every attempt re-checks its invoices under their row locks.
 */
const messageActivities = proxyActivities<CollectionsActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { maximumAttempts: 1 },
});

const TIMELINE_LENGTH = 100;
const REMEMBERED_REQUESTS = 500;

export async function customerOutreach(input: OutreachInput): Promise<void> {
  const outreach = new CustomerOutreach(input);
  outreach.registerHandlers();
  await outreach.run();
}

class CustomerOutreach {
  private readonly s: OutreachState;
  /** Requests carried by the message in flight, with the reason once their requester withdraws them. */
  private inFlight = new Map<string, string | null>();
  /** Bumped when the customer's hours change (not carried: a new run fetches its calendar anyway). */
  private hoursChanged = 0;

  constructor(private readonly input: OutreachInput) {
    this.s = input.carried ?? { pending: [], recentRequestIds: [], lastContactAt: null, messagesSent: 0, timeline: [], continuedAsNew: 0 };
  }

  registerHandlers(): void {
    setHandler(requestContactSignal, async (request) => {
      if (this.s.recentRequestIds.includes(request.requestId)) return;
      this.s.recentRequestIds.push(request.requestId);
      if (this.s.recentRequestIds.length > REMEMBERED_REQUESTS) this.s.recentRequestIds.shift();
      if (this.s.doNotDun) await this.holdBack(request);
      else this.s.pending.push(request);
    });
    setHandler(withdrawContactSignal, async ({ requestId, reason }) => {
      if (this.inFlight.has(requestId)) {
        this.inFlight.set(requestId, reason); // answered when the message's attempts end
        return;
      }
      const request = this.s.pending.find((r) => r.requestId === requestId);
      if (!request) return;
      this.s.pending = this.s.pending.filter((r) => r !== request);
      await tell(request, { requestId, delivery: 'suppressed', reason, withdrawn: true });
    });
    setHandler(setDoNotDunSignal, (flag) => this.setDoNotDun(flag));
    setHandler(redeliverMessageSignal, (redelivery) => {
      const queue = (this.s.redeliveries ??= []);
      if (!queue.some((r) => r.messageKey === redelivery.messageKey)) queue.push(redelivery);
    });
    setHandler(customerHoursChangedSignal, () => {
      // Fetched again before the next message; a wait for the old hours is decided again.
      this.s.calendar = undefined;
      this.hoursChanged += 1;
    });
    setHandler(communicationTimelineQuery, () => this.s.timeline);
  }

  /**
   * While the flag is on, every request is answered at once: its requester learns that contact is
   * held for the whole customer (so it skips what comes due and catches up once when it is lifted)
   * and the request is withdrawn. Lifting it tells every requester held back.
   */
  private async setDoNotDun(flag: DoNotDun): Promise<void> {
    if (flag.on) {
      this.s.doNotDun = { reason: flag.reason, by: flag.by, since: new Date().toISOString() };
      const waiting = this.s.pending;
      this.s.pending = [];
      for (const request of waiting) await this.holdBack(request);
      return;
    }
    if (!this.s.doNotDun) return;
    this.s.doNotDun = null;
    const held = this.s.heldRequesters ?? [];
    this.s.heldRequesters = [];
    for (const requester of held) await signalRequester(requester, customerHoldSignal, { hold: null });
  }

  private async holdBack(request: ContactRequest): Promise<void> {
    const flag = this.s.doNotDun;
    if (!flag) return;
    const hold = `do not dun (${flag.reason}, set by ${flag.by})`;
    if (!(this.s.heldRequesters ??= []).includes(request.requester)) this.s.heldRequesters.push(request.requester);
    await signalRequester(request.requester, customerHoldSignal, { hold });
    await tell(request, { requestId: request.requestId, delivery: 'suppressed', reason: `contact is held (${hold})`, withdrawn: true });
  }

  async run(): Promise<void> {
    for (;;) {
      await condition(() => this.s.pending.length > 0 || this.redeliveryWaits() || this.historyFull());
      if (this.redeliveryWaits()) await this.redeliverNext();
      else if (this.s.pending.length === 0) return this.continueAsNew();
      else await this.sendNext();
    }
  }

  private redeliveryWaits(): boolean {
    return (this.s.redeliveries?.length ?? 0) > 0;
  }

  /**
   * Delivers a message that did not arrive again on the customer's next channel, inside business
   * hours (the customer never got it, so the gap does not apply); with no channel left, each invoice
   * that still needs it is told, and a collector calls.
   */
  private async redeliverNext(): Promise<void> {
    const redelivery = (this.s.redeliveries ?? [])[0];
    const opensAt = await this.windowOpens(Date.now(), 'contact window for a message delivered again');
    if (opensAt > Date.now()) await sleep(opensAt - Date.now());
    const outcome = await activities.redeliverMessage.executeWithOptions({ summary: `deliver again: ${redelivery.messageKey} (${redelivery.reason})` }, [redelivery]);
    this.s.redeliveries = (this.s.redeliveries ?? []).filter((r) => r !== redelivery);
    if (outcome.channel) this.s.lastContactAt = Date.now();
    this.record({ at: new Date().toISOString(), messageKey: `${redelivery.messageKey}/redelivered`, requestIds: [], template: outcome.channel ?? 'none', outcome: outcome.what });
    for (const call of outcome.calls) {
      await signalRequester(invoiceWorkflowId(call.invoiceId), deliveryProblemSignal, { key: call.key, problem: redelivery.reason });
    }
  }

  private record(entry: CommunicationEntry): void {
    this.s.timeline.push(entry);
    if (this.s.timeline.length > TIMELINE_LENGTH) this.s.timeline.shift();
  }

  /**
   * The first instant at or after `notBefore` inside the customer's hours: read from the calendar,
   * fetched when there is none or it does not reach that far (outreaches before the calendar asked
   * an activity each time).
   */
  private async windowOpens(notBefore: number, summary: string): Promise<number> {
    const { customer } = this.input;
    const rules = this.contactRules();
    if (patched(OUTREACH_CALENDAR)) {
      const known = this.s.calendar ? nextOpening(this.s.calendar, notBefore) : null;
      if (known !== null) return known;
      this.s.calendar = await activities.contactCalendar.executeWithOptions({ summary: `the customer's open hours from ${new Date(notBefore).toISOString()}` }, [{
        customerId: customer.customerId, rules, from: notBefore,
      }]);
      const fetched = nextOpening(this.s.calendar, notBefore);
      if (fetched !== null) return fetched;
      // Months without an open hour: the activity searches the whole year (and fails loudly when the policy closes every day).
    }
    return activities.contactWindowOpens.executeWithOptions({ summary }, [{ customerId: customer.customerId, rules, notBefore }]);
  }

  /** What the contact policy says about the customer's hours. */
  private contactRules() {
    const { contact } = this.input;
    return { businessHours: contact.businessHours, quietWeekdays: contact.quietWeekdays, holidays: contact.holidays, timeZone: contact.timeZone };
  }

  /** Waits for the window of the next message and sends it: the oldest request that goes alone, or every dunning request of one currency merged. */
  private async sendNext(): Promise<void> {
    const alone = this.s.pending.find(goesAlone);
    const { contact } = this.input;
    const mergeMs = alone ? 0 : this.mergeWaitMs();
    const gapMs = contact.minGapDays * DAY_MS;
    // A letter goes inside business hours without waiting out the gap; the rest keep it, and dunning waits a moment to merge.
    const afterGap = (this.s.lastContactAt ?? Number.NEGATIVE_INFINITY) + gapMs;
    const notBefore = alone?.notice.letter ? Date.now() : Math.max(Date.now() + mergeMs, afterGap);
    const hoursSeen = this.hoursChanged;
    const opensAt = await this.windowOpens(notBefore, `contact window from ${new Date(notBefore).toISOString()}`);
    if (opensAt > Date.now()) {
      // A request that goes alone, arriving while merged reminders wait out the gap, does not wait with them; a withdrawal may empty
      // the queue; new hours may open the window sooner.
      const woken = await condition(() => this.s.pending.length === 0 || (!alone && this.s.pending.some(goesAlone)) || this.hoursChanged !== hoursSeen,
        opensAt - Date.now(), { summary: `until ${new Date(opensAt).toISOString()}: next message to the customer` });
      if (woken) return;
    }
    if (alone && !this.s.pending.includes(alone)) return; // withdrawn while it waited: decide again
    const batch = alone ? [alone] : this.mergeable();
    if (batch.length > 0) await this.send(batch, !alone && mergeMs === 0 && this.mergeWindowMs() > 0);
  }

  private mergeWindowMs(): number {
    return (this.input.contact.mergeWindowSeconds ?? 0) * 1_000;
  }

  /**
   * How long dunning waits for other invoices' requests to merge with: the policy's window, unless
   * the customer had no other open invoice when the last message left (or none has left yet). Then
   * nothing waits, and the message's attempt checks that no other invoice has opened since.
   */
  private mergeWaitMs(): number {
    const window = this.mergeWindowMs();
    if (window === 0 || (this.s.othersOpen ?? 0) > 0 || !patched(MERGE_WITH_COMPANY)) return window;
    return 0;
  }

  /** Every dunning request in the currency of the oldest one, the most severe first. */
  private mergeable(): ContactRequest[] {
    const first = this.s.pending.find((r) => !goesAlone(r));
    if (!first) return [];
    const currency = first.notice.invoice.balance.currency;
    return this.s.pending
      .filter((r) => !goesAlone(r) && r.notice.invoice.balance.currency === currency)
      .sort((a, b) => b.severity - a.severity);
  }

  /** Sends one message for `batch`; `unmerged` when it did not wait to merge (its first attempt then checks the customer has no other open invoice). */
  private async send(batch: ContactRequest[], unmerged = false): Promise<void> {
    this.s.pending = this.s.pending.filter((r) => !batch.includes(r));
    for (const r of batch) this.inFlight.set(r.requestId, null);
    this.s.messagesSent += 1;
    // One request keeps its own key (the invoice's notice key), so a message is traceable to its step.
    const messageKey = batch.length === 1 ? batch[0].requestId : `${workflowInfo().workflowId}/message-${this.s.messagesSent}`;
    const [lead] = batch;
    const summary = `${batch.length === 1 ? lead.notice.event.summary : `one message for ${batch.length} invoices (${lead.notice.template})`}`;
    const everyOneWithdrawn = () => (batch.every((r) => this.inFlight.get(r.requestId)) ? 'every request in it was withdrawn' : null);
    const message = { messageKey, purpose: lead.purpose, notices: batch.map((r) => r.notice) };
    // The first attempt checks that the customer's hours still hold (nothing leaves if not); a retry goes as it always has.
    let checkHours = patched(OUTREACH_CALENDAR);
    const attempts = await attemptUntilStopped(async (): Promise<MessageAttempt> => {
      if (!checkHours) return { kind: 'answered', outcomes: await messageActivities.sendCustomerMessage.executeWithOptions({ summary }, [message]) };
      checkHours = false;
      return messageActivities.sendMessageInWindow.executeWithOptions({ summary }, [{
        message, customerId: this.input.customer.customerId, rules: this.contactRules(), at: Date.now(), ...(unmerged ? { alone: true } : {}),
      }]);
    }, everyOneWithdrawn);
    if (attempts.kind === 'done' && attempts.value.kind === 'outside-hours') return this.putBack(batch, attempts.value.calendar);
    if (attempts.kind === 'done' && attempts.value.kind === 'company') {
      this.s.othersOpen = attempts.value.othersOpen;
      return this.putBack(batch);
    }
    if (attempts.kind === 'done' && attempts.value.kind === 'answered' && attempts.value.othersOpen !== undefined) this.s.othersOpen = attempts.value.othersOpen;
    const outcomes: ContactOutcome[] = batch.map((request) => {
      const requestId = request.requestId;
      switch (attempts.kind) {
        case 'done': {
          const found = attempts.value.kind === 'answered' ? attempts.value.outcomes.find((o) => o.key === requestId) : undefined;
          return { requestId, delivery: found?.delivery ?? 'suppressed', ...(found?.reason ? { reason: found.reason } : {}) };
        }
        case 'stopped':
          return { requestId, delivery: 'suppressed', reason: this.inFlight.get(requestId) ?? attempts.reason, withdrawn: true };
        case 'expired':
          return { requestId, delivery: 'expired' };
        case 'rejected':
          return { requestId, delivery: 'rejected', reason: attempts.reason };
      }
    });
    this.inFlight.clear();
    const reached = outcomes.some((o) => o.delivery === 'sent' || o.delivery === 'outbox');
    if (reached) this.s.lastContactAt = Date.now();
    this.record({
      at: new Date().toISOString(), messageKey, requestIds: batch.map((r) => r.requestId), template: lead.notice.template,
      outcome: outcomes.map((o) => o.delivery).join(', '),
    });
    for (const [index, request] of batch.entries()) await tell(request, outcomes[index]);
  }

  /**
   * A message that sent nothing: it found the customer's hours moved (their zone or country was
   * corrected: the new calendar comes with it) or another invoice open to merge with. Its requests
   * wait again, first in line; any withdrawn meanwhile is answered now.
   */
  private async putBack(batch: ContactRequest[], calendar?: ContactCalendar): Promise<void> {
    if (calendar) this.s.calendar = calendar;
    this.s.messagesSent -= 1;
    const withdrawn = batch.filter((r) => this.inFlight.get(r.requestId));
    const reasons = new Map(withdrawn.map((r) => [r.requestId, this.inFlight.get(r.requestId) as string]));
    this.inFlight.clear();
    this.s.pending = [...batch.filter((r) => !reasons.has(r.requestId)), ...this.s.pending];
    for (const request of withdrawn) {
      await tell(request, { requestId: request.requestId, delivery: 'suppressed', reason: reasons.get(request.requestId), withdrawn: true });
    }
  }

  private historyFull(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || (this.input.historyEventLimit !== undefined && info.historyLength >= this.input.historyEventLimit);
  }

  /** Continues as new with nothing pending, carrying the state; requests arriving meanwhile are kept by the server for the new run. */
  private async continueAsNew(): Promise<void> {
    await condition(allHandlersFinished);
    this.s.continuedAsNew += 1;
    await continueAsNew<typeof customerOutreach>({ ...this.input, carried: this.s });
  }
}

/**
 * Letters (a settlement's terms, a hand-off, a plan's agreement) and a plan's reminders go alone, each
 * in its own words; only dunning notices merge.
 */
function goesAlone(request: ContactRequest): boolean {
  return request.purpose !== 'dunning' || request.notice.letter !== undefined;
}

/** Tells a requester how its request went; one that has finished meanwhile no longer needs to know. */
async function tell(request: ContactRequest, outcome: ContactOutcome): Promise<void> {
  await signalRequester(request.requester, contactOutcomeSignal, outcome);
}

async function signalRequester<A>(requester: string, signal: SignalDefinition<[A]>, arg: A): Promise<void> {
  try {
    await getExternalWorkflowHandle(requester).signal(signal, arg);
  } catch (error) {
    // The only way this signal fails: the requester is no longer running (ExternalWorkflowExecutionNotFound).
    if (!(error instanceof ApplicationFailure)) throw error;
  }
}
