import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { policyChecklist } from '../../src/domain/policy/policy-checklist';
import { collectionsPolicySchema, SEGMENTS, type CollectionsPolicy } from '../../src/domain/policy/schema';
import { expectGolden } from './golden-file';

/** The default policy with one step for government only and one for risky customers only. */
const policy: CollectionsPolicy = collectionsPolicySchema.parse({
  ...DEFAULT_POLICY,
  dunningSteps: [
    ...DEFAULT_POLICY.dunningSteps,
    { id: 'government-letter', offsetDays: 20, action: 'email', template: 'government-letter', tone: 'neutral', appliesTo: { segments: ['government'] } },
    { id: 'risky-call', offsetDays: 10, action: 'call_task', script: 'risky', appliesTo: { riskTiers: ['orange', 'red'] } },
  ],
});

/** The lines of one segment's section. */
function section(markdown: string, segment: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(`## Segment: ${segment}`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  return lines.slice(start, end);
}

test.each(['smb', 'strategic', 'government'] as const)('the default policy for %s matches the golden checklist', (segment) => {
  expectGolden(`policy-checklist.${segment}.md`, policyChecklist(DEFAULT_POLICY, segment));
});

test('the default policy writes to strategic accounts in a neutral tone and gives government longer', () => {
  const strategic = section(policyChecklist(DEFAULT_POLICY), 'strategic');
  expect(strategic).toContain('- [ ] Day 30: neutral final notice email "final-notice"');
  expect(strategic.filter((line) => line.includes('firm'))).toEqual([]);
  const government = section(policyChecklist(DEFAULT_POLICY), 'government');
  expect(government).toContain('- [ ] Day 45: neutral final notice email "final-notice"');
  expect(government.filter((line) => /Day (1|7):|agency/.test(line))).toEqual([]);
});

test('without a segment there is one section per segment, in order, and one Triggers part', () => {
  const markdown = policyChecklist(DEFAULT_POLICY);
  const headings = markdown.split('\n').filter((line) => line.startsWith('## '));
  expect(headings).toEqual([...SEGMENTS.map((s) => `## Segment: ${s}`), '## Triggers']);
  expect(markdown.startsWith('# Follow-up checklist: Standard dunning (playbook default), version 1\n')).toBe(true);
});

test('a step limited to government shows only in the government section', () => {
  const markdown = policyChecklist(policy);
  const letter = '- [ ] Day 20: neutral email "government-letter"';
  for (const segment of SEGMENTS) {
    expect(section(markdown, segment).includes(letter)).toBe(segment === 'government');
  }
  expect(policyChecklist(policy, 'smb')).not.toContain('government-letter');
});

test('a step limited to some risk tiers is kept and says which', () => {
  const lines = section(policyChecklist(policy, 'smb'), 'smb');
  expect(lines).toContain('- [ ] Day 10: collector call task (script risky) (risk tiers: orange, red)');
  // in plan order: after day 7, before day 15
  expect(lines.findIndex((l) => l.includes('Day 10:'))).toBe(lines.findIndex((l) => l.includes('Day 7:')) + 1);
  expect(lines.filter((l) => l.includes('risk tiers'))).toHaveLength(1);
});

test('each section ends with the write-off review, its re-review interval and what stops dunning', () => {
  const custom = collectionsPolicySchema.parse({ ...DEFAULT_POLICY, writeOff: { reviewAfterDays: 200, reReviewAfterDays: 1 } });
  const lines = section(policyChecklist(custom, 'enterprise'), 'enterprise').filter((line) => line !== '');
  expect(lines.slice(-2)).toEqual([
    '- [ ] Day 200: write-off review by a person; if declined, review again every 1 day',
    'Dunning stops when the invoice is paid in full or cancelled.',
  ]);
});

test('a segment without steps says so', () => {
  const onlyGov = collectionsPolicySchema.parse({
    ...DEFAULT_POLICY,
    dunningSteps: [{ id: 'gov', offsetDays: 0, action: 'escalate', level: 'legal', appliesTo: { segments: ['government'] } }],
  });
  expect(section(policyChecklist(onlyGov), 'smb')).toContain('- No follow-up steps for this segment.');
  expect(section(policyChecklist(onlyGov), 'government')).toContain('- [ ] Day 0 (due date): escalate to legal');
});

test('the Triggers part covers full payment, partial payment and the review', () => {
  const triggers = policyChecklist(DEFAULT_POLICY, 'smb').split('## Triggers')[1];
  expect(triggers).toMatch(/Payment in full:\*\* ends dunning at once/);
  expect(triggers).toMatch(/Partial payment:\*\* reduces the balance; dunning continues/);
  expect(triggers).toMatch(/Write-off review:\*\* waits for a person's decision/);
});

test('is deterministic and leaves the policy as it was', () => {
  const before = structuredClone(policy);
  expect(policyChecklist(policy)).toBe(policyChecklist(policy));
  expect(policy).toEqual(before);
});
