import { STANDARD_AGING_BUCKETS } from '../../src/domain/aging';
import { dunningPlan } from '../../src/domain/dunning-schedule';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { collectionsPolicySchema, parsePolicy, type CollectionsPolicyInput, type PolicyProblem, type Segment } from '../../src/domain/policy/schema';

/** A plain copy of the default policy, changed by `edit`, as a document a person might submit. */
function policyWith(edit: (doc: any) => void): unknown {
  const doc = structuredClone(DEFAULT_POLICY);
  edit(doc);
  return doc;
}

function problemsOf(document: unknown): PolicyProblem[] {
  const result = parsePolicy(document);
  if (result.ok) throw new Error('expected the policy to be refused');
  return result.problems;
}

describe('DEFAULT_POLICY', () => {
  const plan = (segment: Segment) => dunningPlan(DEFAULT_POLICY, { segment, riskTier: 'green' });
  const days = (segment: Segment) => plan(segment).map((step) => `${step.offsetDays} ${step.id}${step.action === 'email' ? ` ${step.tone}` : ''}`);

  test('validates against the schema', () => {
    expect(parsePolicy(DEFAULT_POLICY)).toEqual({ ok: true, policy: DEFAULT_POLICY });
  });

  test('has the playbook steps first and in place, standard buckets and a 180-day review', () => {
    // Workflows, their tests and recorded histories know these ids, days and positions.
    expect(DEFAULT_POLICY.dunningSteps.slice(0, 10).map((s) => [s.id, s.offsetDays])).toEqual([
      ['reminder-upcoming', -3], ['reminder-1-day', 1], ['reminder-7-days', 7], ['reminder-15-days', 15], ['final-notice', 30],
      ['collector-call', 35], ['escalate-sales', 45], ['escalate-management', 60], ['escalate-legal', 90], ['escalate-agency', 120],
    ]);
    expect(DEFAULT_POLICY.dunningSteps.filter((s) => s.action === 'email' && s.finalNotice).map((s) => s.id))
      .toEqual(['final-notice', 'final-notice-strategic', 'final-notice-government']);
    expect(DEFAULT_POLICY.agingBuckets).toEqual(STANDARD_AGING_BUCKETS);
    expect(DEFAULT_POLICY.writeOff).toMatchObject({ reviewAfterDays: 180, reReviewAfterDays: 90, recoverAfterWriteOff: true });
  });

  test.each(['smb', 'enterprise', 'international'] as const)('%s accounts get the playbook schedule, firm from day 15', (segment) => {
    expect(days(segment)).toEqual([
      '-3 reminder-upcoming friendly', '1 reminder-1-day friendly', '7 reminder-7-days neutral', '15 reminder-15-days firm',
      '30 final-notice firm', '35 collector-call', '45 escalate-sales', '60 escalate-management', '90 escalate-legal', '120 escalate-agency',
    ]);
  });

  test('strategic accounts get the same rhythm, never a firm email, and keep their escalations', () => {
    expect(days('strategic')).toEqual([
      '-3 reminder-upcoming friendly', '1 reminder-1-day friendly', '7 reminder-7-days neutral', '15 reminder-15-days-strategic neutral',
      '30 final-notice-strategic neutral', '35 collector-call', '45 escalate-sales', '60 escalate-management', '90 escalate-legal', '120 escalate-agency',
    ]);
    expect(plan('strategic').find((step) => step.id === 'final-notice-strategic')).toMatchObject({ template: 'final-notice', finalNotice: true });
  });

  test('government accounts get a longer schedule on statutory timelines, without nudges or an agency', () => {
    expect(days('government')).toEqual([
      '-3 reminder-upcoming friendly', '15 reminder-15-days-government neutral', '30 reminder-30-days-government neutral',
      '45 final-notice-government neutral', '50 collector-call-government', '75 escalate-management-government', '120 escalate-legal-government',
    ]);
    expect(plan('government').find((step) => step.id === 'final-notice-government')).toMatchObject({ template: 'final-notice', finalNotice: true });
    expect(plan('government').some((step) => step.action === 'escalate' && step.level === 'agency')).toBe(false);
  });
});

