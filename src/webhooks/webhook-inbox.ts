/**
 * The webhook inbox: a verified event is stored in Postgres before anything is applied, then matched
 * to its invoice and applied as the invoice workflow's update, and its outcome recorded with the
 * answer the sender got. An event seen before gets that answer again and changes nothing; one whose
 * applying failed (Temporal unreachable) is applied again when the sender redelivers it. Every update
 * is idempotent by its own id (payment, dispute), so even two deliveries at once apply it once.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Logger } from '../logger';
import { recordPayment } from '../invoices/payments';
import { ConflictError, InvalidFieldError, NotFoundError } from '../invoices/invoice-errors';
import {
  invoiceWorkflowId, openDisputeUpdate, resolveDisputeUpdate, reversePaymentUpdate, type InvoiceState,
} from '../../workflows/invoice-collection/definitions';
import { fieldRefusalOf } from '../../workflows/invoice-collection/refusals';
import type { InvoiceClue, VerifiedEvent, WebhookAction, WebhookProvider } from './webhook-event';

export interface InboxDependencies {
  db: Pool;
  client: Client;
  log: Logger;
}

/** What became of an event: `received` while it is being applied. */
export type EventStatus = 'received' | 'applied' | 'unmatched' | 'refused' | 'ignored' | 'failed';

/** Settled events are answered again as they were; the others are applied again on a redelivery. */
const SETTLED: readonly EventStatus[] = ['applied', 'unmatched', 'refused', 'ignored'];

/** What the sender is told about an event. */
export interface EventAnswer {
  provider: WebhookProvider;
  eventId: string;
  type: string;
  status: Exclude<EventStatus, 'received'>;
  invoiceId?: string;
  reason?: string;
  /** The invoice after the update: balance and status (a payment's answer in full). */
  result?: unknown;
  /** True when the event had been received before and this is the stored answer. */
  duplicate?: boolean;
}

/** Stores the event (or finds it stored), applies it unless it was settled before, and answers what became of it. */
export async function receiveEvent(deps: InboxDependencies, event: VerifiedEvent): Promise<EventAnswer> {
  const stored = await deps.db.query<{ status: EventStatus; answer: EventAnswer | null }>(
    `INSERT INTO webhook_events (provider, event_id, type, payload) VALUES ($1, $2, $3, $4)
     ON CONFLICT (provider, event_id) DO UPDATE SET attempts = webhook_events.attempts
     RETURNING status, answer`,
    [event.provider, event.eventId, event.type, JSON.stringify(event.payload)]);
  const { status, answer: previous } = stored.rows[0];
  if (SETTLED.includes(status) && previous) return { ...previous, duplicate: true };

  const answer = await apply(deps, event);
  await deps.db.query(
    `UPDATE webhook_events SET status = $3, reason = $4, invoice_id = $5, answer = $6, attempts = attempts + 1, updated_at = now()
     WHERE provider = $1 AND event_id = $2`,
    [event.provider, event.eventId, answer.status, answer.reason ?? null, answer.invoiceId ?? null, JSON.stringify(answer)]);
  // Ids, type and outcome only: payloads carry customers' names and card details.
  deps.log.info({ provider: event.provider, eventId: event.eventId, type: event.type, status: answer.status, invoiceId: answer.invoiceId }, 'webhook event');
  return answer;
}

async function apply(deps: InboxDependencies, event: VerifiedEvent): Promise<EventAnswer> {
  const base = { provider: event.provider, eventId: event.eventId, type: event.type };
  const { action } = event;
  if (action.kind === 'ignored' || action.kind === 'refused') return { ...base, status: action.kind, reason: action.reason };
  const match = await matchInvoice(deps.db, action.clues);
  if ('reason' in match) return { ...base, status: 'unmatched', reason: match.reason };
  const { invoiceId } = match;
  try {
    return { ...base, status: 'applied', invoiceId, result: await runUpdate(deps, action, invoiceId, match.paymentId) };
  } catch (error) {
    const refusal = await refusalOf(deps.db, error, invoiceId);
    if (refusal) return { ...base, status: 'refused', invoiceId, reason: refusal };
    deps.log.error({ provider: event.provider, eventId: event.eventId, err: { name: (error as Error)?.name, message: (error as Error)?.message } },
      'webhook event could not be applied');
    return { ...base, status: 'failed', invoiceId, reason: 'the invoice\'s workflow could not be reached; the event is applied when it is delivered again' };
  }
}

type Applicable = Exclude<WebhookAction, { kind: 'ignored' | 'refused' }>;

/** The invoice after an update, in short. */
const summary = (state: InvoiceState) => ({ status: state.status, balance: state.balance, collectible: state.collectible });

