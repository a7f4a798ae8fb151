import { dunningPlan } from '../../src/domain/dunning-schedule';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { policyDiagram } from '../../src/domain/policy/policy-diagram';
import { collectionsPolicySchema, SEGMENTS, type CollectionsPolicy } from '../../src/domain/policy/schema';
import { expectGolden } from './golden-file';

const edgesOf = (diagram: string): string[] => diagram.split('\n').filter((line) => /-->|-\.->/.test(line)).map((line) => line.trim());
const nodeLines = (diagram: string): string[] => diagram.split('\n').filter((line) => /^\s+\w+[[({]/.test(line));

test.each(['smb', 'strategic', 'government'] as const)('the default policy for %s matches the golden diagram', (segment) => {
  expectGolden(`policy-diagram.${segment}.mmd`, policyDiagram(DEFAULT_POLICY, segment));
});

test('one edge per consecutive step pair, then the review edges, then a payment edge from every waiting node', () => {
  const policy: CollectionsPolicy = collectionsPolicySchema.parse({
    ...DEFAULT_POLICY,
    dunningSteps: [
      { id: 'call', offsetDays: 20, action: 'call_task' },
      { id: 'early', offsetDays: -5, action: 'email', template: 'reminder-upcoming', tone: 'friendly' },
      { id: 'same-day', offsetDays: 20, action: 'escalate', level: 'sales' },
    ],
    writeOff: { reviewAfterDays: 100, reReviewAfterDays: 30 },
  });
  expect(edgesOf(policyDiagram(policy, 'smb'))).toEqual([
    'step_early -->|"+25 days"| step_call',
    'step_call -->|"same day"| step_same_day',
    'step_same_day -->|"+80 days"| review',
    'review -->|"approved"| written_off',
    'review -->|"declined: next review in 30 days"| review',
    'step_early -.->|"payment"| paid',
    'step_call -.->|"payment"| paid',
    'step_same_day -.->|"payment"| paid',
    'review -.->|"payment"| paid',
  ]);
});

test('the default policy has 9 step edges, 1 to the review, 2 from it and 11 payment edges to one shared node', () => {
  const diagram = policyDiagram(DEFAULT_POLICY, 'smb');
  const edges = edgesOf(diagram);
  expect(edges).toHaveLength(9 + 1 + 2 + 11);
  expect(edges.filter((e) => e.includes('-.->'))).toHaveLength(11);
  expect(edges.filter((e) => e.includes('-.->')).every((e) => e.endsWith('-.->|"payment"| paid'))).toBe(true);
  expect(diagram.split('\n').filter((line) => line.trim().startsWith('paid('))).toEqual(['  paid(["Paid in full"])']);
});

test('labels are quoted and double quotes in them are escaped', () => {
  const diagram = policyDiagram(DEFAULT_POLICY, 'smb');
  expect(diagram).toContain('step_final_notice["Day 30: firm final notice email #quot;final-notice#quot;"]');
  for (const line of nodeLines(diagram)) expect(line).toMatch(/^\s+\w+(\[|\(\[|\{)"[^"]*"(\]|\]\)|\})$/);
  for (const line of edgesOf(diagram)) expect(line).toMatch(/^\w+ -\.?->\|"[^"]*"\| \w+$/);
});

test('node ids come from step ids with dashes turned into underscores', () => {
  const ids = nodeLines(policyDiagram(DEFAULT_POLICY, 'government')).map((line) => line.trim().match(/^\w+/)?.[0]);
  const plan = dunningPlan(DEFAULT_POLICY, { segment: 'government', riskTier: 'green' });
  expect(ids).toEqual([...plan.map((s) => `step_${s.id.replace(/-/g, '_')}`), 'review', 'paid', 'written_off']);
  expect(ids).toContain('step_final_notice_government');
  for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9_]*$/);
});

test('segment and risk-tier limits: steps of other segments are left out, risk tiers are named', () => {
  const policy = collectionsPolicySchema.parse({
    ...DEFAULT_POLICY,
    dunningSteps: [
      { id: 'reminder', offsetDays: 1, action: 'email', template: 'reminder-past-due', tone: 'friendly' },
      { id: 'gov-letter', offsetDays: 5, action: 'email', template: 'gov-letter', tone: 'neutral', appliesTo: { segments: ['government'] } },
      { id: 'red-call', offsetDays: 10, action: 'call_task', appliesTo: { riskTiers: ['red'] } },
    ],
  });
  const smb = policyDiagram(policy, 'smb');
  expect(smb).not.toContain('gov_letter');
  expect(smb).toContain('step_red_call["Day 10: collector call task (risk tiers: red)"]');
  expect(edgesOf(smb)[0]).toBe('step_reminder -->|"+9 days"| step_red_call');
  expect(policyDiagram(policy, 'government')).toContain('step_gov_letter[');
});

test('without a segment, one subgraph per segment with prefixed ids and shared terminals', () => {
  const diagram = policyDiagram(DEFAULT_POLICY);
  expect(diagram.split('\n').filter((line) => line.includes('subgraph'))).toEqual(SEGMENTS.map((s) => `  subgraph ${s}["Segment: ${s}"]`));
  expect(diagram).toContain('    government_step_final_notice_government[');
  expect(diagram).toContain('    strategic_step_final_notice_strategic[');
  expect(diagram).toContain('  smb_review -->|"approved"| written_off');
  expect(diagram.match(/^ {2}paid\(/gm)).toHaveLength(1);
  // Ten steps in four segments (23 edges each), seven for government: 6 between steps, 1 to the review, 2 from it, 8 to payment.
  expect(edgesOf(diagram)).toHaveLength(4 * 23 + 17);
});

test('is deterministic', () => {
  expect(policyDiagram(DEFAULT_POLICY)).toBe(policyDiagram(structuredClone(DEFAULT_POLICY)));
});