describe('parsePolicy refuses with field paths and reasons', () => {
  test('a duplicate step id', () => {
    expect(problemsOf(policyWith((p) => { p.dunningSteps[3].id = 'reminder-1-day'; }))).toEqual([
      { path: 'dunningSteps.3.id', reason: 'duplicate step id "reminder-1-day"' },
    ]);
  });

  test.each([180, 200])('a step on or after the review day (offset %i)', (offset) => {
    expect(problemsOf(policyWith((p) => { p.dunningSteps[9].offsetDays = offset; }))).toEqual([
      { path: 'dunningSteps.9.offsetDays', reason: expect.stringContaining('write-off review (day 180)') },
    ]);
  });

  test('a step the day before the review is accepted', () => {
    expect(parsePolicy(policyWith((p) => { p.dunningSteps[9].offsetDays = 179; })).ok).toBe(true);
  });

  test('a non-contiguous aging bucket', () => {
    expect(problemsOf(policyWith((p) => { p.agingBuckets[2].fromDays = 32; }))).toEqual([
      { path: 'agingBuckets.2.fromDays', reason: expect.stringContaining('start the day after the previous bucket ends (31)') },
    ]);
  });

  test('aging buckets closed at either end', () => {
    const paths = problemsOf(policyWith((p) => { p.agingBuckets[0].fromDays = -30; p.agingBuckets[5].toDays = 365; })).map((x) => x.path);
    expect(paths).toEqual(['agingBuckets.0.fromDays', 'agingBuckets.5.toDays']);
  });

  test('an empty bucket list, without crashing', () => {
    expect(problemsOf(policyWith((doc) => { doc.agingBuckets = []; })).map((p) => p.path)).toEqual(['agingBuckets']);
  });

  test('a bucket that ends before it starts', () => {
    const buckets = [
      { label: 'current', fromDays: null, toDays: 0 }, { label: 'a', fromDays: 1, toDays: 30 },
      { label: 'b', fromDays: 31, toDays: 20 }, { label: 'c', fromDays: 21, toDays: null },
    ];
    expect(problemsOf(policyWith((doc) => { doc.agingBuckets = buckets; })).map((p) => p.path)).toContain('agingBuckets.2.toDays');
  });

  test('an unknown tone', () => {
    expect(problemsOf(policyWith((p) => { p.dunningSteps[0].tone = 'angry'; }))).toEqual([
      { path: 'dunningSteps.0.tone', reason: expect.stringContaining('friendly') },
    ]);
  });

  test('an unknown action', () => {
    expect(problemsOf(policyWith((p) => { p.dunningSteps[1].action = 'sms'; }))).toEqual([
      { path: 'dunningSteps.1.action', reason: expect.stringContaining('call_task') },
    ]);
  });

  test('escalation to the collector level', () => {
    expect(problemsOf(policyWith((p) => { p.dunningSteps[6].level = 'collector'; })).map((x) => x.path)).toEqual(['dunningSteps.6.level']);
  });

  test('an extra unknown field, at the root and inside a step', () => {
    expect(problemsOf(policyWith((p) => { p.owner = 'finance'; }))).toEqual([{ path: '(root)', reason: expect.stringContaining('owner') }]);
    expect(problemsOf(policyWith((p) => { p.dunningSteps[5].note = 'x'; }))).toEqual([
      { path: 'dunningSteps.5', reason: expect.stringContaining('note') },
    ]);
  });

  test('version 0', () => {
    expect(problemsOf(policyWith((p) => { p.version = 0; }))).toEqual([{ path: 'version', reason: expect.any(String) }]);
  });

  test('lists every failing field of the schema, not just the first', () => {
    const paths = problemsOf(policyWith((p) => {
      p.version = 0;
      p.dunningSteps[0].tone = 'angry';
      p.dunningSteps[2].action = 'sms';
      p.sendHourUtc = 24;
      p.owner = 'finance';
    })).map((x) => x.path);
    expect(paths).toEqual(expect.arrayContaining(['version', 'dunningSteps.0.tone', 'dunningSteps.2.action', 'sendHourUtc', '(root)']));
    expect(paths).toHaveLength(5);
  });

  test('lists every failing cross-field rule, not just the first', () => {
    const paths = problemsOf(policyWith((p) => {
      p.dunningSteps[3].id = 'reminder-1-day';
      p.dunningSteps[9].offsetDays = 180;
      p.agingBuckets[2].fromDays = 32;
    })).map((x) => x.path);
    expect(paths).toEqual(['dunningSteps.3.id', 'dunningSteps.9.offsetDays', 'agingBuckets.2.fromDays']);
  });
});

