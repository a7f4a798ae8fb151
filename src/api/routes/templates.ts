/** /v1/templates: the email template library, and a preview of each with example data. */
import { Router } from 'express';
import { z } from 'zod';
import { toneSchema } from '../../domain/policy/schema';
import { sampleNoticeVariables } from '../../notices/sample-variables';
import type { TemplateLibrary } from '../../notices/template-library';
import { fromZod, notFound } from '../problem';

const previewQuery = z.object({ tone: toneSchema.default('neutral'), format: z.enum(['json', 'html', 'text']).default('json') }).strict();

export function templateRoutes(templates: TemplateLibrary): Router {
  const router = Router();
  router.get('/templates', (_req, res) => {
    res.json({ templates: templates.names() });
  });
  router.get('/templates/:name/preview', (req, res) => {
    const query = previewQuery.safeParse(req.query);
    if (!query.success) throw fromZod(query.error, 'query');
    if (!templates.has(req.params.name)) throw notFound(`template ${req.params.name}`);
    const email = templates.render(req.params.name, sampleNoticeVariables(query.data.tone));
    if (query.data.format === 'html') res.type('text/html; charset=utf-8').send(email.html);
    else if (query.data.format === 'text') res.type('text/plain; charset=utf-8').send(`Subject: ${email.subject}\n\n${email.text}`);
    else res.json(email);
  });
  return router;
}
