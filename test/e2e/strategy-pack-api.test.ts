/**
 * The strategy pack and the template catalog through the HTTP API, on a real Postgres. These routes
 * never reach Temporal, so no server or worker is started for them.
 */
import type { Client } from '@temporalio/client';
import ExcelJS from 'exceljs';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { ensureDefaultPolicy, saveNextVersion } from '../../src/policies/policy-store';
import { startTestApi, type TestApi } from '../support/api-server';
import { freshDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  db = await freshDatabase();
  await ensureDefaultPolicy(db.pool);
  // Version 2 of a second policy drops the collector call, so a version can be told from another.
  await saveNextVersion(db.pool, { ...DEFAULT_POLICY, policyId: 'lean', version: undefined });
  await saveNextVersion(db.pool, { ...DEFAULT_POLICY, policyId: 'lean', version: undefined, dunningSteps: DEFAULT_POLICY.dunningSteps.filter((step) => step.action !== 'call_task') });
  api = await startTestApi({ db: db.pool, client: {} as Client, taskQueue: 'unused' });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

test('the strategy pack downloads as an Excel workbook with every sheet', async () => {
  const response = await api.fetch('/policies/default/strategy-pack.xlsx');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  expect(response.headers.get('content-disposition')).toContain('strategy-pack-default-v1.xlsx');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
    'Plan by aging', 'Email scripts', 'Call scripts', 'Checklist', 'Reporting template', 'KPI dashboard',
  ]);
  expect(workbook.getWorksheet('KPI dashboard')?.getCell('B17').formula).toBe('IFERROR(B11/B10,"")');
});

test('the Markdown pack follows the version asked for', async () => {
  const latest = await api.fetch('/policies/lean/strategy-pack.md');
  expect(latest.headers.get('content-type')).toContain('text/markdown');
  const latestText = await latest.text();
  expect(latestText).toMatch(/^# Collections strategy pack: .*, version 2\n/);
  expect(latestText).not.toContain('| collector-call |');
  const first = await (await api.fetch('/policies/lean/strategy-pack.md?version=1')).text();
  expect(first).toContain('| collector-call |');
});

test('an unknown policy or version is 404, a bad version 422', async () => {
  expect((await api.fetch('/policies/nope/strategy-pack.md')).status).toBe(404);
  expect((await api.fetch('/policies/lean/strategy-pack.xlsx?version=7')).status).toBe(404);
  const bad = await api.fetch('/policies/lean/strategy-pack.md?version=zero');
  expect(bad.status).toBe(422);
  expect(((await bad.json()) as any).errors[0].field).toBe('query.version');
});

test('the template catalog lists emails, call scripts and letters, and each previews', async () => {
  const { templates, catalog } = await (await api.fetch('/templates')).json() as any;
  expect(templates).toContain('final-notice');
  expect(catalog).toContainEqual({ name: 'call-120-days', kind: 'call-script', tones: [], tonesWithOwnWording: [] });
  expect(catalog).toContainEqual(expect.objectContaining({ name: 'settlement-offer', kind: 'letter' }));
  expect(catalog).toContainEqual(expect.objectContaining({ name: 'reminder-upcoming', kind: 'email', tonesWithOwnWording: ['firm', 'neutral'] }));

  const script = await (await api.fetch('/templates/call-60-days/preview')).json() as any;
  expect(script).toMatchObject({ kind: 'call-script', name: 'call-60-days' });
  expect(script.text).toContain('Cash-flow trouble:');
  const scriptPage = await api.fetch('/templates/call-60-days/preview?format=html');
  expect(scriptPage.headers.get('content-type')).toContain('text/html');
  expect(await scriptPage.text()).toMatch(/<pre>[\s\S]*Cash-flow trouble:/);

  const letter = await api.fetch('/templates/payment-plan-agreement/preview?format=text');
  expect(await letter.text()).toContain('Installment 3: $3,216.66, due 2027-01-15');
  const html = await api.fetch('/templates/legal-handoff/preview?format=html');
  expect(html.headers.get('content-type')).toContain('text/html');
  const firm = await (await api.fetch('/templates/reminder-upcoming/preview?tone=firm')).json() as any;
  // The sample account has two overdue invoices: a template about one becomes the merged message that names both.
  expect(firm.subject).toBe('Payment due 2026-09-30: invoice #2026-1042 — $7,500.00 (and 1 more overdue invoice)');
  expect(firm.text).toContain('#2026-1077');
});
