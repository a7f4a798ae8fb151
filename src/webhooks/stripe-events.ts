/**
 * Stripe's events in the engine's terms. Amounts are Stripe's integer amounts in the currency's
 * smallest unit (the engine's minor units), currencies Stripe's lower-case ISO codes upper-cased.
 * Each Stripe id becomes the message's id, so a redelivered or repeated event is applied once.
 *
 *   payment_intent.succeeded  a payment of `amount_received`, id pi_…
 *   invoice.paid              a payment of `amount_paid`, id the invoice's PaymentIntent when it names
 *                             one (so the same money reported by both events is one payment), else in_…
 *   charge.refunded           a reversal of the charge's payment (a full refund only)
 *   charge.dispute.created    a dispute (dp_…) of the disputed amount
 *   charge.dispute.closed     its resolution: won (or an inquiry closed) for the company, lost for the customer
 *
 * The invoice is found by `metadata.invoice_id`, then `metadata.invoice_number`, then (invoice.paid)
 * the Stripe invoice's number as an invoice number; a refund or dispute also by the payment recorded
 * under its PaymentIntent or charge, and a dispute's closing by the dispute already opened.
 */
import { z } from 'zod';
import { disputeMessage, disputeResolutionMessage, paymentMessage, reversalMessage, type DisputeInput } from '../domain/invoice-messages';
import { checkedMessage, type InvoiceClue, type WebhookAction } from './webhook-event';

/** The part of a Stripe event the mapping reads. */
export interface StripeEventEnvelope {
  id: string;
  type: string;
  /** Seconds since the epoch. */
  created: number;
  data: { object: unknown };
}

/** The event types the engine applies; any other verified event is kept as `ignored`. */
export const STRIPE_EVENT_TYPES = ['payment_intent.succeeded', 'invoice.paid', 'charge.refunded', 'charge.dispute.created', 'charge.dispute.closed'] as const;

// Only the fields read here, as Stripe sends them across API versions; the rest of an object is kept in the stored payload.
const amount = z.number().int().nonnegative();
const idOrObject = z.union([z.string(), z.object({ id: z.string() })]).nullish().transform((value) => (typeof value === 'string' ? value : value?.id));
const metadata = z.record(z.string(), z.string()).nullish();

const paymentIntentSchema = z.object({ id: z.string(), amount_received: amount, currency: z.string(), metadata, invoice: idOrObject });
const invoiceSchema = z.object({
  id: z.string(), amount_paid: amount, currency: z.string(), number: z.string().nullish(), metadata, payment_intent: idOrObject,
  status_transitions: z.object({ paid_at: z.number().int().nullish() }).nullish(),
});
const chargeSchema = z.object({
  id: z.string(), amount, amount_refunded: amount, refunded: z.boolean(), currency: z.string(), metadata, payment_intent: idOrObject, invoice: idOrObject,
});
const disputeSchema = z.object({
  id: z.string(), amount, currency: z.string(), reason: z.string(), status: z.string(), metadata, charge: idOrObject, payment_intent: idOrObject,
});

/**
 * Stripe's dispute reasons in the engine's dispute categories (which route the dispute to a
 * department). Any other reason (fraudulent, unrecognized, general …) is a charge the customer
 * contests: `duplicate_charge`, which the default policy routes to billing.
 */
const CATEGORY_OF_REASON: Record<string, DisputeInput['category']> = {
  duplicate: 'duplicate_charge',
  product_not_received: 'delivery',
  product_unacceptable: 'quality',
  credit_not_processed: 'pricing',
  subscription_canceled: 'pricing',
};

/** Who resolves a dispute closed by Stripe's decision. */
export const STRIPE_RESOLVER = 'Stripe';

/** What a verified Stripe event asks of the engine. */
export function stripeAction(event: StripeEventEnvelope): WebhookAction {
  switch (event.type) {
    case 'payment_intent.succeeded': return fromObject(paymentIntentSchema, event, (intent) => paymentIntentSucceeded(intent, event));
    case 'invoice.paid': return fromObject(invoiceSchema, event, (invoice) => invoicePaid(invoice, event));
    case 'charge.refunded': return fromObject(chargeSchema, event, chargeRefunded);
    case 'charge.dispute.created': return fromObject(disputeSchema, event, disputeCreated);
    case 'charge.dispute.closed': return fromObject(disputeSchema, event, disputeClosed);
    default: return { kind: 'ignored', reason: `Stripe event type ${event.type} is not one the engine applies` };
  }
}

/** Reads the event's object with `schema`; an object without a field the mapping needs is refused, naming it. */
function fromObject<S extends z.ZodType>(schema: S, event: StripeEventEnvelope, map: (object: z.output<S>) => WebhookAction): WebhookAction {
  const parsed = schema.safeParse(event.data.object);
  if (parsed.success) return map(parsed.data);
  const problems = parsed.error.issues.map((issue) => `${['data.object', ...issue.path].join('.')}: ${issue.message}`);
  return { kind: 'refused', reason: `the ${event.type} event is not as expected: ${problems.join('; ')}` };
}

