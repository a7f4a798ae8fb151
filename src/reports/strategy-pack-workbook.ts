/**
 * The strategy pack as an Excel workbook (exceljs): one sheet per deliverable, headers styled and
 * frozen, columns sized, lists enforced by data validation, and the trend and KPIs as live formulas
 * that Excel recalculates when the file is opened.
 */
import ExcelJS from 'exceljs';
import { FIRST_KPI_ROW, KPI_INPUTS, KPIS, kpiStatusFormula, REPORTING_SHEET } from './kpi-dashboard';
import { LOG_ROWS, logColumns, TREND_COLUMNS, TREND_WEEKS } from './reporting-template';
import type { StrategyPackContent } from './strategy-pack-content';

/** Sheet names, in workbook order. */
export const STRATEGY_PACK_SHEETS = ['Plan by aging', 'Email scripts', 'Call scripts', 'Checklist', REPORTING_SHEET, 'KPI dashboard'] as const;

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E78' } };
const INPUT_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
const HEADER_FONT: Partial<ExcelJS.Font> = { bold: true, color: { argb: 'FFFFFFFF' } };

/** A sheet with a styled, frozen, filterable header row and the given columns. */
function tableSheet(workbook: ExcelJS.Workbook, name: string, columns: { header: string; key: string; width: number; wrap?: boolean }[]): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map(({ header, key, width, wrap }) => ({ header, key, width, style: wrap ? { alignment: { wrapText: true, vertical: 'top' } } : { alignment: { vertical: 'top' } } }));
  styleHeader(sheet.getRow(1), columns.length);
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return sheet;
}

function styleHeader(row: ExcelJS.Row, columns: number, firstColumn = 1): void {
  for (let column = firstColumn; column < firstColumn + columns; column++) {
    const cell = row.getCell(column);
    cell.fill = HEADER_FILL;
    cell.font = HEADER_FONT;
    cell.alignment = { vertical: 'middle', wrapText: true };
  }
  row.height = 20;
}

/** Builds the workbook; write it with `workbook.xlsx.writeBuffer()`. */
export function strategyPackWorkbook(content: StrategyPackContent): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'collections-engine';
  workbook.title = content.title;
  workbook.calcProperties.fullCalcOnLoad = true;
  planSheet(workbook, content);
  emailSheet(workbook, content);
  callScriptSheet(workbook, content);
  checklistSheet(workbook, content);
  reportingSheet(workbook, content);
  kpiSheet(workbook, content);
  return workbook;
}

function planSheet(workbook: ExcelJS.Workbook, content: StrategyPackContent): void {
  const sheet = tableSheet(workbook, 'Plan by aging', [
    { header: 'Segment', key: 'segment', width: 14 }, { header: 'Aging bucket', key: 'bucket', width: 13 },
    { header: 'Day', key: 'day', width: 7 }, { header: 'Step', key: 'stepId', width: 22 }, { header: 'Action', key: 'action', width: 22 },
    { header: 'Template / script', key: 'templateOrScript', width: 26 }, { header: 'Tone', key: 'tone', width: 10 },
    { header: 'Risk tiers', key: 'riskTiers', width: 18 },
  ]);
  sheet.addRows(content.plan);
  const { reviewAfterDays, reReviewAfterDays } = content.policy.writeOff;
  sheet.addRow({ segment: 'all', bucket: 'write-off', day: reviewAfterDays, stepId: 'write-off-review', action: `Write-off review (again every ${reReviewAfterDays} days if declined)`, riskTiers: 'all' });
}

function emailSheet(workbook: ExcelJS.Workbook, content: StrategyPackContent): void {
  const sheet = tableSheet(workbook, 'Email scripts', [
    { header: 'Segment', key: 'segment', width: 14 }, { header: 'Day', key: 'day', width: 7 }, { header: 'Step', key: 'stepId', width: 22 },
    { header: 'Template', key: 'template', width: 26 }, { header: 'Tone', key: 'tone', width: 10 },
    { header: 'Subject', key: 'subject', width: 50, wrap: true }, { header: 'Text (sample data)', key: 'text', width: 100, wrap: true },
  ]);
  sheet.addRows(content.emails);
}

function callScriptSheet(workbook: ExcelJS.Workbook, content: StrategyPackContent): void {
  const sheet = tableSheet(workbook, 'Call scripts', [
    { header: 'Script', key: 'scriptId', width: 16 }, { header: 'Days past due', key: 'daysPastDue', width: 18 },
    { header: 'Aging buckets', key: 'buckets', width: 16 }, { header: 'Opened by steps', key: 'usedBy', width: 24, wrap: true },
    { header: 'Script (sample data)', key: 'text', width: 110, wrap: true },
  ]);
  sheet.addRows(content.callScripts);
}

