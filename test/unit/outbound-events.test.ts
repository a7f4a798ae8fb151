/**
 * Outbound events without a database: which timeline entries are which event, the event id a retry
 * keeps, the retry schedule and its give-up point, and signatures a Standard Webhooks library accepts.
 */
import { Webhook } from 'standardwebhooks';
import type { CollectionEvent, InvoiceSnapshot } from '../../activities/collection-log/collection-event';
import { outboundEventData, outboundEventId, outboundTypeOf } from '../../src/events/outbound-events';
import { DEFAULT_RETRY_SCHEDULE, nextAttemptDelayMs, nominalDelayMs } from '../../src/events/retry-schedule';
import { newSigningSecret, signedHeaders } from '../../src/events/signing';
import { newSubscriptionSchema } from '../../src/events/subscriptions';

const snapshot = (overrides: Partial<InvoiceSnapshot> = {}): InvoiceSnapshot => ({
  seq: 4, status: 'in_collection', balanceMinor: 50_000, paidMinor: 0, creditMinor: 0, escalationLevel: 'none', daysPastDue: 40,
  agingBucket: '31-60', nextAction: null, nextActionAt: null, ...overrides,
});

const entry = (type: string, key: string, data: Record<string, unknown>, state: Partial<InvoiceSnapshot> = {}): CollectionEvent => ({
  idempotencyKey: `invoice-INV-9/${key}`, workflowId: 'invoice-INV-9', invoiceId: 'INV-9', type, summary: `${type} happened`,
  occurredAt: '2026-11-02T09:00:00.000Z', data, snapshot: snapshot(state),
});

describe('which timeline entries are outbound events', () => {
  test('the payment that clears the balance is invoice.paid; a partial payment and a later credit are not', () => {
    expect(outboundTypeOf(entry('payment_received', 'payment/P-1', { paymentId: 'P-1', amountMinor: 50_000, appliedMinor: 50_000 }, { status: 'paid', balanceMinor: 0 })))
      .toBe('invoice.paid');
    expect(outboundTypeOf(entry('payment_received', 'payment/P-1', { paymentId: 'P-1', amountMinor: 10_000, appliedMinor: 10_000 }))).toBeNull();
    expect(outboundTypeOf(entry('payment_received', 'payment/P-2', { paymentId: 'P-2', amountMinor: 5_000, appliedMinor: 0, creditMinor: 5_000 }, { status: 'paid', balanceMinor: 0 })))
      .toBeNull();
  });

  test('moving the account to sales, management, legal or agency is invoice.escalated; a collector call or a dispute past its SLA is not', () => {
    expect(outboundTypeOf(entry('escalation_task_opened', 'step/escalate-legal', { stepId: 'escalate-legal', kind: 'escalation', level: 'legal' }, { escalationLevel: 'legal' })))
      .toBe('invoice.escalated');
    expect(outboundTypeOf(entry('call_task_opened', 'step/call', { stepId: 'call', kind: 'call', level: 'collector' }, { escalationLevel: 'collector' }))).toBeNull();
    expect(outboundTypeOf(entry('escalation_task_opened', 'dispute/D-1/sla-breached', { stepId: 'dispute/D-1/sla-breached', kind: 'escalation', level: 'management' },
      { escalationLevel: 'management' }))).toBeNull();
    // An approval task waits for a manager: the account has not moved yet.
    expect(outboundTypeOf(entry('approval_task_opened', 'step/legal/approval', { kind: 'approval', level: 'management' }, { escalationLevel: 'management' }))).toBeNull();
  });

  test('an approved write-off and a small balance written off are invoice.written_off, once each', () => {
    expect(outboundTypeOf(entry('written_off', 'write-off-decision-1', { approved: true, decidedBy: 'Ann Lee', balanceMinor: 50_000 }, { status: 'written_off' })))
      .toBe('invoice.written_off');
    // The ledger entry of the same approved write-off is not a second event.
    expect(outboundTypeOf(entry('write_off', 'write-off-1', { amountMinor: -50_000 }, { status: 'written_off' }))).toBeNull();
    expect(outboundTypeOf(entry('write_off', 'small-balance-write-off', { amountMinor: -300, minimumMinor: 500 }, { status: 'written_off' })))
      .toBe('invoice.written_off');
    expect(outboundTypeOf(entry('write_off_declined', 'write-off-decision-1', { approved: false }))).toBeNull();
  });

  test('a broken promise is promise.broken; everything else is nothing', () => {
    expect(outboundTypeOf(entry('promise_broken', 'promise/PTP-1/broken', { promise: { promiseId: 'PTP-1' }, level: 'sales' }))).toBe('promise.broken');
    for (const type of ['notice_sent', 'promise_made', 'promise_kept', 'collection_started', 'dispute_opened', 'hold_placed']) {
      expect([type, outboundTypeOf(entry(type, `x/${type}`, {}))]).toEqual([type, null]);
    }
  });

  test('the data carries the invoice\'s state after the event in its currency, and what is particular to the type', () => {
    const broken = entry('promise_broken', 'promise/PTP-1/broken', { promise: { promiseId: 'PTP-1', amountMinor: 20_000, promisedDate: '2026-10-30' }, level: 'sales' },
      { escalationLevel: 'collector' });
    expect(outboundEventData('promise.broken', broken, 'EUR')).toEqual({
      summary: 'promise_broken happened', status: 'in_collection', balance: { amountMinor: 50_000, currency: 'EUR' }, escalationLevel: 'collector', daysPastDue: 40,
      promiseId: 'PTP-1', promisedAmount: { amountMinor: 20_000, currency: 'EUR' }, promisedDate: '2026-10-30', reescalatedTo: 'sales',
    });
  });
});

