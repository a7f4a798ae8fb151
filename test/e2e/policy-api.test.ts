/**
 * The policy as versioned data through the API: refused with every failing field before anything
 * runs, saved as numbered versions, and snapshotted into workflows (a running invoice keeps its version).
 */
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { addDays, isoDateOf } from '../../src/domain/calendar';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { EVERY_DAY_POLICY } from '../support/invoice-fixtures';
import { EMAIL_TEMPLATES_DIR, TemplateLibrary } from '../../src/notices/template-library';
import { ensureDefaultPolicy } from '../../src/policies/policy-store';
import { testWorker } from '../support/collections-worker';
import { freshDatabase, type TestDatabase } from '../support/database';
import { startTestApi, type TestApi } from '../support/api-server';
import { devServerEnvironment } from '../support/temporal';
import { scratchDir } from '../support/scratch';

const TASK_QUEUE = 'policies-e2e';

let env: TestWorkflowEnvironment;
let db: TestDatabase;
let worker: Worker;
let running: Promise<void>;
let api: TestApi;

beforeAll(async () => {
  [env, db] = await Promise.all([devServerEnvironment(), freshDatabase()]);
  await ensureDefaultPolicy(db.pool);
  worker = await testWorker(env.nativeConnection, TASK_QUEUE, db.pool);
  running = worker.run();
  // The library gets one extra template that reads a variable the engine does not provide.
  const templatesDir = scratchDir('templates-');
  cpSync(EMAIL_TEMPLATES_DIR, templatesDir, { recursive: true });
  cpSync(path.join(templatesDir, 'final-notice'), path.join(templatesDir, 'typo-notice'), { recursive: true });
  writeFileSync(path.join(templatesDir, 'typo-notice', 'body.hbs'), 'Dear {{customer.fullName}}, you owe {{total}}.\n');
  const templates = new TemplateLibrary(templatesDir);
  api = await startTestApi({ db: db.pool, client: env.client, taskQueue: TASK_QUEUE, templates });
});

afterAll(async () => {
  await api?.close();
  worker?.shutdown();
  await running;
  await Promise.all([env?.teardown(), db?.drop()]);
});

