/** `policy init`, `policy validate|lint <file>` and `policy checklist|diagram <file>`: write, check and show policy documents. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { formatMoney, minorUnitDigits } from '../domain/money';
import { policyChecklist } from '../domain/policy/policy-checklist';
import { policyDiagram } from '../domain/policy/policy-diagram';
import { SEGMENTS, segmentSchema, type CollectionsPolicy } from '../domain/policy/schema';
import { TemplateLibrary } from '../notices/template-library';
import { readAgingReport } from '../policies/aging-report';
import { formatAgingSummary, summarizeAgingReport } from '../policies/aging-report-summary';
import { readAmountMinor } from '../policies/aging-report-values';
import { answersFromSuggestions, suggestAnswers, type AnswerSuggestion } from '../policies/answer-suggestions';
import { generatePolicy, policyAnswersSchema, type PolicyAnswers } from '../policies/policy-generator';
import { lintPolicy } from '../policies/policy-lint';
import { validatePolicy } from '../policies/policy-validation';

/** Reads and validates the policy in `file`; prints every problem and returns undefined when it is refused. */
export function loadPolicyFile(file: string): CollectionsPolicy | undefined {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    process.stderr.write(`${file}: not a readable JSON document (${error instanceof Error ? error.message : String(error)})\n`);
    return undefined;
  }
  const result = validatePolicy(document, new TemplateLibrary());
  if (result.ok) return result.policy;
  for (const problem of result.problems) process.stdout.write(`error  ${problem.path}: ${problem.reason}\n`);
  process.stdout.write(`${file}: refused, ${result.problems.length} problem(s)\n`);
  return undefined;
}

/** Prints every problem (exit 1) or every warning (exit 0) of the policy in `file`. */
export function checkPolicyFile(file: string, mode: 'validate' | 'lint'): number {
  const policy = loadPolicyFile(file);
  if (!policy) return 1;
  const warnings = mode === 'lint' ? lintPolicy(policy) : [];
  for (const warning of warnings) {
    process.stdout.write(`warn   ${warning.path} [${warning.rule}] step "${warning.stepId}": ${warning.message}\n       fix: ${warning.fix}\n`);
  }
  process.stdout.write(`${file}: valid (${policy.policyId} v${policy.version})${mode === 'lint' ? `, ${warnings.length} warning(s)` : ''}\n`);
  return 0;
}

/** `policy checklist|diagram <file> [--segment smb]`: the follow-up checklist (Markdown) or flowchart (Mermaid). */
export function renderPolicyFile(view: 'checklist' | 'diagram', args: string[]): number {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { segment: { type: 'string' } } });
  const segment = values.segment === undefined ? undefined : segmentSchema.safeParse(values.segment);
  if (!positionals[0] || (segment && !segment.success)) {
    process.stderr.write(`usage: policy ${view} <policy.json> [--segment ${SEGMENTS.join('|')}]\n`);
    return 1;
  }
  const policy = loadPolicyFile(positionals[0]);
  if (!policy) return 1;
  process.stdout.write((view === 'checklist' ? policyChecklist : policyDiagram)(policy, segment?.data));
  return 0;
}

type Answers = Partial<Record<keyof PolicyAnswers, unknown>>;

/** Whole major units with the currency's symbol, e.g. 1000000 USD as "$10,000.00". */
const showAmount = (amountMinor: unknown, currency: string) => (typeof amountMinor === 'number' && Number.isSafeInteger(amountMinor)
  ? formatMoney({ amountMinor, currency }) : String(amountMinor));

const currencyOf = (answers: Answers) => (typeof answers.currency === 'string' && /^[A-Z]{3}$/.test(answers.currency) ? answers.currency : 'USD');

/** An amount typed by a person ("5000", "$5,000.00") in minor units of `currency`. */
function amountFromText(text: string, currency: string): number {
  minorUnitDigits(currency); // refuses an unknown currency before reading the amount
  return readAmountMinor(text, currency, {});
}

interface Question {
  key: keyof PolicyAnswers;
  ask: string;
  parse: (text: string, answers: Answers) => unknown;
  show?: (value: unknown, answers: Answers) => string;
}

const list = (text: string) => text.split(',').map((id) => id.trim()).filter(Boolean);
const yesNo = (value: unknown) => (value ? 'y' : 'n');

