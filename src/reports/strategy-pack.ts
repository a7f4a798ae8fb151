/**
 * The strategy pack (the AR consultant's deliverables) for a validated policy: the segmented plan
 * by aging, email and call scripts, the follow-up checklist, a reporting template and a KPI
 * dashboard, as an Excel workbook and as one Markdown document.
 */
import type { CollectionsPolicy } from '../domain/policy/schema';
import type { TemplateLibrary } from '../notices/template-library';
import { strategyPackContent } from './strategy-pack-content';
import { strategyPackMarkdown } from './strategy-pack-markdown';
import { strategyPackWorkbook } from './strategy-pack-workbook';

export { STRATEGY_PACK_SHEETS } from './strategy-pack-workbook';

/** The pack as an .xlsx file's bytes. */
export async function strategyPackXlsx(policy: CollectionsPolicy, templates: TemplateLibrary): Promise<Buffer> {
  const bytes = await strategyPackWorkbook(strategyPackContent(policy, templates)).xlsx.writeBuffer();
  return Buffer.from(bytes as ArrayBuffer);
}

/** The pack as one Markdown document. */
export function strategyPackDocument(policy: CollectionsPolicy, templates: TemplateLibrary): string {
  return strategyPackMarkdown(strategyPackContent(policy, templates));
}
