/**
 * The strategy pack as one Markdown document, in the workbook's order. Email scripts are listed
 * once per step with the segments they go to, since most segments share them word for word.
 */
import { describeTarget, KPI_INPUTS, KPIS } from './kpi-dashboard';
import { CONTACT_OUTCOMES, logColumns, TREND_COLUMNS } from './reporting-template';
import type { StrategyPackContent } from './strategy-pack-content';

/** A Markdown table; pipes in cells are escaped. */
function table(headers: string[], rows: (string | number)[][]): string[] {
  const cell = (value: string | number) => String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)];
}

/** A fenced block that survives text containing backticks. */
function fenced(text: string): string[] {
  return ['````text', ...text.trimEnd().split('\n'), '````'];
}

/** Renders the pack as Markdown. */
export function strategyPackMarkdown(content: StrategyPackContent): string {
  const { policy } = content;
  const lines: string[] = [
    `# ${content.title}`,
    '',
    `Policy \`${policy.policyId}\`. Days count from the invoice due date. Sample data: Acme Manufacturing, invoice #2026-1042.`,
    '',
    '## Plan by aging',
    '',
  ];
  for (const segment of [...new Set(content.plan.map((row) => row.segment))]) {
    lines.push(`### Segment: ${segment}`, '');
    const rows = content.plan.filter((row) => row.segment === segment);
    lines.push(...table(['Aging bucket', 'Day', 'Step', 'Action', 'Template / script', 'Tone', 'Risk tiers'],
      rows.map((row) => [row.bucket, row.day, row.stepId, row.action, row.templateOrScript || '–', row.tone || '–', row.riskTiers])), '');
  }
  lines.push(`Every segment: write-off review at day ${policy.writeOff.reviewAfterDays}, again every ${policy.writeOff.reReviewAfterDays} days if declined.`, '');

  lines.push('## Email scripts', '');
  for (const stepId of [...new Set(content.emails.map((row) => row.stepId))]) {
    const rows = content.emails.filter((row) => row.stepId === stepId);
    const first = rows[0];
    lines.push(`### Day ${first.day}: ${first.template} (${first.tone})`, '', `Segments: ${rows.map((row) => row.segment).join(', ')}`, '');
    lines.push(...fenced(`Subject: ${first.subject}\n\n${first.text}`), '');
  }

  lines.push('## Call scripts', '');
  for (const script of content.callScripts) {
    lines.push(`### ${script.scriptId}: ${script.daysPastDue} past due`, '', `Aging buckets: ${script.buckets}. Opened by: ${script.usedBy}.`, '');
    lines.push(...fenced(script.text), '');
  }

  lines.push('## Checklist', '');
  let section = '';
  for (const row of content.checklist) {
    if (row.section !== section) {
      section = row.section;
      lines.push(...(lines.at(-1) === '' ? [] : ['']), `### ${section === 'Triggers' ? 'Triggers' : `Segment: ${section}`}`, '');
    }
    lines.push(section === 'Triggers' ? `- ${row.item}` : `- [ ] ${row.item}`);
  }
  lines.push('');

  const reached = CONTACT_OUTCOMES.filter((outcome) => outcome.startsWith('Reached')).length;
  lines.push('## Reporting template', '', `One row per contact attempt. The ${reached} outcomes starting "Reached" count as a successful contact.`, '');
  const columns = logColumns(policy);
  lines.push(...table(columns.map((column) => column.header), [columns.map(() => ' ')]), '');
  lines.push(...columns.filter((column) => column.list).map((column) => `- ${column.header}: ${column.list?.join(', ')}`), '');
  lines.push(`Recovery trend by week, computed from the log: ${TREND_COLUMNS.map((column) => column.header).join(', ')}.`, '');

  lines.push('## KPI dashboard', '', 'Inputs for the period:', '');
  lines.push(...table(['Cell', 'Input', 'Filled from'], KPI_INPUTS.map((input) => [input.cell, input.label, input.formula ? `=${input.formula}` : input.value !== undefined ? `default ${input.value}` : 'fill in'])), '');
  lines.push(...table(['KPI', 'Formula', 'Target', 'How it is calculated'], KPIS.map((kpi) => [kpi.label, `=${kpi.formula}`, describeTarget(kpi), kpi.explanation])));
  return `${lines.join('\n')}\n`;
}
