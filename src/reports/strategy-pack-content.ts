/**
 * What the strategy pack says, as plain rows, built once from a validated policy and the templates:
 * the workbook and the Markdown document both lay out these rows, so they always agree.
 */
import { agingBucket } from '../domain/aging';
import { policyChecklist, segmentPlan } from '../domain/policy/policy-checklist';
import { RISK_TIERS, SEGMENTS, type CollectionsPolicy, type DunningStep, type Segment } from '../domain/policy/schema';
import { sampleNoticeVariablesOnDay } from '../notices/sample-variables';
import type { TemplateLibrary } from '../notices/template-library';
import { bucketsOverlapping, callScriptRanges, describeRange } from './call-script-ranges';

/** One step of a segment's plan, placed in the aging bucket of its day. */
export interface PlanRow {
  segment: Segment;
  bucket: string;
  day: number;
  stepId: string;
  action: string;
  templateOrScript: string;
  tone: string;
  riskTiers: string;
}

/** One email step of a segment, rendered with sample data for its day. */
export interface EmailScriptRow {
  segment: Segment;
  stepId: string;
  day: number;
  template: string;
  tone: string;
  subject: string;
  text: string;
}

/** One call script with the accounts it is for and the steps that open a call with it. */
export interface CallScriptRow {
  scriptId: string;
  daysPastDue: string;
  buckets: string;
  usedBy: string;
  text: string;
}

/** One line of the follow-up checklist: a step of a segment, or a trigger that applies to all. */
export interface ChecklistRow {
  section: string;
  item: string;
}

/** Everything in the pack except the blank reporting template and the KPI dashboard, which do not depend on the policy's steps. */
export interface StrategyPackContent {
  title: string;
  policy: CollectionsPolicy;
  plan: PlanRow[];
  emails: EmailScriptRow[];
  callScripts: CallScriptRow[];
  checklist: ChecklistRow[];
}

/** Builds the pack's rows from a policy that passed validation (its templates and scripts exist). */
export function strategyPackContent(policy: CollectionsPolicy, templates: TemplateLibrary): StrategyPackContent {
  const planned = SEGMENTS.flatMap((segment) => segmentPlan(policy, segment).map((step) => ({ segment, ...step })));
  return {
    title: `Collections strategy pack: ${policy.name.replace(/\s+/g, ' ')}, version ${policy.version}`,
    policy,
    plan: planned.map(({ segment, step, riskTiers }) => ({
      segment,
      bucket: agingBucket(step.offsetDays, policy.agingBuckets),
      day: step.offsetDays,
      stepId: step.id,
      action: actionName(step),
      templateOrScript: step.action === 'email' ? step.template : step.action === 'call_task' ? step.script ?? '' : '',
      tone: step.action === 'email' ? step.tone : '',
      riskTiers: riskTiers.length === RISK_TIERS.length ? 'all' : riskTiers.join(', '),
    })),
    emails: planned.flatMap(({ segment, step }) => {
      if (step.action !== 'email') return [];
      const email = templates.render(step.template, sampleNoticeVariablesOnDay(step.tone, step.offsetDays));
      return [{ segment, stepId: step.id, day: step.offsetDays, template: step.template, tone: step.tone, subject: email.subject, text: email.text }];
    }),
    callScripts: callScriptRanges(templates.callScriptIds()).map((range) => ({
      scriptId: range.scriptId,
      daysPastDue: describeRange(range),
      buckets: bucketsOverlapping(range, policy.agingBuckets).join(', '),
      usedBy: policy.dunningSteps
        .filter((step) => step.action === 'call_task' && step.script === range.scriptId)
        .map((step) => `${step.id} (day ${step.offsetDays})`).join(', ') || 'on demand',
      // Sample data aged into the script's range, five days in, so it reads as it will on such a call.
      text: templates.renderCallScript(range.scriptId, sampleNoticeVariablesOnDay('neutral', range.fromDays + 4)),
    })),
    checklist: checklistRows(policyChecklist(policy)),
  };
}

function actionName(step: DunningStep): string {
  switch (step.action) {
    case 'email': return step.finalNotice ? 'Final notice email' : 'Email';
    case 'call_task': return 'Collector call';
    case 'escalate': return `Escalate to ${step.level}`;
  }
}

/** The checklist's items, read from its Markdown so the pack says exactly what /checklist says. */
function checklistRows(markdown: string): ChecklistRow[] {
  let section = '';
  const rows: ChecklistRow[] = [];
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3).replace(/^Segment: /, '');
    else if (line.startsWith('- [ ] ')) rows.push({ section, item: line.slice(6) });
    else if (line.startsWith('- ')) rows.push({ section, item: line.slice(2).replace(/\*\*/g, '') });
  }
  return rows;
}
