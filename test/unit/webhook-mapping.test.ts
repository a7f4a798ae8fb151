/** Payment-provider events in the engine's terms: Stripe's events, the generic webhook's body and its signature. */
import { createHmac } from 'node:crypto';
import { loadConfig } from '../../src/config';
import {
  GENERIC_RESOLVER, genericAction, genericEventSchema, SIGNATURE_TOLERANCE_SECONDS, verifyGenericSignature, WebhookSignatureError,
} from '../../src/webhooks/generic-events';
import { stripeAction, type StripeEventEnvelope } from '../../src/webhooks/stripe-events';

const created = Math.floor(Date.parse('2026-03-02T10:00:00Z') / 1000);
const stripeEvent = (type: string, object: Record<string, unknown>): StripeEventEnvelope => ({ id: 'evt_1', type, created, data: { object } });

describe('Stripe events', () => {
  test('payment_intent.succeeded is a payment of the amount received, under the PaymentIntent id, found by metadata', () => {
    const action = stripeAction(stripeEvent('payment_intent.succeeded', {
      id: 'pi_123', object: 'payment_intent', amount: 50_000, amount_received: 50_000, currency: 'usd', metadata: { invoice_id: 'INV-7', invoice_number: '1007' },
    }));
    expect(action).toEqual({
      kind: 'payment',
      clues: [{ by: 'invoiceId', value: 'INV-7', source: 'metadata.invoice_id' }, { by: 'invoiceNumber', value: '1007', source: 'metadata.invoice_number' }],
      input: { paymentId: 'pi_123', amount: { amountMinor: 50_000, currency: 'USD' }, receivedAt: '2026-03-02T10:00:00.000Z', method: 'stripe' },
    });
  });

  test('a PaymentIntent that pays a Stripe invoice is left to invoice.paid, and one that received nothing is ignored', () => {
    expect(stripeAction(stripeEvent('payment_intent.succeeded', { id: 'pi_1', amount_received: 100, currency: 'usd', metadata: {}, invoice: 'in_1' })))
      .toMatchObject({ kind: 'ignored', reason: expect.stringContaining('invoice.paid') });
    expect(stripeAction(stripeEvent('payment_intent.succeeded', { id: 'pi_1', amount_received: 0, currency: 'usd', metadata: {} })).kind).toBe('ignored');
  });

  test('invoice.paid is a payment under its PaymentIntent when it names one, else the invoice id; its number is a clue', () => {
    const paid = { id: 'in_9', object: 'invoice', amount_paid: 12_500, currency: 'eur', number: 'A-0009', metadata: {}, status_transitions: { paid_at: created - 60 } };
    expect(stripeAction(stripeEvent('invoice.paid', { ...paid, payment_intent: 'pi_9' }))).toEqual({
      kind: 'payment',
      clues: [{ by: 'invoiceNumber', value: 'A-0009', source: 'the Stripe invoice\'s number' }],
      input: { paymentId: 'pi_9', amount: { amountMinor: 12_500, currency: 'EUR' }, receivedAt: '2026-03-02T09:59:00.000Z', method: 'stripe' },
    });
    expect(stripeAction(stripeEvent('invoice.paid', paid))).toMatchObject({ kind: 'payment', input: { paymentId: 'in_9' } });
    expect(stripeAction(stripeEvent('invoice.paid', { ...paid, amount_paid: 0 })).kind).toBe('ignored');
  });

  test('zero-decimal currencies keep Stripe\'s amount as it is: ¥5,000 is 5000 minor units', () => {
    const action = stripeAction(stripeEvent('payment_intent.succeeded', { id: 'pi_jp', amount_received: 5_000, currency: 'jpy', metadata: { invoice_id: 'JP-1' } }));
    expect(action).toMatchObject({ kind: 'payment', input: { amount: { amountMinor: 5_000, currency: 'JPY' } } });
  });

  test('charge.refunded in full reverses the payment recorded under the PaymentIntent; a partial refund is left for review', () => {
    const charge = { id: 'ch_1', object: 'charge', amount: 50_000, amount_refunded: 50_000, refunded: true, currency: 'usd', payment_intent: 'pi_123', metadata: {} };
    expect(stripeAction(stripeEvent('charge.refunded', charge))).toEqual({
      kind: 'reversal', clues: [{ by: 'payment', paymentIds: ['pi_123', 'ch_1'] }], paymentIds: ['pi_123', 'ch_1'], reason: 'refunded in Stripe (charge ch_1)',
    });
    expect(stripeAction(stripeEvent('charge.refunded', { ...charge, amount_refunded: 10_000, refunded: false })))
      .toMatchObject({ kind: 'refused', reason: expect.stringContaining('partly refunded (10000 of 50000 USD minor units)') });
  });

  test('charge.dispute.created opens a dispute of the disputed amount, its category from Stripe\'s reason', () => {
    const dispute = { id: 'dp_1', object: 'dispute', amount: 20_000, currency: 'usd', reason: 'product_not_received', status: 'needs_response', charge: 'ch_1', payment_intent: 'pi_123', metadata: {} };
    expect(stripeAction(stripeEvent('charge.dispute.created', dispute))).toEqual({
      kind: 'dispute',
      clues: [{ by: 'payment', paymentIds: ['pi_123', 'ch_1'] }],
      input: { disputeId: 'dp_1', category: 'delivery', amount: { amountMinor: 20_000, currency: 'USD' }, reason: 'Stripe dispute (product_not_received) of charge ch_1' },
    });
    expect(stripeAction(stripeEvent('charge.dispute.created', { ...dispute, reason: 'fraudulent' }))).toMatchObject({ input: { category: 'duplicate_charge' } });
    expect(stripeAction(stripeEvent('charge.dispute.created', { ...dispute, reason: 'duplicate' }))).toMatchObject({ input: { category: 'duplicate_charge' } });
    expect(stripeAction(stripeEvent('charge.dispute.created', { ...dispute, reason: 'product_unacceptable' }))).toMatchObject({ input: { category: 'quality' } });
  });

  test('charge.dispute.closed: won is for the company, lost for the customer, anything else is not an outcome', () => {
    const dispute = { id: 'dp_1', amount: 20_000, currency: 'usd', reason: 'general', charge: { id: 'ch_1' }, payment_intent: null, metadata: { invoice_id: 'INV-7' } };
    expect(stripeAction(stripeEvent('charge.dispute.closed', { ...dispute, status: 'won' }))).toEqual({
      kind: 'dispute_resolution',
      clues: [{ by: 'dispute', disputeId: 'dp_1' }, { by: 'payment', paymentIds: ['ch_1'] }, { by: 'invoiceId', value: 'INV-7', source: 'metadata.invoice_id' }],
      input: { disputeId: 'dp_1', inFavourOf: 'company', resolvedBy: 'Stripe', note: 'Stripe closed the dispute as won' },
    });
    expect(stripeAction(stripeEvent('charge.dispute.closed', { ...dispute, status: 'lost' }))).toMatchObject({ input: { inFavourOf: 'customer' } });
    expect(stripeAction(stripeEvent('charge.dispute.closed', { ...dispute, status: 'under_review' })).kind).toBe('refused');
  });

  test('an event without a field the mapping needs is refused naming it; other types are ignored', () => {
    expect(stripeAction(stripeEvent('payment_intent.succeeded', { id: 'pi_1', currency: 'usd' })))
      .toEqual({ kind: 'refused', reason: expect.stringContaining('data.object.amount_received') });
    expect(stripeAction(stripeEvent('payment_intent.succeeded', { id: 'pi_1', amount_received: 10, currency: 'zzz', metadata: {} })))
      .toEqual({ kind: 'refused', reason: expect.stringContaining('payment.amount.currency') });
    expect(stripeAction(stripeEvent('customer.created', { id: 'cus_1' }))).toEqual({ kind: 'ignored', reason: 'Stripe event type customer.created is not one the engine applies' });
  });
});

