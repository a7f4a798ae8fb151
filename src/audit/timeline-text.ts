/**
 * The audit timeline as text for a person: one line per event, with its time and history event id,
 * what happened, why (the rule, the policy id@version and the figures it used) and, for a decision,
 * who decided under which key.
 */
import { formatMoney } from '../domain/money';
import type { Why } from '../domain/why';
import type { AuditEntry, DecidedBy } from './audit-timeline';

/** What a timeline text is made from: the workflow, when it was exported, its runs and their entries. */
export interface TimelineSource {
  workflowId: string;
  exportedAt: string;
  runs: readonly { runId: string }[];
  timeline: readonly AuditEntry[];
}

/** The figures of a `why` in words: `balance $2,450.00, 31 days past due, interest $12.40, late fee $25.00`. */
export function describeInputs(inputs: Why['inputs']): string {
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency: inputs.currency });
  const days = Math.abs(inputs.daysPastDue);
  const age = inputs.daysPastDue >= 0 ? `${days} day${days === 1 ? '' : 's'} past due` : `due in ${days} day${days === 1 ? '' : 's'}`;
  const parts = [`balance ${money(inputs.balanceMinor)}`, age, `interest ${money(inputs.interestMinor)}`, `late fee ${money(inputs.lateFeeMinor)}`];
  const { collectibleMinor, escalationLevel, segment, riskTier } = inputs;
  if (typeof collectibleMinor === 'number' && collectibleMinor !== inputs.balanceMinor) parts.push(`collectible ${money(collectibleMinor)}`);
  if (typeof escalationLevel === 'string' && escalationLevel !== 'none') parts.push(`escalation ${escalationLevel}`);
  if (typeof segment === 'string') parts.push(`segment ${segment}`);
  if (typeof riskTier === 'string') parts.push(`risk ${riskTier}`);
  return parts.join(', ');
}

/** `why: <rule> (policy <id>@<version>; <inputs>)`. */
export function describeWhy(why: Why): string {
  return `why: ${why.rule} (policy ${why.policyId}@${why.policyVersion}; ${describeInputs(why.inputs)})`;
}

/** `decided by <holder> (<role>) under key <id>`, or `sent under key <id>` for a message that names no person (a backend system's). */
export function describeDecider(by: DecidedBy): string {
  const key = by.keyId ? ` under key ${by.keyId}` : '';
  return by.holder ? `decided by ${by.holder}${by.role ? ` (${by.role})` : ''}${key}` : `sent${key}`;
}

/** One line of the timeline. */
export function timelineLine(entry: AuditEntry): string {
  const parts = [`${entry.at}  #${String(entry.eventId).padEnd(4)} ${entry.type.padEnd(26)} ${entry.what}`];
  if (entry.why) parts.push(describeWhy(entry.why));
  if (entry.decidedBy) parts.push(describeDecider(entry.decidedBy));
  return parts.join(' | ');
}

/** The whole timeline: a heading, then each run's lines under the run's id. */
export function timelineText(source: TimelineSource): string {
  const lines = [`Audit of workflow ${source.workflowId}: ${source.runs.length} run${source.runs.length === 1 ? '' : 's'}, exported ${source.exportedAt}`];
  source.runs.forEach(({ runId }, index) => {
    lines.push('', `Run ${index + 1} of ${source.runs.length}: ${runId}`);
    for (const entry of source.timeline.filter((e) => e.runId === runId)) lines.push(timelineLine(entry));
  });
  return `${lines.join('\n')}\n`;
}
