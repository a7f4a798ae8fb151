/**
 * Full validation of a policy before anything runs: the schema, then every email step's template
 * and every call task's script, which must exist and read only variables the engine provides (a
 * typo fails here, not at day 30).
 */
import { parsePolicy, type CollectionsPolicy, type DunningStep, type PolicyProblem } from '../domain/policy/schema';
import type { TemplateLibrary } from '../notices/template-library';

export type PolicyValidation = { ok: true; policy: CollectionsPolicy } | { ok: false; problems: PolicyProblem[] };

/** Validates a policy document against the schema and the templates and call scripts on disk. */
export function validatePolicy(document: unknown, templates: TemplateLibrary): PolicyValidation {
  const parsed = parsePolicy(document);
  if (!parsed.ok) return parsed;
  const problems = parsed.policy.dunningSteps.flatMap((step, index) => stepProblems(step, `dunningSteps.${index}`, templates));
  return problems.length > 0 ? { ok: false, problems } : parsed;
}

function stepProblems(step: DunningStep, at: string, templates: TemplateLibrary): PolicyProblem[] {
  if (step.action === 'email') {
    const path = `${at}.template`;
    if (!templates.has(step.template)) return [{ path, reason: `no email template "${step.template}"; available: ${templates.names().join(', ')}` }];
    const unknown = templates.unknownVariables(step.template);
    return unknown.length > 0 ? [{ path, reason: `template "${step.template}" uses variables the engine does not provide: ${unknown.join(', ')}` }] : [];
  }
  if (step.action === 'call_task' && step.script !== undefined) {
    const path = `${at}.script`;
    if (!templates.hasCallScript(step.script)) return [{ path, reason: `no call script "${step.script}"; available: ${templates.callScriptIds().join(', ')}` }];
    const unknown = templates.unknownCallScriptVariables(step.script);
    return unknown.length > 0 ? [{ path, reason: `call script "${step.script}" uses variables the engine does not provide: ${unknown.join(', ')}` }] : [];
  }
  return [];
}