describe('the generic webhook\'s body', () => {
  test('each message type becomes its update, the invoice found by id or number', () => {
    const payment = genericEventSchema.parse({ type: 'payment', invoiceNumber: '1001', paymentId: 'GW-1', amount: { amountMinor: 500, currency: 'GBP' } });
    expect(genericAction(payment)).toEqual({
      kind: 'payment', clues: [{ by: 'invoiceNumber', value: '1001', source: 'invoiceNumber' }], input: { paymentId: 'GW-1', amount: { amountMinor: 500, currency: 'GBP' } },
    });
    expect(genericAction(genericEventSchema.parse({ type: 'reversal', invoiceId: 'INV-1', paymentId: 'GW-1', reason: 'returned' })))
      .toEqual({ kind: 'reversal', clues: [{ by: 'invoiceId', value: 'INV-1', source: 'invoiceId' }], paymentIds: ['GW-1'], reason: 'returned' });
    expect(genericAction(genericEventSchema.parse({ type: 'dispute', invoiceId: 'INV-1', disputeId: 'D-1', category: 'pricing' })))
      .toMatchObject({ kind: 'dispute', input: { disputeId: 'D-1', category: 'pricing' } });
    expect(genericAction(genericEventSchema.parse({ type: 'dispute_resolution', invoiceId: 'INV-1', disputeId: 'D-1', inFavourOf: 'company' })))
      .toMatchObject({ kind: 'dispute_resolution', input: { disputeId: 'D-1', inFavourOf: 'company', resolvedBy: GENERIC_RESOLVER } });
  });

  test('a bad body is refused naming each field', () => {
    const paths = (body: unknown) => genericEventSchema.safeParse(body).error?.issues.map((issue) => [issue.path.join('.'), issue.message]);
    expect(paths({ type: 'refund', invoiceId: 'INV-1' })).toEqual([['type', 'must be one of payment, reversal, dispute, dispute_resolution']]);
    expect(paths({ type: 'payment', paymentId: 'GW-1', amount: { amountMinor: 5.5, currency: 'USD' } })).toEqual(expect.arrayContaining([
      ['amount.amountMinor', 'must be an integer number of minor units (cents), not a decimal'],
    ]));
    expect(paths({ type: 'payment', paymentId: 'GW-1', amount: { amountMinor: 5, currency: 'USD' } }))
      .toEqual([['invoiceId', 'is required (or invoiceNumber): the invoice this event is for']]);
    // Who resolved it is the sender, never the body.
    expect(genericEventSchema.safeParse({ type: 'dispute_resolution', invoiceId: 'INV-1', disputeId: 'D-1', inFavourOf: 'company', resolvedBy: 'me' }).error?.issues)
      .toMatchObject([{ code: 'unrecognized_keys', keys: ['resolvedBy'] }]);
  });
});

