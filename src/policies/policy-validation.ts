/**
 * Full validation of a policy before anything runs: the schema, then every email step's template
 * and every call task's script, which must exist and read only variables the engine provides (a
 * typo fails here, not at day 30). A short document is completed from the default policy first.
 */
import { DEFAULT_POLICY } from '../domain/policy/default-policy';
import { POLICY_TEXT_CONTROLS } from '../domain/policy/policy-text';
import { parsePolicy, type CollectionsPolicy, type DunningStep, type PolicyProblem } from '../domain/policy/schema';
import type { TemplateLibrary } from '../notices/template-library';

export type PolicyValidation = { ok: true; policy: CollectionsPolicy } | { ok: false; problems: PolicyProblem[] };

/** What a document must say itself; every other top-level section may be left to the default policy. */
const OWN_FIELDS = new Set(['policyId', 'version', 'name']);

/**
 * A document with each top-level section it leaves out (aging buckets, dunning steps, write-off …)
 * taken from the default policy. A section it gives replaces the default's whole; fields left out
 * inside it take the schema's defaults.
 */
export function withDefaultSections(document: unknown): unknown {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return document;
  const given = document as Record<string, unknown>;
  const completed: Record<string, unknown> = {};
  for (const [section, value] of Object.entries(DEFAULT_POLICY)) {
    if (!OWN_FIELDS.has(section) && given[section] === undefined) completed[section] = structuredClone(value);
  }
  return { ...completed, ...given };
}

/** Validates a policy document (completed from the default policy) against the schema and the templates and call scripts on disk. */
export function validatePolicy(document: unknown, templates: TemplateLibrary): PolicyValidation {
  const unstorableText = unstorableTextProblems(document, []);
  const parsed = parsePolicy(withDefaultSections(document));
  if (!parsed.ok) return { ok: false, problems: [...unstorableText, ...parsed.problems] };
  if (unstorableText.length > 0) return { ok: false, problems: unstorableText };
  const problems = parsed.policy.dunningSteps.flatMap((step, index) => stepProblems(step, `dunningSteps.${index}`, templates));
  return problems.length > 0 ? { ok: false, problems } : parsed;
}

const CONTROL = new RegExp(`[${POLICY_TEXT_CONTROLS}]`);
// Nor can half of a UTF-16 surrogate pair on its own.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function unstorable(text: string): string | undefined {
  if (CONTROL.test(text)) return 'must not contain control characters';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode (no unpaired surrogate)';
  return undefined;
}

/** Every string (value or key) of the document that cannot be stored or has no place in a policy, by path. */
function unstorableTextProblems(value: unknown, at: (string | number)[]): PolicyProblem[] {
  const here = at.join('.') || '(root)';
  if (typeof value === 'string') {
    const reason = unstorable(value);
    return reason ? [{ path: here, reason }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => unstorableTextProblems(item, [...at, index]));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => (unstorable(key)
    ? [{ path: here, reason: `field names ${unstorable(key)}` }]
    : unstorableTextProblems(item, [...at, key])));
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
