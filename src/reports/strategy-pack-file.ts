/** Writes the strategy pack of a policy document on disk: the workbook and, when asked, the Markdown. */
import { readFileSync, writeFileSync } from 'node:fs';
import type { TemplateLibrary } from '../notices/template-library';
import { validatePolicy } from '../policies/policy-validation';
import { strategyPackDocument, strategyPackXlsx } from './strategy-pack';

/** Where to write: an .xlsx path, a Markdown path, or both. */
export interface StrategyPackTargets {
  xlsx?: string;
  markdown?: string;
}

/** The files written, or why the policy was refused (one line per problem). */
export type StrategyPackExport = { ok: true; written: string[] } | { ok: false; problems: string[] };

/** Validates the policy in `policyFile` (a missing version counts as 1) and writes its pack to the targets. */
export async function exportStrategyPack(policyFile: string, targets: StrategyPackTargets, templates: TemplateLibrary): Promise<StrategyPackExport> {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(policyFile, 'utf8'));
  } catch (error) {
    return { ok: false, problems: [`${policyFile}: not a readable JSON document (${error instanceof Error ? error.message : String(error)})`] };
  }
  const result = validatePolicy({ version: 1, ...(document as object) }, templates);
  if (!result.ok) return { ok: false, problems: result.problems.map((problem) => `${problem.path}: ${problem.reason}`) };
  const written: string[] = [];
  if (targets.xlsx) {
    writeFileSync(targets.xlsx, await strategyPackXlsx(result.policy, templates));
    written.push(targets.xlsx);
  }
  if (targets.markdown) {
    writeFileSync(targets.markdown, strategyPackDocument(result.policy, templates));
    written.push(targets.markdown);
  }
  return { ok: true, written };
}
