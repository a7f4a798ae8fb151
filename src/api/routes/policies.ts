/** /v1/policies: the collections policy as versioned data — validate, save a new version, read any version. */
import { Router } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { TemplateLibrary } from '../../notices/template-library';
import { latestPolicy, policyVersion, policyVersions, saveNextVersion } from '../../policies/policy-store';
import { policyChecklist } from '../../domain/policy/policy-checklist';
import { policyDiagram } from '../../domain/policy/policy-diagram';
import { segmentSchema } from '../../domain/policy/schema';
import { lintPolicy } from '../../policies/policy-lint';
import { strategyPackDocument, strategyPackXlsx } from '../../reports/strategy-pack';
import { validatePolicy } from '../../policies/policy-validation';
import { notFound, parseRequest, ProblemError } from '../problem';
import { policyVersionParam } from '../request-schemas';

export const policyParams = z.object({ policyId: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes').max(100) });
export const renderQuery = z.object({ segment: segmentSchema.optional(), version: policyVersionParam.optional() }).strict();
export const versionParams = policyParams.extend({ version: policyVersionParam });
export const versionQuery = z.object({ version: policyVersionParam.optional() }).strict();
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Refuses a policy with every failing field path and reason, before anything is stored. */
function validated(document: unknown, templates: TemplateLibrary) {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ProblemError(422, 'Invalid policy', 'body: must be a policy document (a JSON object)', [{ field: 'body', reason: 'must be a JSON object' }]);
  }
  const given = (document as { version?: unknown }).version;
  // The server assigns the version; a document may name the one it expects to become.
  const result = validatePolicy({ ...document, version: given ?? 1 }, templates);
  if (!result.ok) {
    const errors = result.problems.map((problem) => ({ field: `body.${problem.path}`, reason: problem.reason }));
    throw new ProblemError(422, 'Invalid policy', errors.map((e) => `${e.field}: ${e.reason}`).join('; '), errors);
  }
  return { policy: result.policy, expectedVersion: given === undefined ? undefined : result.policy.version };
}

export function policyRoutes(db: Pool, templates: TemplateLibrary): Router {
  const router = Router();

  router.post('/policies/validate', (req, res) => {
    res.json({ valid: true, policy: validated(req.body, templates).policy });
  });

  router.post('/policies/lint', (req, res) => {
    res.json({ warnings: lintPolicy(validated(req.body, templates).policy) });
  });

  router.post('/policies', async (req, res) => {
    const { policy, expectedVersion } = validated(req.body, templates);
    const outcome = await saveNextVersion(db, { ...policy, version: expectedVersion });
    if (!outcome.saved) {
      throw new ProblemError(409, 'Version conflict', `version: ${expectedVersion} is not the next version of "${policy.policyId}"; the latest is ${outcome.latestVersion}`,
        [{ field: 'body.version', reason: `must be ${outcome.latestVersion + 1} (the latest is ${outcome.latestVersion}), or omitted` }]);
    }
    // The same document as the latest version stores nothing: 200 with that version.
    res.status(outcome.created ? 201 : 200).location(`/v1/policies/${policy.policyId}/versions/${outcome.policy.version}`).json(outcome.policy);
  });

  router.get('/policies/:policyId', async (req, res) => {
    const { policyId } = parseRequest(policyParams, req.params, 'path');
    const versions = await policyVersions(db, policyId);
    if (versions.length === 0) throw notFound(`policy ${policyId}`);
    res.json({ policy: await latestPolicy(db, policyId), versions });
  });

  router.get('/policies/:policyId/versions/:version', async (req, res) => {
    const { policyId, version } = parseRequest(versionParams, req.params, 'path');
    const versions = await policyVersions(db, policyId);
    if (!versions.some((v) => v.version === version)) throw notFound(`policy ${policyId} version ${version}`);
    res.json(await policyVersion(db, policyId, version));
  });

  // The policy for people: a Markdown checklist and a Mermaid flowchart, per segment.
  for (const [view, render, contentType] of [
    ['checklist', policyChecklist, 'text/markdown'],
    ['diagram', policyDiagram, 'text/vnd.mermaid'],
  ] as const) {
    router.get(`/policies/:policyId/${view}`, async (req, res) => {
      const { policyId } = parseRequest(policyParams, req.params, 'path');
      const query = parseRequest(renderQuery, req.query, 'query');
      const policy = await storedPolicy(db, policyId, query.version);
      res.type(`${contentType}; charset=utf-8`).send(render(policy, query.segment));
    });
  }

  // The strategy pack for AR teams: the same content as an Excel workbook or one Markdown document.
  router.get('/policies/:policyId/strategy-pack.xlsx', async (req, res) => {
    const { policy, file } = await packRequest(db, req.params, req.query);
    res.type(XLSX_TYPE).attachment(`${file}.xlsx`).send(await strategyPackXlsx(policy, templates));
  });
  router.get('/policies/:policyId/strategy-pack.md', async (req, res) => {
    const { policy } = await packRequest(db, req.params, req.query);
    res.type('text/markdown; charset=utf-8').send(strategyPackDocument(policy, templates));
  });

  return router;
}

/** The stored version asked for (latest by default); a policy or version not stored is a 404. */
async function storedPolicy(db: Pool, policyId: string, version?: number) {
  const versions = await policyVersions(db, policyId);
  if (versions.length === 0) throw notFound(`policy ${policyId}`);
  if (version !== undefined && !versions.some((v) => v.version === version)) throw notFound(`policy ${policyId} version ${version}`);
  return version ? policyVersion(db, policyId, version) : latestPolicy(db, policyId);
}

/** The stored policy version a pack is asked for (latest by default), and a file name for it. */
async function packRequest(db: Pool, pathParams: unknown, queryParams: unknown) {
  const { policyId } = parseRequest(policyParams, pathParams, 'path');
  const query = parseRequest(versionQuery, queryParams, 'query');
  const policy = await storedPolicy(db, policyId, query.version);
  return { policy, file: `strategy-pack-${policyId}-v${policy.version}` };
}
