import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { dunningPlan } from '../../src/domain/dunning-schedule';
import { collectionsPolicySchema, SEGMENTS, type CollectionsPolicy, type Segment } from '../../src/domain/policy/schema';
import { lintPolicy } from '../../src/policies/policy-lint';

/** The default policy, edited. */
function policyWith(edit: (doc: any) => void = () => undefined): CollectionsPolicy {
  const doc: any = structuredClone(DEFAULT_POLICY);
  edit(doc);
  return collectionsPolicySchema.parse(doc);
}

/** A step of an editable copy, by id. */
const stepOf = (doc: any, id: string) => doc.dunningSteps.find((step: any) => step.id === id);

/** The default policy with only one segment's steps, each limited to that segment. */
function segmentOnly(segment: Segment): CollectionsPolicy {
  const steps = dunningPlan(DEFAULT_POLICY, { segment, riskTier: 'green' });
  return policyWith((doc) => {
    doc.dunningSteps = structuredClone(steps).map((step: any) => ({ ...step, appliesTo: { segments: [segment] } }));
  });
}

const rulesOf = (policy: CollectionsPolicy) => lintPolicy(policy).map((w) => `${w.rule}:${w.stepId}`);

test('the default policy has no warnings', () => {
  expect(lintPolicy(DEFAULT_POLICY)).toEqual([]);
});

test.each(SEGMENTS)('the default schedule for %s accounts, taken alone, has no warnings', (segment) => {
  // Rules that look across steps (contact gaps, a final notice before legal) judged on one segment's steps only.
  expect(lintPolicy(segmentOnly(segment))).toEqual([]);
});

test('a firm email that reaches strategic accounts is warned about', () => {
  const firm = policyWith((doc) => { stepOf(doc, 'final-notice-strategic').tone = 'firm'; });
  expect(lintPolicy(firm)).toEqual([expect.objectContaining({ rule: 'firm-tone-to-strategic', stepId: 'final-notice-strategic', path: 'dunningSteps.11.tone' })]);
  expect(rulesOf(policyWith((doc) => { delete stepOf(doc, 'reminder-7-days').appliesTo; stepOf(doc, 'reminder-7-days').tone = 'firm'; })))
    .toEqual(['firm-tone-to-strategic:reminder-7-days']);
});

test('legal before 60 days and an agency before 90 are over-escalation', () => {
  const policy = policyWith((doc) => { doc.dunningSteps[8].offsetDays = 40; doc.dunningSteps[9].offsetDays = 85; });
  const warnings = lintPolicy(policy);
  expect(warnings.map((w) => `${w.rule}:${w.stepId}`)).toEqual(['early-legal-or-agency:escalate-legal', 'early-legal-or-agency:escalate-agency']);
  expect(warnings[0]).toMatchObject({ path: 'dunningSteps.8.offsetDays', fix: expect.stringContaining('day 60 or later') });
  expect(rulesOf(policyWith((doc) => { doc.dunningSteps[8].offsetDays = 60; }))).toEqual([]);
});

test('a friendly final notice does not read as final', () => {
  expect(rulesOf(policyWith((doc) => { doc.dunningSteps[4].tone = 'friendly'; }))).toEqual(['friendly-final-notice:final-notice']);
});

test('emails closer than three days to the same customers harass; different segments do not clash', () => {
  expect(rulesOf(policyWith((doc) => { doc.dunningSteps[2].offsetDays = 2; }))).toEqual(['contact-gap-too-short:reminder-7-days']);
  const separate = policyWith((doc) => {
    doc.dunningSteps[1].appliesTo = { segments: ['government'] };
    doc.dunningSteps[2].offsetDays = 2;
    doc.dunningSteps[2].appliesTo = { segments: ['smb'] };
  });
  expect(rulesOf(separate)).not.toContain('contact-gap-too-short:reminder-7-days');
});

test('legal or agency escalation with no final notice before it', () => {
  const policy = policyWith((doc) => { stepOf(doc, 'final-notice').finalNotice = false; stepOf(doc, 'final-notice-strategic').finalNotice = false; });
  expect(rulesOf(policy)).toEqual(['escalation-without-final-notice:escalate-legal', 'escalation-without-final-notice:escalate-agency']);
  // Government's legal step has its own final notice.
  expect(rulesOf(policyWith((doc) => { stepOf(doc, 'final-notice-government').finalNotice = false; })))
    .toEqual(['escalation-without-final-notice:escalate-legal-government']);
  // Only strategic accounts lose their final notice: the shared legal and agency steps warn for them alone.
  const strategicOnly = lintPolicy(policyWith((doc) => { stepOf(doc, 'final-notice-strategic').finalNotice = false; }));
  expect(strategicOnly.map((w) => `${w.rule}:${w.stepId}`)).toEqual(['escalation-without-final-notice:escalate-legal', 'escalation-without-final-notice:escalate-agency']);
  expect(strategicOnly[0].message).toBe('legal escalation with no final notice before it for strategic accounts');
});