/** The consultant's questions, asked in a terminal when no answers file is given. */
const QUESTIONS: Question[] = [
  { key: 'policyId', ask: 'Policy id (lower-case, dashes)', parse: (t) => t },
  { key: 'arSystem', ask: 'Which AR system do you use (NetSuite, QuickBooks, SAP, Excel …)?', parse: (t) => t },
  { key: 'currentDsoDays', ask: 'Current DSO in days?', parse: Number },
  { key: 'currency', ask: 'Currency of your write-off limits (ISO code)?', parse: (t) => t.toUpperCase() },
  { key: 'tone', ask: 'Tone: friendly, neutral or strict?', parse: (t) => t.toLowerCase() },
  { key: 'offerPaymentPlans', ask: 'Offer payment plans (y/n)?', parse: yes, show: yesNo },
  { key: 'offerSettlementDiscounts', ask: 'Offer settlement discounts (y/n)?', parse: yes, show: yesNo },
  { key: 'chargeInterest', ask: 'Charge interest on overdue balances (y/n)?', parse: yes, show: yesNo },
  { key: 'vipCustomerIds', ask: 'VIP or key account ids to exempt from stricter actions (comma-separated)?', parse: list, show: (v) => (v as string[]).join(', ') },
  { key: 'escalationCutoffDays', ask: 'Days past due before legal review (60–150)?', parse: Number },
  {
    key: 'writeOffThresholdMinor', ask: 'Largest balance an AR manager may write off alone (an amount such as 5,000)?',
    parse: (t, answers) => amountFromText(t, currencyOf(answers)), show: (v, answers) => showAmount(v, currencyOf(answers)),
  },
];

function yes(text: string): boolean {
  return /^(y|yes|true|1)$/i.test(text.trim());
}

/** Asks every question not answered yet; a suggestion is shown with its reason and taken on enter. */
async function askInTerminal(given: Answers, suggestions: AnswerSuggestion[]): Promise<Answers> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  // Reading lines from the iterator keeps answers typed (or pasted) ahead of their question.
  const lines = terminal[Symbol.asyncIterator]();
  const answers: Answers = {};
  const known = () => ({ ...answersFromSuggestions(suggestions), ...answers, ...given });
  try {
    for (const question of QUESTIONS.filter((q) => given[q.key] === undefined)) {
      const suggestion = suggestions.find((candidate) => candidate.key === question.key);
      if (suggestion) process.stdout.write(`  suggested: ${suggestion.reason}\n`);
      const shown = suggestion ? ` [${(question.show ?? String)(suggestion.value, known())}]` : '';
      for (;;) {
        process.stdout.write(`${question.ask}${shown} (enter for the ${suggestion ? 'suggestion' : 'default'}) `);
        const line = await lines.next();
        if (line.done) return answers;
        const text = String(line.value).trim();
        if (text === '') break;
        try {
          answers[question.key] = question.parse(text, known());
          break;
        } catch (error) {
          process.stdout.write(`  ${error instanceof Error ? error.message : String(error)}; try again\n`);
        }
      }
    }
  } finally {
    terminal.close();
  }
  return answers;
}

const INIT_OPTIONS = {
  answers: { type: 'string' }, out: { type: 'string' }, yes: { type: 'boolean' },
  'aging-report': { type: 'string' }, 'as-of': { type: 'string' }, currency: { type: 'string' },
  'policy-id': { type: 'string' }, name: { type: 'string' }, 'ar-system': { type: 'string' }, dso: { type: 'string' },
  tone: { type: 'string' }, 'payment-plans': { type: 'boolean' }, 'settlement-discounts': { type: 'boolean' },
  interest: { type: 'boolean' }, 'interest-rate': { type: 'string' }, vip: { type: 'string' },
  'escalation-cutoff': { type: 'string' }, 'write-off-threshold': { type: 'string' },
} as const;

type InitFlags = ReturnType<typeof parseArgs<{ args: string[]; options: typeof INIT_OPTIONS; allowNegative: true }>>['values'];

/** The answers given as flags; the write-off threshold waits for the currency. */
function answersFromFlags(flags: InitFlags): Answers {
  const answers: Answers = {
    policyId: flags['policy-id'], name: flags.name, arSystem: flags['ar-system'],
    currentDsoDays: flags.dso === undefined ? undefined : Number(flags.dso),
    currency: flags.currency?.toUpperCase(), tone: flags.tone?.toLowerCase(),
    offerPaymentPlans: flags['payment-plans'], offerSettlementDiscounts: flags['settlement-discounts'],
    chargeInterest: flags.interest ?? (flags['interest-rate'] === undefined ? undefined : true),
    interestPercentPerYear: flags['interest-rate'] === undefined ? undefined : Number(flags['interest-rate']),
    vipCustomerIds: flags.vip === undefined ? undefined : list(flags.vip),
    escalationCutoffDays: flags['escalation-cutoff'] === undefined ? undefined : Number(flags['escalation-cutoff']),
  };
  return Object.fromEntries(Object.entries(answers).filter(([, value]) => value !== undefined));
}

