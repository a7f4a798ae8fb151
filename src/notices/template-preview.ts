/** Any template rendered with example data, whatever its kind: what the API and the CLI preview. */
import Handlebars from 'handlebars';
import type { LetterName } from './letter-variables';
import { sampleLetterVariables, sampleNoticeVariables } from './sample-variables';
import type { TemplateKind, TemplateLibrary } from './template-library';

const { escapeExpression } = Handlebars;

/** A rendered preview; call scripts have neither a subject nor HTML. */
export interface TemplatePreview {
  name: string;
  kind: TemplateKind;
  tone: string;
  subject?: string;
  text: string;
  html?: string;
}

/** Renders the template of this name with example data in a tone; undefined when there is no such template. */
export function previewTemplate(library: TemplateLibrary, name: string, tone: string): TemplatePreview | undefined {
  const kind = library.kindOf(name);
  switch (kind) {
    case undefined:
      return undefined;
    case 'email':
      return { name, kind, tone, ...library.render(name, sampleNoticeVariables(tone)) };
    case 'letter':
      return { name, kind, tone, ...library.renderLetter(name as LetterName, sampleLetterVariables(tone)) };
    case 'call-script':
      return { name, kind, tone, text: library.renderCallScript(name, sampleNoticeVariables(tone)) };
  }
}

/** A preview as a page: the template's own HTML, or (a call script's) its text, preformatted. */
export function previewAsHtml(preview: TemplatePreview): string {
  if (preview.html !== undefined) return preview.html;
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeExpression(preview.name)}</title></head>`
    + `<body><pre>${escapeExpression(previewAsText(preview))}</pre></body></html>\n`;
}

/** A preview as plain text: the subject line first when there is one. */
export function previewAsText(preview: TemplatePreview): string {
  return preview.subject === undefined ? preview.text : `Subject: ${preview.subject}\n\n${preview.text}`;
}
