/**
 * Outbound events: the few state changes other systems subscribe to, read off the collection
 * timeline. Which timeline entry is which outbound event is decided here, once, from the entries the
 * invoice workflow already records, so no workflow code (and no recorded history) changes for them.
 */
import { createHash } from 'node:crypto';
import type { CollectionEvent } from '../../activities/collection-log/collection-event';
import type { Money } from '../domain/money';

/** The outbound event types a subscription may ask for. */
export const OUTBOUND_EVENT_TYPES = ['invoice.paid', 'invoice.escalated', 'invoice.written_off', 'promise.broken'] as const;

export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

/** The escalation levels that are an `invoice.escalated`: the collector's call is the first rung, not an escalation. */
const ESCALATED_LEVELS: readonly string[] = ['sales', 'management', 'legal', 'agency'];

/** The body every delivery of an event carries (the same bytes on every attempt). */
export interface OutboundEventBody {
  id: string;
  type: OutboundEventType;
  occurredAt: string;
  invoiceId: string;
  customerId: string;
  data: Record<string, unknown>;
}

const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/**
 * The outbound event type of a timeline entry, or null for the many that are none:
 * - `invoice.paid`: the payment that brought the balance to zero (a later one on a paid invoice applies nothing and is credit);
 * - `invoice.escalated`: the escalation task opened when the account moves to sales, management, legal
 *   or agency (a dispute past its SLA opens a management task without moving the account, so it is not one);
 * - `invoice.written_off`: an approved write-off decision, or a balance below the policy's minimum written off
 *   (an approved decision also posts a ledger entry, which is the same write-off and not a second event);
 * - `promise.broken`: a promise to pay past its date and grace without the money.
 */
export function outboundTypeOf(event: CollectionEvent): OutboundEventType | null {
  const data = event.data ?? {};
  switch (event.type) {
    case 'payment_received':
      return event.snapshot.status === 'paid' && number(data.appliedMinor) !== 0 ? 'invoice.paid' : null;
    case 'escalation_task_opened':
      return ESCALATED_LEVELS.includes(String(data.level)) && data.level === event.snapshot.escalationLevel
        && !String(data.stepId ?? '').startsWith('dispute/') ? 'invoice.escalated' : null;
    case 'written_off':
      return 'invoice.written_off';
    case 'write_off':
      return event.idempotencyKey.endsWith('/small-balance-write-off') ? 'invoice.written_off' : null;
    case 'promise_broken':
      return 'promise.broken';
    default:
      return null;
  }
}

/**
 * The event's id: a digest of the timeline entry's idempotency key, so the activity that records the
 * entry may retry any number of times and the receiver still sees one id to deduplicate on.
 */
export function outboundEventId(collectionEventKey: string, type: OutboundEventType): string {
  return `evt_${createHash('sha256').update(`${type}\n${collectionEventKey}`).digest('hex').slice(0, 32)}`;
}

/** What the event says: the invoice's state after it, and what is particular to its type. */
export function outboundEventData(type: OutboundEventType, event: CollectionEvent, currency: string): Record<string, unknown> {
  const money = (amountMinor: number): Money => ({ amountMinor, currency });
  const data = event.data ?? {};
  const { snapshot } = event;
  const state = {
    summary: event.summary,
    status: snapshot.status,
    balance: money(snapshot.balanceMinor),
    escalationLevel: snapshot.escalationLevel,
    daysPastDue: snapshot.daysPastDue,
  };
  switch (type) {
    case 'invoice.paid':
      return { ...state, paymentId: data.paymentId, amount: money(number(data.amountMinor) ?? 0) };
    case 'invoice.escalated':
      return { ...state, level: data.level };
    case 'invoice.written_off': {
      const decided = event.type === 'written_off';
      const amountMinor = decided ? number(data.balanceMinor) : -(number(data.amountMinor) ?? 0);
      return { ...state, reason: decided ? 'approved' : 'small_balance', amount: money(amountMinor ?? snapshot.balanceMinor),
        ...(decided ? { decidedBy: data.decidedBy } : {}) };
    }
    case 'promise.broken': {
      const promise = (data.promise ?? {}) as { promiseId?: string; amountMinor?: number; promisedDate?: string };
      return { ...state, promiseId: promise.promiseId, promisedAmount: money(promise.amountMinor ?? 0), promisedDate: promise.promisedDate, reescalatedTo: data.level };
    }
  }
}