/** Reads, prints and sizes suggestions from `--aging-report`. */
async function suggestFromReport(flags: InitFlags): Promise<AnswerSuggestion[]> {
  const file = flags['aging-report'];
  if (!file) return [];
  const report = await readAgingReport(file, { currency: flags.currency?.toUpperCase() ?? 'USD', asOf: flags['as-of'] });
  const summary = summarizeAgingReport(report);
  process.stderr.write(`${formatAgingSummary(summary, path.basename(file))}\n`);
  return suggestAnswers(summary);
}

/** Reads the answers file (`-` for stdin). */
const readAnswersFile = (file: string) => JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8') || '{}') as Answers;

/**
 * `policy init [--aging-report r.csv|xlsx] [--answers a.json|-] [answer flags] [--yes] [--out policy.json]`:
 * writes a valid policy from the consultant's answers. Flags win over the answers file or the
 * terminal, which win over suggestions from the aging report.
 */
export async function initPolicy(args: string[]): Promise<number> {
  let flags: InitFlags;
  try {
    flags = parseArgs({ args, options: INIT_OPTIONS, allowNegative: true }).values;
  } catch (error) {
    process.stderr.write(`error  ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const flagged = answersFromFlags(flags);
  let answers: Answers;
  try {
    const suggestions = await suggestFromReport(flags);
    const asked = flags.answers || flags.yes || !process.stdin.isTTY ? {} : await askInTerminal(flagged, suggestions);
    // Without a terminal, stdin carries the answers unless flags or a report already say what is wanted.
    const fromStdin = !flags.answers && !process.stdin.isTTY && Object.keys(flagged).length === 0 && !flags['aging-report'] && !flags['write-off-threshold'] && !flags.yes;
    const explicit: Answers = { ...(flags.answers ? readAnswersFile(flags.answers) : fromStdin ? readAnswersFile('-') : {}), ...asked, ...flagged };
    if (flags['write-off-threshold'] !== undefined) {
      explicit.writeOffThresholdMinor = amountFromText(flags['write-off-threshold'], currencyOf({ ...answersFromSuggestions(suggestions), ...explicit }));
    }
    answers = { ...answersFromSuggestions(suggestions), ...explicit };
    reportSuggestions(suggestions, explicit, answers, process.stdin.isTTY && !flags.answers && !flags.yes);
  } catch (error) {
    process.stderr.write(`error  ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const parsed = policyAnswersSchema.safeParse(answers);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) process.stdout.write(`error  ${issue.path.join('.')}: ${issue.message}\n`);
    return 1;
  }
  const policy = generatePolicy(parsed.data);
  const json = `${JSON.stringify(policy, null, 2)}\n`;
  if (flags.out) writeFileSync(flags.out, json);
  else process.stdout.write(json);
  for (const warning of lintPolicy(policy)) process.stderr.write(`advice ${warning.path} [${warning.rule}]: ${warning.message}; ${warning.fix}\n`);
  if (flags.out) process.stderr.write(`wrote ${flags.out} (${policy.policyId} v${policy.version})\n`);
  return 0;
}

/** One line per suggestion: taken, or set aside for an explicit answer. A threshold in another currency is dropped. */
function reportSuggestions(suggestions: AnswerSuggestion[], explicit: Answers, answers: Answers, askedInTerminal: boolean): void {
  const reportCurrency = suggestions.find((suggestion) => suggestion.key === 'currency')?.value;
  if (reportCurrency && answers.currency !== reportCurrency && explicit.writeOffThresholdMinor === undefined) {
    delete answers.writeOffThresholdMinor;
    process.stderr.write(`note   the write-off threshold was sized in ${reportCurrency}, the policy is in ${String(answers.currency)}: the default applies\n`);
  }
  if (askedInTerminal) return;
  for (const suggestion of suggestions) {
    const question = QUESTIONS.find((q) => q.key === suggestion.key);
    const plain = (v: unknown) => (suggestion.key.endsWith('Minor') ? showAmount(v, currencyOf(answers)) : Array.isArray(v) ? v.join(', ') : String(v));
    const show = (value: unknown) => (question?.show ?? plain)(value, answers);
    const given = explicit[suggestion.key];
    const outcome = given === undefined || JSON.stringify(given) === JSON.stringify(suggestion.value) ? '' : ` (your answer ${show(given)} is kept)`;
    process.stderr.write(`suggest ${suggestion.key} = ${show(suggestion.value)}: ${suggestion.reason}${outcome}\n`);
  }
}
