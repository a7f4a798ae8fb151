/**
 * The audit timeline read from history JSON (payloads decoded with the default converter) and its
 * text: one line per event with why (rule, policy id@version, figures) and who decided under which
 * key; several runs in order; update ids that name a key.
 */
import { auditTimeline, type AuditRun } from '../../src/audit/audit-timeline';
import { callerUpdateId, keyIdOfUpdate } from '../../src/audit/caller-update-id';
import type { HistoryEventJson } from '../../src/audit/history-json';
import { eventIdInMessage } from '../../src/audit/history-replay';
import { describeInputs, timelineText } from '../../src/audit/timeline-text';
import type { Why } from '../../src/domain/why';

const base64 = (value: string) => Buffer.from(value).toString('base64');
const payload = (value: unknown) => ({ metadata: { encoding: base64('json/plain') }, data: base64(JSON.stringify(value)) });

let eventId = 0;
function event(eventType: string, attributes: Record<string, unknown>, summary?: string): HistoryEventJson {
  eventId += 1;
  const key = `${eventType.replace(/^EVENT_TYPE_/, '').toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())}EventAttributes`;
  return {
    eventId: String(eventId), eventTime: `2026-03-02T09:00:${String(eventId).padStart(2, '0')}.000Z`, eventType,
    ...(summary ? { userMetadata: { summary: payload(summary) } } : {}), [key]: attributes,
  };
}

const why: Why = {
  policyId: 'default', policyVersion: 3, rule: 'dunning step day 30 "final-notice"',
  inputs: { balanceMinor: 245_000, currency: 'USD', daysPastDue: 31, interestMinor: 1_240, lateFeeMinor: 2_500, collectibleMinor: 245_000, escalationLevel: 'none', segment: 'smb', riskTier: 'yellow' },
};

function runs(): AuditRun[] {
  eventId = 0;
  const first = [
    event('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED', {
      workflowType: { name: 'invoiceCollection' },
      input: { payloads: [payload({ invoice: { invoiceId: 'INV-7' }, policy: { policyId: 'default', version: 3 } })] },
    }),
    event('EVENT_TYPE_WORKFLOW_TASK_COMPLETED', {}),
    event('EVENT_TYPE_ACTIVITY_TASK_SCHEDULED', {
      activityType: { name: 'requestCustomerContact' },
      input: { payloads: [payload({ request: { notice: { event: { idempotencyKey: 'k', type: 'notice_sent', summary: 'Final notice "final-notice" (firm) for $2,450.00', data: { why } } } } })] },
    }, 'asked the customer\'s outreach: Final notice "final-notice" (firm) for $2,450.00'),
    event('EVENT_TYPE_TIMER_STARTED', {}),
    event('EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED', {
      acceptedRequest: {
        meta: { updateId: 'key-3f9c0a1b2d4e5f60/0b6f7f1e-1c1d-4c35-9d9e-5b1f3c9f0c11' },
        input: { name: 'decideWriteOff', args: { payloads: [payload({ approved: true, decidedBy: 'Ann Lee', role: 'controller', note: 'uncollectible' })] } },
      },
    }),
    event('EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED', { signalName: 'cancelInvoice', input: { payloads: [payload({ reason: 'voided' })] } }),
    event('EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED', {
      acceptedRequest: { meta: { updateId: 'key-00aa11bb22cc33dd/1' }, input: { name: 'openDispute', args: { payloads: [payload({ disputeId: 'D-1', category: 'pricing' })] } } },
    }),
    event('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW', {}),
  ];
  const second = [
    event('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED', {
      workflowType: { name: 'invoiceCollection' }, continuedExecutionRunId: 'run-1',
      input: { payloads: [payload({ invoice: { invoiceId: 'INV-7' }, policy: { policyId: 'default', version: 3 }, carried: {} })] },
    }),
    event('EVENT_TYPE_ACTIVITY_TASK_SCHEDULED', {
      activityType: { name: 'openCollectorTask' },
      input: { payloads: [payload({ kind: 'call', event: { idempotencyKey: 't', type: 'call_task_opened', summary: 'Call Acme about invoice #7', data: { why: { ...why, rule: 'promise broken' } } } })] },
    }),
    event('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED', {}),
  ];
  return [{ runId: 'run-1', history: { events: first } }, { runId: 'run-2', history: { events: second } }];
}

