/** A collections policy as a Mermaid flowchart of follow-up intervals, payment and write-off paths, per customer segment. */
import { dayCount, describePlannedStep, segmentPlan } from './policy-checklist';
import { SEGMENTS, type CollectionsPolicy, type Segment } from './schema';

const PAID = 'paid';
const WRITTEN_OFF = 'written_off';

/** The policy as a Mermaid `flowchart TD`, for one segment or, in one subgraph each, for every segment. */
export function policyDiagram(policy: CollectionsPolicy, segment?: Segment): string {
  const lines = ['flowchart TD', `  %% ${policy.name.replace(/\s+/g, ' ')}, version ${policy.version}${segment ? `, segment ${segment}` : ''}`];
  const edges: string[] = [];
  for (const s of segment ? [segment] : SEGMENTS) {
    const graph = segmentGraph(policy, s, segment ? '' : `${s}_`);
    if (segment) lines.push(...graph.nodes);
    else lines.push(`  subgraph ${s}["Segment: ${s}"]`, ...graph.nodes.map((line) => `  ${line}`), '  end');
    edges.push(...graph.edges);
  }
  lines.push(node(PAID, '(["', 'Paid in full', '"])'), node(WRITTEN_OFF, '(["', 'Written off', '"])'), ...edges);
  return `${lines.join('\n')}\n`;
}

/** Nodes and edges of one segment: its steps in order, then the write-off review; every node can end in payment. */
function segmentGraph(policy: CollectionsPolicy, segment: Segment, prefix: string): { nodes: string[]; edges: string[] } {
  const { reviewAfterDays, reReviewAfterDays } = policy.writeOff;
  const review = { id: `${prefix}review`, day: reviewAfterDays };
  const steps = segmentPlan(policy, segment).map((planned) => ({
    id: `${prefix}step_${planned.step.id.replace(/-/g, '_')}`,
    day: planned.step.offsetDays,
    label: describePlannedStep(planned),
  }));
  const waiting = [...steps, review];
  const nodes = [
    ...steps.map((step) => node(step.id, '["', step.label, '"]')),
    node(review.id, '{"', `Day ${reviewAfterDays}: write-off review`, '"}'),
  ];
  const edges = [
    ...steps.map((step, i) => edge(step.id, '-->', wait(waiting[i + 1].day - step.day), waiting[i + 1].id)),
    edge(review.id, '-->', 'approved', WRITTEN_OFF),
    edge(review.id, '-->', `declined: next review in ${dayCount(reReviewAfterDays)}`, review.id),
    ...waiting.map((step) => edge(step.id, '-.->', 'payment', PAID)),
  ];
  return { nodes, edges };
}

function wait(days: number): string {
  return days === 0 ? 'same day' : `+${dayCount(days)}`;
}

function node(id: string, open: string, label: string, close: string): string {
  return `  ${id}${open}${escapeLabel(label)}${close}`;
}

function edge(from: string, arrow: string, label: string, to: string): string {
  return `  ${from} ${arrow}|"${escapeLabel(label)}"| ${to}`;
}

/** Mermaid labels are quoted, so quotes (and '#', which starts an entity) are written as entity codes. */
function escapeLabel(label: string): string {
  return label.replace(/#/g, '#35;').replace(/"/g, '#quot;');
}