function metadataClues(values: Record<string, string> | null | undefined): InvoiceClue[] {
  const clues: InvoiceClue[] = [];
  const invoiceId = values?.invoice_id?.trim();
  const invoiceNumber = values?.invoice_number?.trim();
  if (invoiceId) clues.push({ by: 'invoiceId', value: invoiceId, source: 'metadata.invoice_id' });
  if (invoiceNumber) clues.push({ by: 'invoiceNumber', value: invoiceNumber, source: 'metadata.invoice_number' });
  return clues;
}

const defined = (ids: (string | undefined)[]): string[] => ids.filter((id): id is string => Boolean(id));
const instant = (seconds: number) => new Date(seconds * 1000).toISOString();

function payment(clues: InvoiceClue[], paymentId: string, amountMinor: number, currency: string, receivedAt: number): WebhookAction {
  const input = checkedMessage(paymentMessage,
    { paymentId, amount: { amountMinor, currency: currency.toUpperCase() }, receivedAt: instant(receivedAt), method: 'stripe' }, 'payment');
  return 'refused' in input ? { kind: 'refused', reason: input.refused } : { kind: 'payment', clues, input };
}

function paymentIntentSucceeded(intent: z.output<typeof paymentIntentSchema>, event: StripeEventEnvelope): WebhookAction {
  // Older API versions name the Stripe invoice a PaymentIntent pays: its invoice.paid event records the money.
  if (intent.invoice) return { kind: 'ignored', reason: `PaymentIntent ${intent.id} pays Stripe invoice ${intent.invoice}: its invoice.paid event records the payment` };
  if (intent.amount_received === 0) return { kind: 'ignored', reason: `PaymentIntent ${intent.id} received nothing` };
  return payment(metadataClues(intent.metadata), intent.id, intent.amount_received, intent.currency, event.created);
}

function invoicePaid(invoice: z.output<typeof invoiceSchema>, event: StripeEventEnvelope): WebhookAction {
  if (invoice.amount_paid === 0) return { kind: 'ignored', reason: `Stripe invoice ${invoice.id} was settled without a payment (amount_paid is 0)` };
  const clues = metadataClues(invoice.metadata);
  if (invoice.number) clues.push({ by: 'invoiceNumber', value: invoice.number, source: 'the Stripe invoice\'s number' });
  return payment(clues, invoice.payment_intent ?? invoice.id, invoice.amount_paid, invoice.currency, invoice.status_transitions?.paid_at ?? event.created);
}

function chargeRefunded(charge: z.output<typeof chargeSchema>): WebhookAction {
  // A reversal takes back a whole payment: a partial refund needs a person to decide what is owed.
  if (!charge.refunded) {
    return { kind: 'refused', reason: `charge ${charge.id} is partly refunded (${charge.amount_refunded} of ${charge.amount} ${charge.currency.toUpperCase()} minor units): a reversal takes back a whole payment, so a partial refund is left for review` };
  }
  const paymentIds = defined([charge.payment_intent, charge.invoice, charge.id]);
  const input = checkedMessage(reversalMessage, { paymentId: paymentIds[0], reason: `refunded in Stripe (charge ${charge.id})` }, 'reversal');
  if ('refused' in input) return { kind: 'refused', reason: input.refused };
  return { kind: 'reversal', clues: [{ by: 'payment', paymentIds }, ...metadataClues(charge.metadata)], paymentIds, reason: input.reason };
}

function disputeCreated(dispute: z.output<typeof disputeSchema>): WebhookAction {
  const input = checkedMessage(disputeMessage, {
    disputeId: dispute.id, category: CATEGORY_OF_REASON[dispute.reason] ?? 'duplicate_charge',
    amount: { amountMinor: dispute.amount, currency: dispute.currency.toUpperCase() }, reason: `Stripe dispute (${dispute.reason}) of charge ${dispute.charge ?? 'unknown'}`,
  }, 'dispute');
  if ('refused' in input) return { kind: 'refused', reason: input.refused };
  return { kind: 'dispute', clues: [{ by: 'payment', paymentIds: defined([dispute.payment_intent, dispute.charge]) }, ...metadataClues(dispute.metadata)], input };
}

/** Stripe's final dispute statuses, and whom each favours. */
const OUTCOMES: Record<string, 'company' | 'customer'> = { won: 'company', warning_closed: 'company', lost: 'customer' };

function disputeClosed(dispute: z.output<typeof disputeSchema>): WebhookAction {
  const inFavourOf = OUTCOMES[dispute.status];
  if (!inFavourOf) return { kind: 'refused', reason: `dispute ${dispute.id} closed with status ${dispute.status}, which is not an outcome (won, lost or warning_closed)` };
  const input = checkedMessage(disputeResolutionMessage,
    { disputeId: dispute.id, inFavourOf, resolvedBy: STRIPE_RESOLVER, note: `Stripe closed the dispute as ${dispute.status}` }, 'resolution');
  if ('refused' in input) return { kind: 'refused', reason: input.refused };
  const clues: InvoiceClue[] = [{ by: 'dispute', disputeId: dispute.id }, { by: 'payment', paymentIds: defined([dispute.payment_intent, dispute.charge]) }];
  return { kind: 'dispute_resolution', clues: [...clues, ...metadataClues(dispute.metadata)], input };
}
