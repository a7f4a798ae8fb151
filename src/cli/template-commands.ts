/** `template list` and `template preview <name> [--tone firm] [--format text|html|json]`: read the templates from a terminal. */
import { parseArgs } from 'node:util';
import { toneSchema } from '../domain/policy/schema';
import { TemplateLibrary } from '../notices/template-library';
import { previewAsHtml, previewAsText, previewTemplate } from '../notices/template-preview';

const USAGE = 'usage: template list | template preview <name> [--tone friendly|neutral|firm] [--format text|html|json]';

/** Runs a `template` sub-command with its arguments; answers the exit code. */
export function runTemplateCommand(args: string[], library = new TemplateLibrary()): number {
  const { positionals, values } = parseArgs({
    args, allowPositionals: true,
    options: { tone: { type: 'string', default: 'neutral' }, format: { type: 'string', default: 'text' } },
  });
  const [mode, name] = positionals;
  if (mode === 'list') return listTemplates(library);
  if (mode === 'preview' && name) return printPreview(library, name, values.tone ?? 'neutral', values.format ?? 'text');
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

function listTemplates(library: TemplateLibrary): number {
  const rows = library.catalog().map((entry) => [
    entry.name, entry.kind, entry.tones.length === 0 ? 'text only, one wording' : `own wording: ${entry.tonesWithOwnWording.join(', ') || 'none (one wording for every tone)'}`,
  ]);
  const width = (column: number) => Math.max(...[['NAME', 'KIND'], ...rows].map((row) => row[column].length));
  for (const row of [['NAME', 'KIND', 'TONES'], ...rows]) {
    process.stdout.write(`${row[0].padEnd(width(0))}  ${row[1].padEnd(width(1))}  ${row[2]}\n`);
  }
  return 0;
}

function printPreview(library: TemplateLibrary, name: string, tone: string, format: string): number {
  if (!toneSchema.safeParse(tone).success) {
    process.stderr.write(`--tone: must be friendly, neutral or firm, not "${tone}"\n`);
    return 2;
  }
  if (!['text', 'html', 'json'].includes(format)) {
    process.stderr.write(`--format: must be text, html or json, not "${format}"\n`);
    return 2;
  }
  const preview = previewTemplate(library, name, tone);
  if (!preview) {
    process.stderr.write(`no template "${name}"; see: template list\n`);
    return 1;
  }
  if (format === 'html') process.stdout.write(previewAsHtml(preview));
  else if (format === 'json') process.stdout.write(`${JSON.stringify(preview, null, 2)}\n`);
  else process.stdout.write(previewAsText(preview));
  return 0;
}
