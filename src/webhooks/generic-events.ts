/**
 * The generic signed webhook, for gateways and ERPs other than Stripe. The sender signs each request
 * with the shared secret (WEBHOOK_SECRET):
 *
 *   Webhook-Id:        the event's id, unique per event (a redelivery keeps it)
 *   Webhook-Timestamp: seconds since the epoch when it was signed
 *   Webhook-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" under the secret>
 *
 * A timestamp more than five minutes from the server's clock is refused, so a captured request
 * cannot be replayed later; within the window, an id seen before changes nothing. The body is one
 * of the invoice workflow's messages with the invoice it is for.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  businessKey, disputeMessage, disputeResolutionMessage, paymentMessage, reversalMessage, singleLine,
} from '../domain/invoice-messages';
import type { InvoiceClue, WebhookAction } from './webhook-event';

/** How far a signature's timestamp may be from the server's clock, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export const GENERIC_HEADERS = { eventId: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' } as const;

/** Who resolves a dispute closed through the generic webhook: the sender, authenticated by the secret. */
export const GENERIC_RESOLVER = 'payment webhook';

/** Where the body names its invoice: its id, or its invoice number. */
const invoiceReference = {
  invoiceId: businessKey.optional(),
  invoiceNumber: singleLine(64).optional(),
};

const TYPES = ['payment', 'reversal', 'dispute', 'dispute_resolution'] as const;

/** The generic webhook's body: one message for one invoice. */
export const genericEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('payment'), ...invoiceReference, ...paymentMessage.shape }).strict(),
  z.object({ type: z.literal('reversal'), ...invoiceReference, ...reversalMessage.shape }).strict(),
  z.object({ type: z.literal('dispute'), ...invoiceReference, ...disputeMessage.shape }).strict(),
  // Who resolved it is the sender, never a field of the body.
  z.object({ type: z.literal('dispute_resolution'), ...invoiceReference, ...disputeResolutionMessage.omit({ resolvedBy: true }).shape }).strict(),
], { error: `must be one of ${TYPES.join(', ')}` }).superRefine((event, context) => {
  if (event.invoiceId === undefined && event.invoiceNumber === undefined) {
    context.addIssue({ code: 'custom', path: ['invoiceId'], message: 'is required (or invoiceNumber): the invoice this event is for' });
  }
});

export type GenericEvent = z.output<typeof genericEventSchema>;

/** What a valid generic event asks of the engine. */
export function genericAction(event: GenericEvent): WebhookAction {
  const clues: InvoiceClue[] = [];
  if (event.invoiceId !== undefined) clues.push({ by: 'invoiceId', value: event.invoiceId, source: 'invoiceId' });
  if (event.invoiceNumber !== undefined) clues.push({ by: 'invoiceNumber', value: event.invoiceNumber, source: 'invoiceNumber' });
  switch (event.type) {
    case 'payment': {
      const { type: _type, invoiceId: _id, invoiceNumber: _number, ...input } = event;
      return { kind: 'payment', clues, input };
    }
    case 'reversal':
      return { kind: 'reversal', clues, paymentIds: [event.paymentId], reason: event.reason };
    case 'dispute': {
      const { type: _type, invoiceId: _id, invoiceNumber: _number, ...input } = event;
      return { kind: 'dispute', clues, input };
    }
    case 'dispute_resolution': {
      const { type: _type, invoiceId: _id, invoiceNumber: _number, ...input } = event;
      return { kind: 'dispute_resolution', clues, input: { ...input, resolvedBy: GENERIC_RESOLVER } };
    }
  }
}

/** A request whose signature headers are missing or malformed (400), or whose signature does not hold (401). */
export class WebhookSignatureError extends Error {
  constructor(readonly status: 400 | 401, readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;
const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** The HMAC-SHA256 a sender puts in Webhook-Signature (without the `sha256=`), hex. */
export function genericSignature(secret: string, timestamp: string, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/**
 * Checks a generic webhook request's headers against the secret and the clock, and answers its event
 * id; throws WebhookSignatureError naming the header otherwise. Several `sha256=` values, comma
 * separated, are accepted (one per secret while a sender rotates it).
 */
export function verifyGenericSignature(secret: string, headers: Record<string, string | string[] | undefined>, rawBody: Buffer,
  nowMs = Date.now()): string {
  const header = (name: string) => {
    const value = headers[name];
    if (value === undefined || value === '') throw new WebhookSignatureError(400, `header.${name}`, 'is required');
    if (Array.isArray(value)) throw new WebhookSignatureError(400, `header.${name}`, 'must be sent once');
    return value.trim();
  };
  const eventId = header(GENERIC_HEADERS.eventId);
  if (!EVENT_ID.test(eventId)) {
    throw new WebhookSignatureError(400, `header.${GENERIC_HEADERS.eventId}`, 'must be 1 to 200 letters, digits, ".", "_", ":" or "-", starting with a letter or digit');
  }
  const timestamp = header(GENERIC_HEADERS.timestamp);
  if (!TIMESTAMP.test(timestamp)) throw new WebhookSignatureError(400, `header.${GENERIC_HEADERS.timestamp}`, 'must be whole seconds since the epoch');
  const signatures = header(GENERIC_HEADERS.signature).split(',').map((part) => SIGNATURE.exec(part.trim())?.[1]);
  if (signatures.some((signature) => signature === undefined)) {
    throw new WebhookSignatureError(400, `header.${GENERIC_HEADERS.signature}`, 'must be sha256=<64 hex digits>, several separated by commas');
  }
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    throw new WebhookSignatureError(401, `header.${GENERIC_HEADERS.timestamp}`,
      `is more than ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes from the server's clock: sign each delivery when it is sent`);
  }
  const expected = Buffer.from(genericSignature(secret, timestamp, rawBody), 'hex');
  const matches = signatures.some((signature) => timingSafeEqual(Buffer.from(signature!.toLowerCase(), 'hex'), expected));
  if (!matches) {
    throw new WebhookSignatureError(401, `header.${GENERIC_HEADERS.signature}`, 'does not match the body and timestamp signed with the shared secret');
  }
  return eventId;
}
