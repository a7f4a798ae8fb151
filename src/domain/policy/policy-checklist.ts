/** A collections policy as a Markdown checklist of follow-up steps per customer segment, for AR managers and auditors. */
import { dunningPlan } from '../dunning-schedule';
import { RISK_TIERS, SEGMENTS, type CollectionsPolicy, type DunningStep, type RiskTier, type Segment } from './schema';

/** A step of a segment's plan with the risk tiers it applies to. */
export interface PlannedStep {
  step: DunningStep;
  riskTiers: RiskTier[];
}

/** The segment's steps across every risk tier, in the order they run, each with the risk tiers it applies to. */
export function segmentPlan(policy: CollectionsPolicy, segment: Segment): PlannedStep[] {
  const tiersByStep = new Map<string, RiskTier[]>();
  for (const riskTier of RISK_TIERS) {
    for (const step of dunningPlan(policy, { segment, riskTier })) tiersByStep.set(step.id, [...(tiersByStep.get(step.id) ?? []), riskTier]);
  }
  // Every tier's plan is the policy's order sorted by offset, so their union is too.
  return policy.dunningSteps
    .filter((step) => tiersByStep.has(step.id))
    .sort((a, b) => a.offsetDays - b.offsetDays)
    .map((step) => ({ step, riskTiers: tiersByStep.get(step.id) ?? [] }));
}

/** A step as one line for people: its day, its action and, when limited, the risk tiers it applies to. */
export function describePlannedStep({ step, riskTiers }: PlannedStep): string {
  const tiers = riskTiers.length < RISK_TIERS.length ? ` (risk tiers: ${riskTiers.join(', ')})` : '';
  return `${dayLabel(step.offsetDays)}: ${actionLabel(step)}${tiers}`;
}

/** Pluralises a count of days: "1 day", "6 days". */
export function dayCount(count: number): string {
  return `${count} ${Math.abs(count) === 1 ? 'day' : 'days'}`;
}

/** The policy's follow-up checklist in Markdown, for one segment or for every segment. */
export function policyChecklist(policy: CollectionsPolicy, segment?: Segment): string {
  const { reviewAfterDays, reReviewAfterDays } = policy.writeOff;
  const lines = [
    `# Follow-up checklist: ${policy.name.replace(/\s+/g, ' ')}, version ${policy.version}`,
    '',
    `Policy \`${policy.policyId}\`. Days count from the invoice due date; steps run at ${String(policy.sendHourUtc).padStart(2, '0')}:00 UTC.`,
  ];
  for (const s of segment ? [segment] : SEGMENTS) {
    const plan = segmentPlan(policy, s);
    lines.push('', `## Segment: ${s}`, '');
    if (plan.length === 0) lines.push('- No follow-up steps for this segment.');
    lines.push(...plan.map((planned) => `- [ ] ${describePlannedStep(planned)}`));
    lines.push(
      `- [ ] Day ${reviewAfterDays}: write-off review by a person; if declined, review again every ${dayCount(reReviewAfterDays)}`,
      '',
      'Dunning stops when the invoice is paid in full or cancelled.',
    );
  }
  lines.push(
    '',
    '## Triggers',
    '',
    '- **Payment in full:** ends dunning at once; no further step runs.',
    '- **Partial payment:** reduces the balance; dunning continues on schedule and later notices show the remaining balance.',
    `- **Write-off review:** waits for a person's decision; approved writes the invoice off, declined continues collection until the next review ${dayCount(reReviewAfterDays)} later.`,
  );
  return `${lines.join('\n')}\n`;
}

function dayLabel(offsetDays: number): string {
  if (offsetDays < 0) return `Day ${offsetDays} (${dayCount(-offsetDays)} before due)`;
  if (offsetDays === 0) return 'Day 0 (due date)';
  return `Day ${offsetDays}`;
}

function actionLabel(step: DunningStep): string {
  switch (step.action) {
    case 'email':
      return `${step.tone} ${step.finalNotice ? 'final notice email' : 'email'} "${step.template}"`;
    case 'call_task':
      return `collector call task${step.script ? ` (script ${step.script})` : ''}`;
    case 'escalate':
      return `escalate to ${step.level}`;
  }
}
