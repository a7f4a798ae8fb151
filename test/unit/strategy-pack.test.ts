/** The strategy pack: the workbook read back with exceljs, and the Markdown of the default policy as a golden file. */
import ExcelJS from 'exceljs';
import { DEFAULT_POLICY } from '../../src/domain/policy/default-policy';
import { collectionsPolicySchema } from '../../src/domain/policy/schema';
import { TemplateLibrary } from '../../src/notices/template-library';
import { callScriptRanges } from '../../src/reports/call-script-ranges';
import { STRATEGY_PACK_SHEETS, strategyPackDocument, strategyPackXlsx } from '../../src/reports/strategy-pack';
import { expectGolden } from './golden-file';

const templates = new TemplateLibrary();
let workbook: ExcelJS.Workbook;

beforeAll(async () => {
  workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await strategyPackXlsx(DEFAULT_POLICY, templates) as never);
});

const sheet = (name: string) => workbook.getWorksheet(name) as ExcelJS.Worksheet;
const column = (name: string, header: string) => {
  const headers = sheet(name).getRow(1).values as unknown[];
  return sheet(name).getColumn(headers.indexOf(header)).values.slice(2);
};

test('the workbook has one sheet per deliverable, in order', () => {
  expect(workbook.worksheets.map((worksheet) => worksheet.name)).toEqual([
    'Plan by aging', 'Email scripts', 'Call scripts', 'Checklist', 'Reporting template', 'KPI dashboard',
  ]);
  expect(STRATEGY_PACK_SHEETS).toEqual(workbook.worksheets.map((worksheet) => worksheet.name));
});

test('the plan places each step of each segment in the aging bucket of its day', () => {
  const rows = sheet('Plan by aging').getSheetValues().slice(2) as unknown[][];
  const smb = rows.filter((row) => row[1] === 'smb').map((row) => row.slice(2, 8));
  expect(smb[0]).toEqual(['current', -3, 'reminder-upcoming', 'Email', 'reminder-upcoming', 'friendly']);
  expect(smb).toContainEqual(['31-60', 35, 'collector-call', 'Collector call', 'call-30-days', '']);
  expect(smb).toContainEqual(['91-120', 120, 'escalate-agency', 'Escalate to agency', '', '']);
  expect(rows.at(-1)?.slice(1, 6)).toEqual(['all', 'write-off', 180, 'write-off-review', 'Write-off review (again every 90 days if declined)']);
});

test('email scripts carry each step subject and text rendered for its day', () => {
  const subjects = column('Email scripts', 'Subject');
  expect(subjects).toContain('FINAL NOTICE — overdue invoice #2026-1042');
  expect(subjects.length).toBe(4 * 5 + 4); // five email steps for each segment but government, which gets four
  const texts = column('Email scripts', 'Text (sample data)') as string[];
  expect(texts.find((text) => text.includes('is now 7 days past due'))).toBeDefined();
});

test('call scripts are listed per bucket with the step that opens them', () => {
  const rows = (sheet('Call scripts').getSheetValues().slice(2) as unknown[][]).map((row) => row.slice(1, 5));
  expect(rows).toEqual([
    ['call-30-days', '31-60 days', '31-60', 'collector-call (day 35), collector-call-government (day 50)'],
    ['call-60-days', '61-90 days', '61-90', 'on demand'],
    ['call-90-days', '91-120 days', '91-120', 'on demand'],
    ['call-120-days', 'more than 120 days', '120+', 'on demand'],
  ]);
});

test('the checklist sheet has every segment step and the triggers, each with a Yes/No done cell', () => {
  const items = column('Checklist', 'Step') as string[];
  expect(items).toContain('Day 35: collector call task (script call-30-days)');
  expect(items.filter((item) => item.startsWith('Day 180: write-off review'))).toHaveLength(5);
  expect(sheet('Checklist').getCell('B2').dataValidation).toMatchObject({ type: 'list', formulae: ['"Yes,No"'] });
});

test('the reporting template is ready to fill in: styled frozen header, widths, outcome list, weekly trend formulas', () => {
  const log = sheet('Reporting template');
  expect(log.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  expect(log.getCell('L1').value).toBe('Outcome');
  expect(log.getCell('A1').font?.bold).toBe(true);
  expect(log.getColumn('T').width).toBe(40);
  expect(log.getCell('L2').dataValidation).toMatchObject({ type: 'list' });
  expect(log.getCell('L2').dataValidation.formulae?.[0]).toContain('Reached: promise to pay');
  expect(log.getCell('L501').dataValidation).toMatchObject({ type: 'list' });
  expect(log.getCell('B2').formula).toBe('IF(A2="","",A2-WEEKDAY(A2,3))');
  expect(log.getCell('V1').value).toBe('Week starting');
  expect(log.getCell('V3').formula).toBe('IF(V2="","",V2+7)');
  expect(log.getCell('AA2').formula).toBe('IF($V2="","",SUMIFS($O$2:$O$501,$B$2:$B$501,$V2))');
});

test('the KPI dashboard has labels, targets and formulas on its input cells', () => {
  const kpis = sheet('KPI dashboard');
  const rows = [17, 18, 19, 20, 21].map((row) => [kpis.getCell(`A${row}`).value, kpis.getCell(`B${row}`).formula, kpis.getCell(`C${row}`).value]);
  expect(rows).toEqual([
    ['Recovery %', 'IFERROR(B11/B10,"")', 0.9],
    ['DSO (days)', 'IFERROR(B7/B6*B4,"")', 30],
    ['CEI', 'IFERROR((B5+B6-B7)/(B5+B6-B8),"")', 0.92],
    ['Contact success rate', 'IFERROR(B13/B12,"")', 0.5],
    ['% AR > 60 days', 'IFERROR(B9/B7,"")', 0.04],
  ]);
  expect(kpis.getCell('D18').formula).toBe('IF(B18="","",IF(B18<=C18,"On target","Off target"))');
  expect(kpis.getCell('B13').formula).toBe(`COUNTIF('Reporting template'!$L$2:$L$501,"Reached*")`);
  expect(kpis.getCell('B4').value).toBe(30);
});

test('the Markdown pack of the default policy matches its golden file', () => {
  expectGolden('strategy-pack.default.md', strategyPackDocument(DEFAULT_POLICY, templates));
});

test('a segment-limited step appears only in its segment', () => {
  const policy = collectionsPolicySchema.parse({
    ...DEFAULT_POLICY,
    dunningSteps: [...DEFAULT_POLICY.dunningSteps, { id: 'gov-call', offsetDays: 65, action: 'call_task', script: 'call-60-days', appliesTo: { segments: ['government'] } }],
  });
  const markdown = strategyPackDocument(policy, templates);
  expect(markdown).toContain('Opened by: gov-call (day 65).');
  expect(markdown.match(/\| gov-call \|/g)).toHaveLength(1);
});

test('call scripts are named for the days they are over, the last one open-ended', () => {
  expect(callScriptRanges(['call-60-days', 'call-30-days', 'call-120-days', 'other'])).toEqual([
    { scriptId: 'call-30-days', fromDays: 31, toDays: 60 },
    { scriptId: 'call-60-days', fromDays: 61, toDays: 120 },
    { scriptId: 'call-120-days', fromDays: 121, toDays: null },
  ]);
});
