/** `policy init`, `policy validate <file>` and `policy lint <file>`: write and check policy documents. */
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { generatePolicy, policyAnswersSchema, type PolicyAnswers } from '../policies/policy-generator';
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

/** The consultant's questions, asked in a terminal when no answers file is given. */
const QUESTIONS: { key: keyof PolicyAnswers; ask: string; parse: (text: string) => unknown }[] = [
  { key: 'policyId', ask: 'Policy id (lower-case, dashes)', parse: (t) => t },
  { key: 'arSystem', ask: 'Which AR system do you use (NetSuite, QuickBooks, SAP, Excel …)?', parse: (t) => t },
  { key: 'currentDsoDays', ask: 'Current DSO in days?', parse: Number },
  { key: 'currency', ask: 'Currency of your write-off limits (ISO code)?', parse: (t) => t.toUpperCase() },
  { key: 'tone', ask: 'Tone: friendly, neutral or strict?', parse: (t) => t.toLowerCase() },
  { key: 'offerPaymentPlans', ask: 'Offer payment plans (y/n)?', parse: yes },
  { key: 'offerSettlementDiscounts', ask: 'Offer settlement discounts (y/n)?', parse: yes },
  { key: 'chargeInterest', ask: 'Charge interest on overdue balances (y/n)?', parse: yes },
  { key: 'vipCustomerIds', ask: 'VIP or key account ids to exempt from stricter actions (comma-separated)?', parse: (t) => t.split(',').map((id) => id.trim()).filter(Boolean) },
  { key: 'escalationCutoffDays', ask: 'Days past due before legal review (60–150)?', parse: Number },
  { key: 'writeOffThresholdMinor', ask: 'Largest balance an AR manager may write off alone, in cents?', parse: Number },
];

function yes(text: string): boolean {
  return /^(y|yes|true|1)$/i.test(text.trim());
}

async function askInTerminal(): Promise<PolicyAnswers> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  // Reading lines from the iterator keeps answers typed (or pasted) ahead of their question.
  const lines = terminal[Symbol.asyncIterator]();
  const answers: Record<string, unknown> = {};
  try {
    for (const question of QUESTIONS) {
      process.stdout.write(`${question.ask} (enter for the default) `);
      const line = await lines.next();
      if (line.done) break;
      const text = String(line.value).trim();
      if (text !== '') answers[question.key] = question.parse(text);
    }
  } finally {
    terminal.close();
  }
  return answers as PolicyAnswers;
}

/**
 * `policy init [--answers file.json] [--out policy.json]`: writes a valid policy from the
 * consultant's answers, read from a file, or asked in the terminal.
 */
export async function initPolicy(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { answers: { type: 'string' }, out: { type: 'string' } } });
  let answers: PolicyAnswers;
  if (values.answers) answers = JSON.parse(readFileSync(values.answers, 'utf8')) as PolicyAnswers;
  else if (process.stdin.isTTY) answers = await askInTerminal();
  else answers = JSON.parse(readFileSync(0, 'utf8') || '{}') as PolicyAnswers;
  const parsed = policyAnswersSchema.safeParse(answers);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) process.stdout.write(`error  ${issue.path.join('.')}: ${issue.message}\n`);
    return 1;
  }
  const policy = generatePolicy(parsed.data);
  const json = `${JSON.stringify(policy, null, 2)}\n`;
  if (values.out) writeFileSync(values.out, json);
  else process.stdout.write(json);
  for (const warning of lintPolicy(policy)) process.stderr.write(`advice ${warning.path} [${warning.rule}]: ${warning.message}; ${warning.fix}\n`);
  if (values.out) process.stderr.write(`wrote ${values.out} (${policy.policyId} v${policy.version})\n`);
  return 0;
}