async function runUpdate(deps: InboxDependencies, action: Applicable, invoiceId: string, matchedPaymentId?: string): Promise<unknown> {
  if (action.kind === 'payment') return recordPayment(deps, invoiceId, action.input);
  const handle = deps.client.workflow.getHandle(invoiceWorkflowId(invoiceId));
  switch (action.kind) {
    case 'reversal':
      return summary(await handle.executeUpdate(reversePaymentUpdate, { args: [{ paymentId: matchedPaymentId ?? action.paymentIds[0], reason: action.reason }] }));
    case 'dispute':
      return summary(await handle.executeUpdate(openDisputeUpdate, { args: [action.input] }));
    case 'dispute_resolution':
      return summary(await handle.executeUpdate(resolveDisputeUpdate, { args: [action.input] }));
  }
}

/** Why the invoice said no, if it did: its workflow's refusal, a conflict with what is recorded, or its collection having ended. */
async function refusalOf(db: Pool, error: unknown, invoiceId: string): Promise<string | undefined> {
  if (error instanceof WorkflowUpdateFailedError) {
    const field = fieldRefusalOf(error.cause);
    return field ? `${field.field}: ${field.reason}` : (error.cause ?? error).message;
  }
  if (error instanceof InvalidFieldError || error instanceof ConflictError || error instanceof NotFoundError) return error.message;
  if (error instanceof WorkflowNotFoundError) {
    const invoice = await db.query<{ status: string }>('SELECT status FROM invoices WHERE invoice_id = $1', [invoiceId]);
    return `invoice ${invoiceId} is ${invoice.rows[0]?.status ?? 'unknown'}; its collection has ended`;
  }
  return undefined;
}

/** The invoice the clues lead to (the first clue that finds exactly one wins), or why none does. */
export async function matchInvoice(db: Pool, clues: InvoiceClue[]): Promise<{ invoiceId: string; paymentId?: string } | { invoiceId?: undefined; reason: string }> {
  const tried: string[] = [];
  for (const clue of clues) {
    switch (clue.by) {
      case 'invoiceId': {
        const found = await db.query<{ invoice_id: string }>('SELECT invoice_id FROM invoices WHERE invoice_id = $1', [clue.value]);
        if (found.rows[0]) return { invoiceId: found.rows[0].invoice_id };
        tried.push(`no invoice ${clue.value} (${clue.source})`);
        break;
      }
      case 'invoiceNumber': {
        const found = await db.query<{ invoice_id: string }>('SELECT invoice_id FROM invoices WHERE invoice_number = $1 ORDER BY invoice_id LIMIT 2', [clue.value]);
        if (found.rows.length === 1) return { invoiceId: found.rows[0].invoice_id };
        tried.push(found.rows.length === 0 ? `no invoice numbered ${clue.value} (${clue.source})` : `more than one invoice numbered ${clue.value} (${clue.source})`);
        break;
      }
      case 'payment': {
        const found = await db.query<{ payment_id: string; invoice_id: string }>(
          'SELECT payment_id, invoice_id FROM payments WHERE payment_id = ANY($1::text[])', [clue.paymentIds]);
        const first = clue.paymentIds.map((id) => found.rows.find((row) => row.payment_id === id)).find((row) => row !== undefined);
        if (first) return { invoiceId: first.invoice_id, paymentId: first.payment_id };
        tried.push(`no payment recorded as ${clue.paymentIds.join(' or ')}`);
        break;
      }
      case 'dispute': {
        const found = await db.query<{ invoice_id: string }>('SELECT DISTINCT invoice_id FROM disputes WHERE dispute_id = $1 ORDER BY invoice_id LIMIT 2', [clue.disputeId]);
        if (found.rows.length === 1) return { invoiceId: found.rows[0].invoice_id };
        tried.push(found.rows.length === 0 ? `no dispute ${clue.disputeId} opened` : `dispute ${clue.disputeId} is open on more than one invoice`);
        break;
      }
    }
  }
  return { reason: tried.length > 0 ? `${tried.join('; ')}: kept for review` : 'the event names no invoice (no metadata.invoice_id or invoice_number): kept for review' };
}

/** One stored event, as the review list shows it. */
export interface StoredEvent {
  provider: WebhookProvider;
  eventId: string;
  type: string;
  status: EventStatus;
  reason: string | null;
  invoiceId: string | null;
  attempts: number;
  receivedAt: Date;
  updatedAt: Date;
  payload: unknown;
}

/** Events in a status, oldest first: the review list. */
export async function listEvents(db: Pool, status: EventStatus, limit: number): Promise<StoredEvent[]> {
  const rows = await db.query<StoredEvent>(
    `SELECT provider, event_id AS "eventId", type, status, reason, invoice_id AS "invoiceId", attempts,
            received_at AS "receivedAt", updated_at AS "updatedAt", payload
     FROM webhook_events WHERE status = $1 ORDER BY received_at, provider, event_id LIMIT $2`,
    [status, limit]);
  return rows.rows;
}