describe('defaults', () => {
  const minimal: CollectionsPolicyInput = {
    policyId: 'minimal',
    version: 1,
    name: 'Minimal',
    agingBuckets: [{ label: 'all', fromDays: null, toDays: null }],
    dunningSteps: [{ id: 'only', offsetDays: 1, action: 'email', template: 'reminder-past-due', tone: 'neutral' }],
    writeOff: {},
  };

  test('fill finalNotice false, sendHourUtc 9 and the write-off timers when omitted', () => {
    const policy = collectionsPolicySchema.parse(minimal);
    expect(policy.sendHourUtc).toBe(9);
    expect(policy.dunningSteps[0]).toMatchObject({ finalNotice: false });
    expect(policy.writeOff).toMatchObject({ reviewAfterDays: 180, reReviewAfterDays: 90 });
  });

  test('keep given values', () => {
    const result = parsePolicy({ ...minimal, sendHourUtc: 14 });
    expect(result.ok && result.policy.sendHourUtc).toBe(14);
  });
});

describe('money terms and account handling', () => {
  test('are filled with the playbook defaults when omitted', () => {
    expect(DEFAULT_POLICY.paymentPlans).toMatchObject({ enabled: true, standardTermDays: [30, 60, 90], customRequiresApproval: true });
    expect(DEFAULT_POLICY.disputes).toMatchObject({ slaBusinessDays: 5, categories: ['pricing', 'quantity', 'quality', 'delivery', 'duplicate_charge'] });
    expect(DEFAULT_POLICY.contact).toMatchObject({ minGapDays: 3, quietWeekdays: ['saturday', 'sunday'], timeZone: 'UTC' });
    expect(DEFAULT_POLICY.escalationApprovals).toEqual({ vip: ['agency'], strategic: ['legal', 'agency'], vipCustomerIds: [] });
    expect(DEFAULT_POLICY.writeOff.approvalHierarchy.at(-1)).toEqual({ role: 'cfo', maxAmountMinor: null });
    expect(DEFAULT_POLICY.interest.enabled).toBe(false);
  });

  test('are refused with field paths when wrong', () => {
    const paths = problemsOf(policyWith((doc) => {
      doc.interest = { annualRateBasisPoints: 20_000 };
      doc.paymentPlans = { standardTermDays: [45] };
      doc.contact = { timeZone: 'Mars/Olympus', businessHours: { startHour: 18, endHour: 9 } };
      doc.disputes = { categories: ['weather'] };
      doc.writeOff.approvalHierarchy = [{ role: 'cfo', maxAmountMinor: null }, { role: 'ar-manager', maxAmountMinor: 1000 }];
    })).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining([
      'interest.annualRateBasisPoints', 'paymentPlans.standardTermDays.0', 'contact.businessHours.endHour', 'contact.timeZone',
      'disputes.categories.0', 'writeOff.approvalHierarchy',
    ]));
  });
});
