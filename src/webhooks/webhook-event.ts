/**
 * What a verified webhook event asks of the engine, whichever provider sent it: one of the invoice
 * workflow's updates (a payment, a reversal, a dispute, a dispute's resolution) with the clues that
 * find its invoice, or nothing (ignored), or a refusal before any invoice is looked at. The
 * providers' mappings (stripe-events.ts, generic-events.ts) build these without I/O.
 */
import type { z } from 'zod';
import type { DisputeInput, DisputeResolution, PaymentInput } from '../domain/invoice-messages';

export const WEBHOOK_PROVIDERS = ['stripe', 'generic'] as const;
/** Who sent an event: Stripe, or any gateway or ERP signing with the shared secret. */
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

/** One way to find the invoice an event is about; `source` says where in the event the value came from. */
export type InvoiceClue =
  | { by: 'invoiceId'; value: string; source: string }
  | { by: 'invoiceNumber'; value: string; source: string }
  /** The invoice a payment recorded under one of these ids belongs to (first id first). */
  | { by: 'payment'; paymentIds: string[] }
  | { by: 'dispute'; disputeId: string };

/** What applying an event means; the clues are tried in order and the first that finds one invoice wins. */
export type WebhookAction =
  | { kind: 'payment'; clues: InvoiceClue[]; input: PaymentInput }
  /** The payment reversed is the one a `payment` clue found, else the first of `paymentIds`. */
  | { kind: 'reversal'; clues: InvoiceClue[]; paymentIds: string[]; reason: string }
  | { kind: 'dispute'; clues: InvoiceClue[]; input: DisputeInput }
  | { kind: 'dispute_resolution'; clues: InvoiceClue[]; input: DisputeResolution }
  /** Nothing to apply (a type the engine does not act on, a zero amount); answered and kept as `ignored`. */
  | { kind: 'ignored'; reason: string }
  /** The event cannot be applied as it is (a partial refund, a field missing); kept as `refused` for review. */
  | { kind: 'refused'; reason: string };

/** A verified event: who sent it, its id and type, its payload as received, and what it asks. */
export interface VerifiedEvent {
  provider: WebhookProvider;
  eventId: string;
  type: string;
  payload: unknown;
  action: WebhookAction;
}

/** Validates a message built from an event with its domain schema: the message, or the refusal naming the field. */
export function checkedMessage<S extends z.ZodType>(schema: S, message: unknown, prefix: string): z.output<S> | { refused: string } {
  const result = schema.safeParse(message);
  if (result.success) return result.data;
  return { refused: result.error.issues.map((issue) => `${[prefix, ...issue.path].join('.')}: ${issue.message}`).join('; ') };
}
