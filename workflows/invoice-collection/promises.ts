/**
 * Promises to pay: dunning waits until the promised date plus the policy's grace. The promise is
 * kept as soon as the promised amount arrives; past the deadline without it, it is broken and the
 * account re-escalates one level. A newer promise replaces an older one.
 */
import { addDays } from '../../src/domain/calendar';
import { nextLevel } from '../../src/domain/escalation-ladder';
import type { CarriedState, InvoiceState, PromiseInput } from './definitions';
import type { Effects } from './effects';
import type { Escalations } from './escalations';
import type { Invoice } from './invoice';
import { refuse } from './refusals';

export class Promises {
  private readonly s: CarriedState;

  constructor(private readonly invoice: Invoice, private readonly effects: Effects, private readonly escalations: Escalations) {
    this.s = invoice.s;
  }


  checkPromise(promise: PromiseInput): void {
    if (this.s.promise?.promiseId === promise.promiseId) return;
    this.invoice.checkOpen();
    this.invoice.checkAmount('amount', promise.amount);
    if (promise.amount.amountMinor > this.s.balance.balanceMinor) refuse('amount.amountMinor', `must not exceed the balance of ${this.invoice.formatBalance()}`);
    const today = this.invoice.today();
    if (promise.promisedDate < today) refuse('promisedDate', 'must not be in the past');
    const { maxDaysAhead } = this.invoice.policy.promises;
    const latest = addDays(today, maxDaysAhead);
    if (promise.promisedDate > latest) refuse('promisedDate', `must be on or before ${latest} (the policy allows ${maxDaysAhead} days)`);
  }

  /** Dunning waits until the promised date plus grace; a newer promise replaces an older one. */
  async make(input: PromiseInput): Promise<InvoiceState> {
    if (this.s.promise?.promiseId === input.promiseId) return this.invoice.state();
    this.s.promise = {
      promiseId: input.promiseId, amountMinor: input.amount.amountMinor, promisedDate: input.promisedDate,
      paidAtPromiseMinor: this.s.balance.paidMinor, madeAt: new Date().toISOString(),
    };
    this.invoice.wake();
    await this.effects.record(`promise/${input.promiseId}/made`, 'promise_made',
      `Promise to pay ${this.invoice.format(input.amount.amountMinor)} by ${input.promisedDate}${input.takenBy ? ` (taken by ${input.takenBy})` : ''}: dunning waits until ${this.invoice.promiseDeadline()}`,
      { promise: this.s.promise });
    return this.invoice.state();
  }

  /** A promise is kept as soon as the promised amount has arrived (called after every payment). */
  async keepIfPaid(): Promise<void> {
    const promise = this.s.promise;
    if (!promise || this.s.balance.paidMinor - promise.paidAtPromiseMinor < promise.amountMinor) return;
    this.s.promise = null;
    this.invoice.wake();
    await this.effects.record(`promise/${promise.promiseId}/kept`, 'promise_kept', `Promise ${promise.promiseId} kept: balance ${this.invoice.formatBalance()}`, { promise });
  }

  /** Due check: past the promised date plus grace without the money, the promise is broken and the account re-escalates one level. */
  async breakIfDue(): Promise<void> {
    const promise = this.s.promise;
    const deadline = this.invoice.promiseDeadline();
    if (!promise || !deadline || Date.now() < this.invoice.dateInstant(deadline)) return;
    this.s.promise = null;
    const level = nextLevel(this.s.escalation);
    await this.effects.record(`promise/${promise.promiseId}/broken`, 'promise_broken',
      `Promise ${promise.promiseId} to pay ${this.invoice.format(promise.amountMinor)} by ${promise.promisedDate} broken: re-escalating to ${level}`, { promise, level });
    await this.escalations.escalate(level, `promise/${promise.promiseId}/re-escalated`, `broken promise ${promise.promiseId}`, 'promise broken');
  }
}
