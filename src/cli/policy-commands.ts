/** `policy validate <file>` and `policy lint <file>`: check a policy document before saving it. */
import { readFileSync } from 'node:fs';
import { TemplateLibrary } from '../notices/template-library';
import { lintPolicy } from '../policies/policy-lint';
import { validatePolicy } from '../policies/policy-validation';

/** Prints every problem (exit 1) or every warning (exit 0) of the policy in `file`. */
export function checkPolicyFile(file: string, mode: 'validate' | 'lint'): number {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    process.stderr.write(`${file}: not a readable JSON document (${error instanceof Error ? error.message : String(error)})\n`);
    return 1;
  }
  const result = validatePolicy(document, new TemplateLibrary());
  if (!result.ok) {
    for (const problem of result.problems) process.stdout.write(`error  ${problem.path}: ${problem.reason}\n`);
    process.stdout.write(`${file}: refused, ${result.problems.length} problem(s)\n`);
    return 1;
  }
  const warnings = mode === 'lint' ? lintPolicy(result.policy) : [];
  for (const warning of warnings) {
    process.stdout.write(`warn   ${warning.path} [${warning.rule}] step "${warning.stepId}": ${warning.message}\n       fix: ${warning.fix}\n`);
  }
  process.stdout.write(`${file}: valid (${result.policy.policyId} v${result.policy.version})${mode === 'lint' ? `, ${warnings.length} warning(s)` : ''}\n`);
  return 0;
}
