/**
 * Everything callers need to address a customer's outreach workflow: one per customer, the only
 * path by which an invoice or a payment plan reaches the customer. Requests that fall in one window
 * are merged into one message; the contact policy (minimum gap, business hours in the customer's
 * zone, quiet days and public holidays) decides when the window opens.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DunningNoticeInput, NoticeDelivery } from '../../activities/notices/activities';
import type { ContactCalendar } from '../../src/domain/contact-calendar';
import type { CollectionsPolicy } from '../../src/domain/policy/schema';

/** The outreach workflow of a customer: one per customer, derived from its id. */
export function customerOutreachWorkflowId(customerId: string): string {
  return `customer-${customerId}`;
}

/** Who is contacted, and the contact policy of the policy that asked (the customer's zone and country are read at send time). */
export interface OutreachInput {
  customer: { customerId: string; name: string; email?: string };
  contact: CollectionsPolicy['contact'];
  /** The state carried over by continue-as-new; absent on a first start. */
  carried?: OutreachState;
  /** Continue as new after this many history events (default: when the server suggests it). */
  historyEventLimit?: number;
}

/** Why the customer is contacted: a dunning notice, a letter about one invoice, or a payment plan's message. */
export type ContactPurpose = 'dunning' | 'letter' | 'plan';

/** One thing an invoice or a plan asks to tell the customer. */
export interface ContactRequest {
  /** Stable idempotency key: the requester's event key. */
  requestId: string;
  /** The workflow told how it went (`contactOutcomeSignal`). */
  requester: string;
  purpose: ContactPurpose;
  /** Among requests merged into one message, the most severe sets the template and tone. */
  severity: number;
  /** What the message says about this invoice, and the event recorded with it. */
  notice: DunningNoticeInput;
}

/** How a request ended: delivered (or kept in the outbox), suppressed with the reason, or refused by the provider. */
export interface ContactOutcome {
  requestId: string;
  delivery: NoticeDelivery | 'rejected';
  reason?: string;
  /** Taken back by the requester before any message carried it: nothing was recorded for it. */
  withdrawn?: boolean;
}

/** The requester takes a request back (it was paid, held, cancelled …); answered at once unless a message carrying it is in flight. */
export interface ContactWithdrawal {
  requestId: string;
  reason: string;
}

/** One message the customer was sent (or that was withheld), for the account's communication timeline. */
export interface CommunicationEntry {
  at: string;
  messageKey: string;
  requestIds: string[];
  template: string;
  outcome: string;
}

/** The customer-level "do not dun" flag: while it is on, no invoice of the customer contacts them. */
export interface DoNotDun {
  on: boolean;
  reason: string;
  by: string;
}

/** Told to every requester while the flag is on (the reason) and when it is lifted (null). */
export interface CustomerHold {
  hold: string | null;
}

/** A message that did not arrive (bounced, or marked as spam): to be delivered again on the customer's next channel. */
export interface Redelivery {
  messageKey: string;
  reason: string;
}

/** What the outreach workflow carries across continue-as-new. */
export interface OutreachState {
  /** Messages to deliver again on the next channel, oldest first. */
  redeliveries?: Redelivery[];
  /** Why the customer is not to be dunned, while the flag is on. */
  doNotDun?: { reason: string; by: string; since: string } | null;
  /** Requesters told of the flag, to be told when it is lifted. */
  heldRequesters?: string[];
  pending: ContactRequest[];
  /** Requests already taken (pending, sent or withdrawn), newest last: a repeated signal is ignored. */
  recentRequestIds: string[];
  /** The customer's open hours as last fetched; messages are timed by it until it runs out or a send finds it stale. */
  calendar?: ContactCalendar;
  /** The customer's other open invoices as the last message found them (unknown before the first): with none, dunning does not wait to merge. */
  othersOpen?: number;
  /** Epoch ms of the last message that reached the customer: the minimum gap counts from it. */
  lastContactAt: number | null;
  messagesSent: number;
  timeline: CommunicationEntry[];
  continuedAsNew: number;
}

/** What changed in the customer's record that decides their hours. */
export interface CustomerHoursChange {
  timeZone?: string;
  country?: string;
}

export const requestContactSignal = defineSignal<[ContactRequest]>('requestContact');
export const withdrawContactSignal = defineSignal<[ContactWithdrawal]>('withdrawContact');
/** Sent back to the requester; invoice and plan workflows register a handler for it. */
export const contactOutcomeSignal = defineSignal<[ContactOutcome]>('contactOutcome');
/** Sets or lifts the customer's "do not dun" flag (signal-with-start from the API, so it applies before any request). */
export const setDoNotDunSignal = defineSignal<[DoNotDun]>('setDoNotDun');
/** Sent to invoice workflows: contact is held for the whole customer, or no longer. */
export const customerHoldSignal = defineSignal<[CustomerHold]>('customerHold');
/** From the delivery webhook: a message did not arrive; deliver it again on the next channel, or have a collector call. */
export const redeliverMessageSignal = defineSignal<[Redelivery]>('redeliverMessage');
/**
 * From registration: the customer's time zone or country changed, so the open hours the outreach
 * fetched are stale. It fetches them again before the next message.
 */
export const customerHoursChangedSignal = defineSignal<[CustomerHoursChange]>('customerHoursChanged');
export const communicationTimelineQuery = defineQuery<CommunicationEntry[]>('communicationTimeline');