async function call(method: string, route: string, body?: unknown) {
  const response = await api.fetch(route, {
    method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** The default policy (contact any day and hour, so the wall clock does not matter) under another id, without a version (the server assigns it). */
function policyDocument(policyId: string, edit: (doc: any) => void = () => undefined): Record<string, unknown> {
  const { version: _version, ...doc } = structuredClone(EVERY_DAY_POLICY);
  const document: any = { ...doc, policyId, name: `Policy ${policyId}` };
  edit(document);
  return document;
}

test('a bad policy is refused with every failing field path and reason, and nothing is stored', async () => {
  const refused = await call('POST', '/policies', policyDocument('bad', (doc) => {
    doc.dunningSteps[1].id = doc.dunningSteps[0].id;
    doc.dunningSteps[2].tone = 'rude';
    doc.writeOff.reviewAfterDays = 10;
  }));
  expect(refused.status).toBe(422);
  expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining([
    'body.dunningSteps.2.tone', 'body.writeOff.reviewAfterDays',
  ]));

  const templates = await call('POST', '/policies', policyDocument('bad', (doc) => {
    doc.dunningSteps[0].template = 'no-such-template';
    doc.dunningSteps[4].template = 'typo-notice';
  }));
  expect(templates.status).toBe(422);
  expect(templates.body.errors).toEqual([
    { field: 'body.dunningSteps.0.template', reason: expect.stringContaining('no email template "no-such-template"') },
    { field: 'body.dunningSteps.4.template', reason: 'template "typo-notice" uses variables the engine does not provide: customer.fullName' },
  ]);
  expect((await call('GET', '/policies/bad')).status).toBe(404);
  expect((await call('POST', '/policies', [])).status).toBe(422);
});

test('lint answers advice for a valid policy and refuses an invalid one', async () => {
  const linted = await call('POST', '/policies/lint', policyDocument('advice', (doc) => { doc.dunningSteps[8].offsetDays = 40; }));
  expect(linted.status).toBe(200);
  expect(linted.body.warnings.map((w: { rule: string }) => w.rule)).toContain('early-legal-or-agency');
  expect((await call('POST', '/policies/lint', policyDocument('advice', (doc) => { doc.dunningSteps = []; }))).status).toBe(422);
});

test('saving a policy makes numbered versions; an edit against an old version is a conflict', async () => {
  const v1 = await call('POST', '/policies', policyDocument('government'));
  expect(v1).toMatchObject({ status: 201, body: { policyId: 'government', version: 1 } });
  const v2 = await call('POST', '/policies', policyDocument('government', (doc) => { doc.version = 2; doc.writeOff.reviewAfterDays = 270; }));
  expect(v2).toMatchObject({ status: 201, body: { version: 2, writeOff: { reviewAfterDays: 270 } } });
  const stale = await call('POST', '/policies', policyDocument('government', (doc) => { doc.version = 2; }));
  expect(stale.status).toBe(409);
  expect(stale.body.errors).toEqual([{ field: 'body.version', reason: 'must be 3 (the latest is 2), or omitted' }]);

  const checklist = await api.fetch('/policies/government/checklist?segment=government&version=2');
  expect(checklist.headers.get('content-type')).toContain('text/markdown');
  expect(await checklist.text()).toContain('- [ ] Day 270: write-off review by a person');
  const diagram = await api.fetch('/policies/government/diagram?segment=smb');
  expect(await diagram.text()).toMatch(/^flowchart TD\n/);
  expect((await api.fetch('/policies/government/diagram?segment=martian')).status).toBe(422);

  const read = await call('GET', '/policies/government');
  expect(read.body.policy.version).toBe(2);
  expect(read.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  expect((await call('GET', '/policies/government/versions/1')).body.writeOff.reviewAfterDays).toBe(180);
  expect((await call('GET', '/policies/government/versions/9')).status).toBe(404);
  expect((await call('GET', '/policies/Not_An_Id')).status).toBe(422);
});

test('a workflow started under v1 keeps v1 after v2 is saved; new invoices take v2', async () => {
  expect((await call('POST', '/policies', policyDocument('strict'))).status).toBe(201);
  const today = isoDateOf(Date.now());
  const register = (invoiceId: string) => call('POST', '/invoices', {
    invoiceId, invoiceNumber: invoiceId, amount: { amountMinor: 50_000, currency: 'EUR' }, dueDate: addDays(today, -2), policyId: 'strict',
    customer: { customerId: 'CUST-POLICY', name: 'Contoso GmbH' },
  });
  expect((await register('POL-A')).body.policy).toEqual({ policyId: 'strict', version: 1 });

  // v2 moves the first past-due reminder from day 1 to day 5.
  const v2 = await call('POST', '/policies', policyDocument('strict', (doc) => { doc.dunningSteps[1].offsetDays = 5; }));
  expect(v2.body.version).toBe(2);
  expect((await register('POL-B')).body.policy).toEqual({ policyId: 'strict', version: 2 });

  // Once each has performed the step due at start, the next one differs by version.
  const nextActionOf = async (invoiceId: string, expected: RegExp) => {
    let state = await call('GET', `/invoices/${invoiceId}`);
    for (let i = 0; i < 100 && !expected.test(state.body.nextAction?.description ?? ''); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = await call('GET', `/invoices/${invoiceId}`);
    }
    return state.body;
  };
  const a = await nextActionOf('POL-A', /day 7$/);
  const b = await nextActionOf('POL-B', /day 5$/);
  expect(a.policy).toEqual({ policyId: 'strict', version: 1 });
  expect(a.nextAction.description).toMatch(/day 7$/); // v1: the day-1 reminder ran at start, next is day 7
  expect(b.policy).toEqual({ policyId: 'strict', version: 2 });
  expect(b.nextAction.description).toMatch(/day 5$/); // v2: the reminder now comes on day 5

  const unknown = await call('POST', '/invoices', {
    invoiceId: 'POL-C', invoiceNumber: 'C', amount: { amountMinor: 1, currency: 'EUR' }, dueDate: today, policyId: 'nope',
    customer: { customerId: 'CUST-POLICY', name: 'Contoso GmbH' },
  });
  expect(unknown.status).toBe(422);
  expect(unknown.body.errors).toEqual([{ field: 'body.policyId', reason: 'no policy "nope" is stored' }]);
});

test('templates can be listed and previewed with example data', async () => {
  expect((await call('GET', '/templates')).body.templates).toContain('final-notice');
  const preview = await call('GET', '/templates/final-notice/preview?tone=firm');
  expect(preview.body.subject).toBe('FINAL NOTICE — overdue invoice #2026-1042');
  const html = await api.fetch('/templates/final-notice/preview?format=html');
  expect(html.headers.get('content-type')).toContain('text/html');
  expect((await call('GET', '/templates/nope/preview')).status).toBe(404);
  expect((await call('GET', '/templates/final-notice/preview?tone=rude')).status).toBe(422);
});

test('the checklist and the diagram of a version that is not stored are 404, like the strategy pack', async () => {
  expect((await call('POST', '/policies', policyDocument('views'))).status).toBe(201);
  for (const view of ['checklist', 'diagram', 'strategy-pack.md']) {
    const missing = await call('GET', `/policies/views/${view}?version=99`);
    expect(missing).toMatchObject({ status: 404, body: { detail: 'policy views version 99 does not exist' } });
    expect((await api.fetch(`/policies/views/${view}?version=1`)).status).toBe(200);
    expect((await call('GET', `/policies/views/${view}?version=99999999999`)).status).toBe(422);
  }
});

test('saving the same document again answers the existing version with 200 and stores nothing', async () => {
  const first = await call('POST', '/policies', policyDocument('repeat'));
  expect(first).toMatchObject({ status: 201, body: { version: 1 } });
  const again = await call('POST', '/policies', policyDocument('repeat'));
  expect(again).toMatchObject({ status: 200, body: { policyId: 'repeat', version: 1 } });
  // Keys in another order and defaults spelled out are the same document.
  const reordered = Object.fromEntries(Object.entries(policyDocument('repeat', (doc) => { doc.version = 1; })).reverse());
  expect(await call('POST', '/policies', reordered)).toMatchObject({ status: 200, body: { version: 1 } });
  const changed = await call('POST', '/policies', policyDocument('repeat', (doc) => { doc.writeOff.reviewAfterDays = 200; }));
  expect(changed).toMatchObject({ status: 201, body: { version: 2 } });
  expect((await call('GET', '/policies/repeat')).body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
});

test('a short document is a complete policy: the sections it leaves out come from the default policy', async () => {
  const saved = await call('POST', '/policies', { policyId: 'short', name: 'Short' });
  expect(saved.status).toBe(201);
  const { version: _version, policyId: _id, name: _name, ...defaults } = DEFAULT_POLICY;
  expect(saved.body).toEqual({ ...defaults, policyId: 'short', name: 'Short', version: 1 });

  const ownBuckets = await call('POST', '/policies/validate', { policyId: 'short', name: 'Short', writeOff: { reviewAfterDays: 240 } });
  expect(ownBuckets.body.policy.writeOff).toMatchObject({ reviewAfterDays: 240, reReviewAfterDays: 90 });
  expect(ownBuckets.body.policy.dunningSteps).toEqual(DEFAULT_POLICY.dunningSteps);
  // A section given replaces the default's: the default steps after day 100 then fall after the review.
  const early = await call('POST', '/policies/validate', { policyId: 'short', name: 'Short', writeOff: { reviewAfterDays: 100 } });
  expect(early.status).toBe(422);
  expect(early.body.errors).toContainEqual({ field: 'body.dunningSteps.9.offsetDays', reason: 'step runs on or after the write-off review (day 100)' });
  expect((await call('POST', '/policies', { policyId: 'short' })).body.errors).toEqual([{ field: 'body.name', reason: expect.any(String) }]);
});

test('a policy string Postgres cannot store is refused with its path, not a 500', async () => {
  const refused = await call('POST', '/policies', policyDocument('nul', (doc) => { doc.name = 'bad\u0000name'; doc.agingBuckets[1].label = '1-30\u0000'; }));
  expect(refused.status).toBe(422);
  expect(refused.body.errors).toEqual([
    { field: 'body.name', reason: 'must not contain control characters' },
    { field: 'body.agingBuckets.1.label', reason: 'must not contain control characters' },
  ]);
});