describe('the generic webhook\'s signature', () => {
  const secret = 'a-shared-secret-of-at-least-32-characters';
  const body = Buffer.from('{"type":"payment"}');
  const now = Date.parse('2026-03-02T10:00:00Z');
  const timestamp = String(now / 1000);
  const sign = (ts: string, key = secret) => `sha256=${createHmac('sha256', key).update(`${ts}.${body.toString()}`).digest('hex')}`;
  const headers = (overrides: Record<string, string | undefined> = {}) => ({
    'webhook-id': 'evt-1', 'webhook-timestamp': timestamp, 'webhook-signature': sign(timestamp), ...overrides,
  });
  const refusal = (h: Record<string, string | undefined>, at = now) => {
    try {
      verifyGenericSignature(secret, h, body, at);
    } catch (error) {
      if (error instanceof WebhookSignatureError) return [error.status, error.field];
      throw error;
    }
    return 'verified';
  };

  test('a request signed with the secret over "<timestamp>.<body>" is verified and answers its event id', () => {
    expect(verifyGenericSignature(secret, headers(), body, now)).toBe('evt-1');
    // A rotated secret: either signature will do.
    expect(verifyGenericSignature(secret, headers({ 'webhook-signature': `${sign(timestamp, 'the-old-secret')}, ${sign(timestamp)}` }), body, now)).toBe('evt-1');
  });

  test('missing or malformed headers are 400, a wrong signature or a stale timestamp 401', () => {
    expect(refusal(headers({ 'webhook-id': undefined }))).toEqual([400, 'header.webhook-id']);
    expect(refusal(headers({ 'webhook-timestamp': 'yesterday' }))).toEqual([400, 'header.webhook-timestamp']);
    expect(refusal(headers({ 'webhook-signature': 'md5=abc' }))).toEqual([400, 'header.webhook-signature']);
    expect(refusal(headers({ 'webhook-signature': sign(timestamp, 'another-secret') }))).toEqual([401, 'header.webhook-signature']);
    // The timestamp is signed: moving it breaks the signature.
    expect(refusal(headers({ 'webhook-timestamp': String(Number(timestamp) + 1) }))).toEqual([401, 'header.webhook-signature']);
    const late = now + (SIGNATURE_TOLERANCE_SECONDS + 1) * 1000;
    expect(refusal(headers(), late)).toEqual([401, 'header.webhook-timestamp']);
    expect(refusal(headers(), now + SIGNATURE_TOLERANCE_SECONDS * 1000)).toBe('verified');
  });
});

describe('the webhooks\' configuration', () => {
  test('each secret is optional, an empty one is unset, and a malformed one stops start-up naming the variable', () => {
    expect(loadConfig({}).webhooks).toEqual({ stripeSecret: undefined, genericSecret: undefined });
    expect(loadConfig({ STRIPE_WEBHOOK_SECRET: '', WEBHOOK_SECRET: '' }).webhooks).toEqual({ stripeSecret: undefined, genericSecret: undefined });
    const secret = 'x'.repeat(32);
    expect(loadConfig({ STRIPE_WEBHOOK_SECRET: 'whsec_abc', WEBHOOK_SECRET: secret }).webhooks).toEqual({ stripeSecret: 'whsec_abc', genericSecret: secret });
    expect(() => loadConfig({ STRIPE_WEBHOOK_SECRET: 'sk_live_oops' })).toThrow(/STRIPE_WEBHOOK_SECRET: must be the endpoint's signing secret/);
    expect(() => loadConfig({ WEBHOOK_SECRET: 'short' })).toThrow(/WEBHOOK_SECRET: must be at least 32 characters/);
  });
});