test('an event id is the same for every retry of one timeline entry, and differs between entries', () => {
  const id = outboundEventId('invoice-INV-9/payment/P-1', 'invoice.paid');
  expect(id).toMatch(/^evt_[0-9a-f]{32}$/);
  expect(outboundEventId('invoice-INV-9/payment/P-1', 'invoice.paid')).toBe(id);
  expect(outboundEventId('invoice-INV-9/payment/P-2', 'invoice.paid')).not.toBe(id);
});

describe('the retry schedule', () => {
  const schedule = DEFAULT_RETRY_SCHEDULE;

  test('waits 10 s, 20 s, 40 s … doubling up to an hour', () => {
    expect([1, 2, 3, 4, 5].map((attempts) => nominalDelayMs(attempts, schedule))).toEqual([10_000, 20_000, 40_000, 80_000, 160_000]);
    expect(nominalDelayMs(9, schedule)).toBe(2_560_000);
    expect(nominalDelayMs(10, schedule)).toBe(3_600_000);
    expect(nominalDelayMs(5_000, schedule)).toBe(3_600_000);
  });

  test('draws each wait within ±20 % of the nominal one', () => {
    expect(nextAttemptDelayMs(1, 0, schedule, () => 0)).toBe(8_000);
    expect(nextAttemptDelayMs(1, 0, schedule, () => 0.5)).toBe(10_000);
    expect(nextAttemptDelayMs(1, 0, schedule, () => 0.999_999)).toBe(12_000);
    expect(nextAttemptDelayMs(20, 0, schedule, () => 0)).toBe(2_880_000);
  });

  test('gives up when the next attempt would come more than a day after the event was queued', () => {
    const hour = 3_600_000;
    expect(nextAttemptDelayMs(30, 22 * hour, schedule, () => 0.5)).toBe(hour);
    expect(nextAttemptDelayMs(31, 23.5 * hour, schedule, () => 0.5)).toBeNull();
    // A receiver that never answers, at the middle of the jitter: 32 attempts, the last one 23.4 hours in.
    let attempts = 1;
    let elapsed = 0;
    for (let delay = nextAttemptDelayMs(attempts, elapsed, schedule, () => 0.5); delay !== null; delay = nextAttemptDelayMs(attempts, elapsed, schedule, () => 0.5)) {
      elapsed += delay;
      attempts += 1;
    }
    expect(attempts).toBe(32);
    expect(elapsed / hour).toBeCloseTo(23.42, 2);
  });
});

test('deliveries are signed as Standard Webhooks: the standardwebhooks library verifies them, and refuses another body or secret', () => {
  const secret = newSigningSecret();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  const body = JSON.stringify({ id: 'evt_1', type: 'invoice.paid' });
  const headers = signedHeaders(secret, 'evt_1', body, new Date());
  expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  expect(new Webhook(secret).verify(body, headers)).toEqual({ id: 'evt_1', type: 'invoice.paid' });
  expect(() => new Webhook(secret).verify(body.replace('paid', 'void'), headers)).toThrow();
  expect(() => new Webhook(newSigningSecret()).verify(body, headers)).toThrow();
});

describe('a subscription\'s receiver URL', () => {
  const problems = (url: string) => {
    const parsed = newSubscriptionSchema.safeParse({ url });
    return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  };

  test('is https, or plain http to this machine only', () => {
    expect(problems('https://erp.example.com/hooks')).toEqual([]);
    expect(problems('http://localhost:8080/hooks')).toEqual([]);
    expect(problems('http://127.0.0.1:8080/hooks')).toEqual([]);
    expect(problems('http://erp.example.com/hooks')).toEqual(['must be an https URL (plain http only to localhost or 127.0.0.1, for testing)']);
    expect(problems('ftp://erp.example.com/')).toEqual(['must be an https URL (plain http only to localhost or 127.0.0.1, for testing)']);
    expect(problems('not a url')).toHaveLength(1);
    expect(problems('https://user:secret@erp.example.com/')).toEqual(['must not carry a user name or password: receivers check the signature instead']);
  });
});