function checklistSheet(workbook: ExcelJS.Workbook, content: StrategyPackContent): void {
  const sheet = tableSheet(workbook, 'Checklist', [
    { header: 'Segment / section', key: 'section', width: 18 }, { header: 'Done', key: 'done', width: 8 }, { header: 'Step', key: 'item', width: 110, wrap: true },
  ]);
  content.checklist.forEach((row) => {
    const added = sheet.addRow({ ...row, done: 'No' });
    added.getCell('done').dataValidation = { type: 'list', allowBlank: true, formulae: ['"Yes,No"'] };
  });
}

function reportingSheet(workbook: ExcelJS.Workbook, content: StrategyPackContent): void {
  const columns = logColumns(content.policy);
  const sheet = workbook.addWorksheet(REPORTING_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  for (const column of [...columns, ...TREND_COLUMNS]) {
    sheet.getColumn(column.letter).width = column.width;
    sheet.getCell(`${column.letter}1`).value = column.header;
    if (column.numberFormat) sheet.getColumn(column.letter).numFmt = column.numberFormat;
  }
  styleHeader(sheet.getRow(1), columns.length);
  styleHeader(sheet.getRow(1), TREND_COLUMNS.length, sheet.getColumn(TREND_COLUMNS[0].letter).number);
  sheet.getColumn('U').width = 3; // a gap between the log and the trend
  sheet.autoFilter = `A1:${columns.at(-1)?.letter}1`;
  for (let row = 2; row <= LOG_ROWS + 1; row++) {
    for (const column of columns) {
      const cell = sheet.getCell(`${column.letter}${row}`);
      if (column.list) {
        cell.dataValidation = {
          type: 'list', allowBlank: true, formulae: [`"${column.list.join(',')}"`],
          showErrorMessage: true, errorTitle: column.header, error: `Choose one of: ${column.list.join(', ')}`,
        };
      }
      if (column.formula) cell.value = { formula: column.formula(row) };
    }
  }
  for (let row = 2; row < 2 + TREND_WEEKS; row++) {
    for (const column of TREND_COLUMNS) sheet.getCell(`${column.letter}${row}`).value = { formula: column.formula(row) };
  }
}

function kpiSheet(workbook: ExcelJS.Workbook, content: StrategyPackContent): void {
  const sheet = workbook.addWorksheet('KPI dashboard');
  sheet.columns = [{ width: 32 }, { width: 16 }, { width: 12 }, { width: 14 }, { width: 70 }];
  sheet.getCell('A1').value = `KPI dashboard: ${content.policy.name}`;
  sheet.getCell('A1').font = { bold: true, size: 14 };
  sheet.getCell('A2').value = 'Fill in the yellow cells for the period; the KPIs below are formulas on them.';
  sheet.getCell('A3').value = 'Input';
  sheet.getCell('B3').value = 'Value';
  sheet.getCell('E3').value = 'Note';
  styleHeader(sheet.getRow(3), 5);
  for (const input of KPI_INPUTS) {
    const row = Number(input.cell.slice(1));
    sheet.getCell(`A${row}`).value = input.label;
    const cell = sheet.getCell(input.cell);
    cell.value = input.formula ? { formula: input.formula } : input.value ?? null;
    cell.fill = INPUT_FILL;
    cell.numFmt = '#,##0.00';
    sheet.getCell(`E${row}`).value = input.note;
  }
  const header = FIRST_KPI_ROW - 1;
  ['KPI', 'Value', 'Target', 'Status', 'How it is calculated'].forEach((title, index) => { sheet.getRow(header).getCell(index + 1).value = title; });
  styleHeader(sheet.getRow(header), 5);
  KPIS.forEach((kpi, index) => {
    const row = FIRST_KPI_ROW + index;
    sheet.getCell(`A${row}`).value = kpi.label;
    sheet.getCell(`B${row}`).value = { formula: kpi.formula };
    sheet.getCell(`C${row}`).value = kpi.target;
    for (const column of ['B', 'C']) sheet.getCell(`${column}${row}`).numFmt = kpi.numberFormat;
    sheet.getCell(`D${row}`).value = { formula: kpiStatusFormula(kpi, row) };
    sheet.getCell(`E${row}`).value = `${kpi.explanation}; ${kpi.higherIsBetter ? 'higher' : 'lower'} is better`;
  });
  const statuses = `D${FIRST_KPI_ROW}:D${FIRST_KPI_ROW + KPIS.length - 1}`;
  sheet.addConditionalFormatting({
    ref: statuses,
    rules: [
      { type: 'containsText', operator: 'containsText', text: 'On target', priority: 1, style: { font: { color: { argb: 'FF006100' } }, fill: { type: 'pattern', pattern: 'solid', bgColor: { argb: 'FFC6EFCE' } } } },
      { type: 'containsText', operator: 'containsText', text: 'Off target', priority: 2, style: { font: { color: { argb: 'FF9C0006' } }, fill: { type: 'pattern', pattern: 'solid', bgColor: { argb: 'FFFFC7CE' } } } },
    ],
  });
}
