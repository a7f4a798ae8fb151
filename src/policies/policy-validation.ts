/**
 * Full validation of a policy before anything runs: the schema, then every email step's template,
 * which must exist and read only variables the engine provides (a typo fails here, not at day 30).
 */
import { parsePolicy, type CollectionsPolicy, type PolicyProblem } from '../domain/policy/schema';
import type { TemplateLibrary } from '../notices/template-library';

export type PolicyValidation = { ok: true; policy: CollectionsPolicy } | { ok: false; problems: PolicyProblem[] };

export function validatePolicy(document: unknown, templates: TemplateLibrary): PolicyValidation {
  const parsed = parsePolicy(document);
  if (!parsed.ok) return parsed;
  const problems: PolicyProblem[] = [];
  parsed.policy.dunningSteps.forEach((step, index) => {
    if (step.action !== 'email') return;
    const path = `dunningSteps.${index}.template`;
    if (!templates.has(step.template)) {
      problems.push({ path, reason: `no email template "${step.template}"; available: ${templates.names().join(', ')}` });
      return;
    }
    const unknown = templates.unknownVariables(step.template);
    if (unknown.length > 0) {
      problems.push({ path, reason: `template "${step.template}" uses variables the engine does not provide: ${unknown.join(', ')}` });
    }
  });
  return problems.length > 0 ? { ok: false, problems } : parsed;
}
