/**
 * The side effects every concern shares, each through an idempotent activity keyed by the workflow
 * and its cause: a timeline entry, a collector task, a ledger posting. Customer contact has its own
 * path (notices.ts).
 */
import { ActivityCancellationType, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { CollectionsActivities } from '../../activities';
import type { LedgerEntryKind, LedgerPosting } from '../../activities/ledger/activities';
import type { CollectorTaskKind } from '../../activities/tasks/activities';
import { taskPriority } from '../../src/domain/task-priority';
import type { CarriedState } from './definitions';
import type { Invoice } from './invoice';
import { CLOSE_WITH_POSTING } from './patches';

const RETRY_UNTIL_BACK = { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' } as const;

export const activities = proxyActivities<CollectionsActivities>({
  startToCloseTimeout: '1 minute',
  // Side effects are idempotent, so retrying until the database or mail provider is back is safe.
  retry: RETRY_UNTIL_BACK,
});

/**
 * Effects run by the worker inside the workflow task, with the same retries, each a Postgres
 * transaction keyed like the activities above: ledger postings a caller waits on (a payment's
 * answer), and the start's timeline entry (one task for a new invoice instead of three).
 */
export const localActivities = proxyLocalActivities<CollectionsActivities>({
  startToCloseTimeout: '1 minute',
  retry: RETRY_UNTIL_BACK,
});

/** Where an effect runs: an activity task, or a local activity inside the workflow task. */
export type EffectRunner = 'activity' | 'local';

/**
 * Customer contact: one attempt per activity, the workflow owning the retries (customer-contact.ts).
 * Heartbeats let a cancelled workflow stop an attempt, and the workflow waits for it to stop.
 */
export const contactActivities = proxyActivities<CollectionsActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { maximumAttempts: 1 },
});

export class Effects {
  private readonly s: CarriedState;

  constructor(private readonly invoice: Invoice) {
    this.s = invoice.s;
  }

  /** Records a timeline entry (and the read model's row). */
  async record(keySuffix: string, type: string, summary: string, data: Record<string, unknown>, runner: EffectRunner = 'activity'): Promise<void> {
    await (runner === 'local' ? localActivities : activities).recordCollectionEvent.executeWithOptions({ summary }, [this.invoice.event(keySuffix, type, summary, data)]);
  }

  /**
   * Opens a task on the collectors' list, prioritised by balance, age and risk, with what the person
   * needs to act and why it was opened (`rule`, recorded with the policy version and the figures).
   */
  async openTask(key: string, kind: CollectorTaskKind, level: string, title: string, extra: Record<string, unknown>, rule: string): Promise<void> {
    const { input } = this.invoice;
    const age = this.invoice.daysPastDue();
    const why = this.invoice.why(rule);
    const event = this.invoice.event(key.includes('/') ? key : `step/${key}`, `${kind}_task_opened`, title, { stepId: key, kind, level, why });
    await activities.openCollectorTask.executeWithOptions({ summary: title }, [{
      customerId: input.customer.customerId,
      kind,
      level,
      title,
      priority: taskPriority(this.s.balance.balanceMinor, age, input.customer.riskTier),
      context: {
        ...extra,
        invoiceNumber: input.invoice.invoiceNumber,
        balance: this.invoice.money(this.s.balance.balanceMinor),
        daysPastDue: age,
        segment: input.customer.segment,
        riskTier: input.customer.riskTier,
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
      context.charges = { interest: this.invoice.money(this.s.balance.interestMinor), lateFee: this.invoice.money(this.s.balance.lateFeeMinor) };
    }
    return context;
  }

  /** Posts a ledger entry in the invoice's currency. */
  async postLedger(keySuffix: string, kind: LedgerEntryKind, amountMinor: number, summary: string, data: Record<string, unknown> = {}, paymentId?: string,
    runner: EffectRunner = 'activity', carries: Pick<LedgerPosting, 'recordedBefore' | 'closesInvoice'> = {}): Promise<void> {
    const event = this.invoice.event(keySuffix, kind, summary, { ...data, amountMinor });
    const posting: LedgerPosting = { kind, currency: this.s.balance.currency, amountMinor, paymentId, event, ...carries };
    await (runner === 'local' ? localActivities : activities).postLedgerEntry.executeWithOptions({ summary }, [posting]);
  }

  /**
   * What a posting that closes the invoice carries (since CLOSE_WITH_POSTING): the close, for its open
   * tasks. Called after the close, before the posting's await, and marks the tasks as taken care of
   * then: the main loop, seeing the close while the posting runs, must not close them again.
   */
  closingPosting(): Pick<LedgerPosting, 'closesInvoice'> {
    if (!this.invoice.closed || !this.invoice.takes(CLOSE_WITH_POSTING)) return {};
    this.s.openTasksClosed = true;
    return { closesInvoice: this.s.status };
  }
}