test('interest above the statutory maximum', () => {
  const policy = policyWith((doc) => { doc.interest = { enabled: true, annualRateBasisPoints: 1800, statutoryMaxAnnualRateBasisPoints: 1200 }; });
  expect(lintPolicy(policy)).toEqual([expect.objectContaining({ rule: 'interest-above-statutory-cap', path: 'interest.annualRateBasisPoints' })]);
  expect(lintPolicy(policyWith((doc) => { doc.interest = { enabled: true, annualRateBasisPoints: 1200, statutoryMaxAnnualRateBasisPoints: 1200 }; }))).toEqual([]);
});

test('a write-off limit with no approver above it', () => {
  const policy = policyWith((doc) => { doc.writeOff.approvalHierarchy = [{ role: 'ar-manager', maxAmountMinor: 100_000 }]; });
  expect(lintPolicy(policy)).toEqual([expect.objectContaining({ rule: 'write-off-without-top-approver', path: 'writeOff.approvalHierarchy.0.maxAmountMinor' })]);
});

test('the policy\'s own contact gap, when longer, is the one enforced', () => {
  // −3 → 1 is four days and 1 → 7 is six: both under a seven-day gap; 7 → 15 is fine.
  expect(rulesOf(policyWith((doc) => { doc.contact = { minGapDays: 7 }; })))
    .toEqual(['contact-gap-too-short:reminder-1-day', 'contact-gap-too-short:reminder-7-days']);
});

test('an agency whose fee takes more than half of the smallest balance handed over', () => {
  // 25 % of $300.00 is $75.00, but the minimum fee of $250.00 applies: more than half of $300.00.
  const cheap = policyWith((doc) => { doc.agency = { feePercent: 25, minimumFeeMinor: 25_000, minimumBalanceMinor: 30_000 }; });
  expect(lintPolicy(cheap)).toEqual([expect.objectContaining({
    rule: 'agency-cost-exceeds-balance', stepId: 'escalate-agency', path: 'agency.minimumBalanceMinor',
    fix: expect.stringContaining('at least 50000 ($500.00)'),
  })]);
  // At exactly twice the minimum fee the fee is half the balance: accepted.
  expect(lintPolicy(policyWith((doc) => { doc.agency = { minimumFeeMinor: 25_000, minimumBalanceMinor: 50_000 }; }))).toEqual([]);
  // A commission above half cannot be fixed by the balance alone.
  const greedy = lintPolicy(policyWith((doc) => { doc.agency = { feePercent: 60, minimumFeeMinor: 0, minimumBalanceMinor: 1_000_000 }; }));
  expect(greedy).toEqual([expect.objectContaining({ rule: 'agency-cost-exceeds-balance', fix: expect.stringContaining('commission down to 50 %') })]);
  // No agency step, no agency cost.
  const noAgency = policyWith((doc) => {
    doc.dunningSteps = doc.dunningSteps.filter((step: any) => step.level !== 'agency');
    doc.agency = { minimumBalanceMinor: 0 };
  });
  expect(rulesOf(noAgency)).toEqual([]);
});

test('contact on weekends when saturday or sunday is not a quiet day', () => {
  const warnings = lintPolicy(policyWith((doc) => { doc.contact = { quietWeekdays: ['sunday'] }; }));
  expect(warnings).toEqual([expect.objectContaining({
    rule: 'step-on-quiet-day', stepId: '', path: 'contact.quietWeekdays', fix: expect.stringContaining('"saturday"'),
  })]);
  expect(lintPolicy(policyWith((doc) => { doc.contact = { quietWeekdays: [] }; }))[0].message).toMatch(/saturday and sunday are not/);
  expect(rulesOf(policyWith((doc) => { doc.contact = { quietWeekdays: ['friday', 'saturday', 'sunday'] }; }))).toEqual([]);
});

test('the send hour read in the contact time zone, summer and winter', () => {
  // 09:00 UTC is 04:00 in New York in January and 05:00 in July: before business hours all year.
  const newYork = lintPolicy(policyWith((doc) => { doc.contact = { timeZone: 'America/New_York' }; }));
  expect(newYork).toEqual([expect.objectContaining({ rule: 'send-hour-outside-business-hours', stepId: '', path: 'sendHourUtc' })]);
  expect(newYork[0].message).toContain('04:00 in January and 05:00 in July (daylight saving time)');
  expect(newYork[0].fix).toBe('set sendHourUtc to 14 (09:00 / 10:00 in America/New_York, January / July)');
  expect(rulesOf(policyWith((doc) => { doc.sendHourUtc = 14; doc.contact = { timeZone: 'America/New_York' }; }))).toEqual([]);
  // 16:00 UTC is 17:00 in Berlin in winter (closed) but 18:00 in summer: either is outside 9–17.
  expect(rulesOf(policyWith((doc) => { doc.sendHourUtc = 15; doc.contact = { timeZone: 'Europe/Berlin' }; })))
    .toEqual(['send-hour-outside-business-hours:']);
  // Half-hour zones: 09:00 UTC is 14:30 in Kolkata.
  expect(rulesOf(policyWith((doc) => { doc.contact = { timeZone: 'Asia/Kolkata' }; }))).toEqual([]);
});