test('the timeline has an entry for each start, action, message and close, oldest run first, with why and who decided', () => {
  const timeline = auditTimeline(runs());
  expect(timeline.map((entry) => [entry.runId, entry.eventId, entry.kind, entry.type])).toEqual([
    ['run-1', 1, 'started', 'invoiceCollection'],
    ['run-1', 3, 'action', 'notice_sent'],
    ['run-1', 5, 'update', 'decideWriteOff'],
    ['run-1', 6, 'signal', 'cancelInvoice'],
    ['run-1', 7, 'update', 'openDispute'],
    ['run-1', 8, 'continued_as_new', 'continued_as_new'],
    ['run-2', 9, 'started', 'invoiceCollection'],
    ['run-2', 10, 'action', 'call_task_opened'],
    ['run-2', 11, 'closed', 'workflow_execution_completed'],
  ]);
  expect(timeline[1].why).toEqual(why);
  expect(timeline[2]).toMatchObject({ decidedBy: { holder: 'Ann Lee', role: 'controller', keyId: '3f9c0a1b2d4e5f60' }, details: { approved: true, note: 'uncollectible' } });
  expect(timeline[3].decidedBy).toBeUndefined();
});

test('the text names the rule, the policy id and version, the figures, and who decided under which key', () => {
  const timeline = auditTimeline(runs());
  const text = timelineText({ workflowId: 'invoice-INV-7', exportedAt: '2026-03-03T00:00:00.000Z', runs: runs(), timeline });
  const lines = text.split('\n');
  expect(lines[0]).toBe('Audit of workflow invoice-INV-7: 2 runs, exported 2026-03-03T00:00:00.000Z');
  expect(lines).toContain('Run 1 of 2: run-1');
  expect(lines).toContain('Run 2 of 2: run-2');
  expect(lines.filter((line) => line.startsWith('2026-'))).toHaveLength(timeline.length);
  expect(text).toContain('invoiceCollection started for invoice INV-7, policy default@3');
  expect(text).toContain('invoiceCollection continued as new for invoice INV-7, policy default@3');
  const notice = lines.find((line) => line.includes('notice_sent'));
  expect(notice).toBe('2026-03-02T09:00:03.000Z  #3    notice_sent                asked the customer\'s outreach: Final notice "final-notice" (firm) for $2,450.00'
    + ' | why: dunning step day 30 "final-notice" (policy default@3; balance $2,450.00, 31 days past due, interest $12.40, late fee $25.00, segment smb, risk yellow)');
  expect(lines.find((line) => line.includes('decideWriteOff'))).toMatch(/update decideWriteOff \{"approved":true,"note":"uncollectible"\} \| decided by Ann Lee \(controller\) under key 3f9c0a1b2d4e5f60$/);
  expect(lines.find((line) => line.includes('openDispute'))).toMatch(/update openDispute \{"disputeId":"D-1","category":"pricing"\} \| sent under key 00aa11bb22cc33dd$/);
  expect(lines.find((line) => line.includes('call_task_opened'))).toContain('| why: promise broken (policy default@3;');
});

test('figures: a balance under dispute, an escalation, an invoice not yet due', () => {
  expect(describeInputs({ ...why.inputs, collectibleMinor: 200_000, escalationLevel: 'legal', daysPastDue: -1, segment: undefined, riskTier: undefined }))
    .toBe('balance $2,450.00, due in 1 day, interest $12.40, late fee $25.00, collectible $2,000.00, escalation legal');
});

test('update ids name the caller\'s key; other update ids name none', () => {
  expect(keyIdOfUpdate(callerUpdateId('abc123'))).toBe('abc123');
  expect(keyIdOfUpdate('0b6f7f1e-1c1d-4c35-9d9e-5b1f3c9f0c11')).toBeUndefined();
  expect(keyIdOfUpdate(undefined)).toBeUndefined();
});

test('a nondeterminism message that names its event gives its id', () => {
  expect(eventIdInMessage('Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: 12, TimerFired)')).toBe(12);
  expect(eventIdInMessage("Activity type of scheduled event 'a' does not match activity type of activity command 'b'")).toBeNull();
});
