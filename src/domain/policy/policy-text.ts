/** A policy's free text (its name, bucket labels, roles, routes): what it may hold, stated once. */
import { z } from 'zod';

/**
 * Control characters no text in a policy may hold (tab and line breaks aside): NUL cannot be stored
 * in a jsonb document, and the rest would reach the checklist and the strategy pack. Every string
 * of a policy is checked against it (src/policies/policy-validation.ts).
 */
export const POLICY_TEXT_CONTROLS = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f';

/** Free text of at least one character; the OpenAPI document and the policy reference show the check above as a pattern. */
export function policyText(max?: number) {
  const bounded = max === undefined ? z.string().min(1) : z.string().min(1).max(max);
  return bounded.meta({
    pattern: `^[^${POLICY_TEXT_CONTROLS}]*$`,
    description: `text${max === undefined ? '' : ` of at most ${max} characters`}, without control characters other than tabs and line breaks`,
  });
}
