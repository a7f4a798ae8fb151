/** /v1/templates: every template (emails, call scripts, letters), and a preview of each with example data. */
import { Router } from 'express';
import { z } from 'zod';
import { toneSchema } from '../../domain/policy/schema';
import { previewAsHtml, previewAsText, previewTemplate } from '../../notices/template-preview';
import type { TemplateLibrary } from '../../notices/template-library';
import { fromZod, notFound } from '../problem';

/** A preview's query: the tone and the format. */
export const previewQuery = z.object({ tone: toneSchema.default('neutral'), format: z.enum(['json', 'html', 'text']).default('json') }).strict();

export function templateRoutes(templates: TemplateLibrary): Router {
  const router = Router();
  router.get('/templates', (_req, res) => {
    const catalog = templates.catalog();
    // `templates` stays the list of names earlier clients read; `catalog` adds each one's kind and tones.
    res.json({ templates: catalog.map((entry) => entry.name), catalog });
  });
  router.get('/templates/:name/preview', (req, res) => {
    const query = previewQuery.safeParse(req.query);
    if (!query.success) throw fromZod(query.error, 'query');
    const preview = previewTemplate(templates, req.params.name, query.data.tone);
    if (!preview) throw notFound(`template ${req.params.name}`);
    if (query.data.format === 'html') res.type('text/html; charset=utf-8').send(previewAsHtml(preview));
    else if (query.data.format === 'text') res.type('text/plain; charset=utf-8').send(previewAsText(preview));
    else res.json(preview);
  });
  return router;
}
