/**
 * The API reference: `GET /v1/openapi.json` (the OpenAPI 3.1 document) and `GET /v1/docs` (Swagger
 * UI, with its files from swagger-ui-dist). Both are open, like /health: a browser opening the page
 * sends no API key, and the document describes the API, not anyone's data.
 */
import { Router } from 'express';
import { notFound } from '../problem';
import { DOCS_PAGE, docsAsset } from './docs-page';
import { apiDocument } from './document';

export function apiReferenceRoutes(): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(apiDocument());
  });
  router.get('/docs', (_req, res) => {
    res.type('text/html; charset=utf-8').send(DOCS_PAGE);
  });
  router.get('/docs/:asset', (req, res) => {
    const asset = docsAsset(req.params.asset);
    if (!asset) throw notFound(`file ${req.params.asset} of the API reference`);
    res.type(asset.type).set('Cache-Control', 'public, max-age=3600').send(asset.body);
  });
  return router;
}
