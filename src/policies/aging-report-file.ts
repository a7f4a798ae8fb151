/**
 * Reads an AR aging report export (CSV or XLSX) into rows of plain cells, numbered as the file
 * numbers them, so an error can name the row a person sees in Excel.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { AgingReportError, type ReportCell } from './aging-report-values';

export type { ReportCell } from './aging-report-values';

/** One cell as an export holds it: text, a number, a date (XLSX only) or nothing. */

/** One row of the file; `rowNumber` is 1-based, as spreadsheets show it. */
export interface ReportRow {
  rowNumber: number;
  cells: ReportCell[];
}

/** Reads a `.csv` or `.xlsx` aging report into rows. */
export async function readAgingReportFile(file: string): Promise<ReportRow[]> {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.xlsx') return readWorkbook(await readFile(file));
  if (extension === '.csv' || extension === '.txt') return readCsv(await readFile(file, 'utf8'));
  throw new AgingReportError(`${path.basename(file)}: not a .csv or .xlsx file (save an .xls export as .xlsx or CSV first)`);
}

/** CSV exports use commas, or semicolons and tabs where the decimal mark is a comma. */
const DELIMITERS = [',', ';', '\t'];

/** Parses CSV text; the delimiter is the one that gives the most rows of one common width. */
export function readCsv(text: string): ReportRow[] {
  let best: { rows: string[][]; score: number } | undefined;
  for (const delimiter of DELIMITERS) {
    let rows: string[][];
    try {
      rows = parse(text, { delimiter, bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as string[][];
    } catch {
      continue;
    }
    const widths = new Map<number, number>();
    for (const row of rows) if (row.length > 1) widths.set(row.length, (widths.get(row.length) ?? 0) + 1);
    const score = Math.max(0, ...widths.values());
    if (!best || score > best.score) best = { rows, score };
  }
  if (!best) throw new AgingReportError('not readable as CSV (unbalanced quotes?)');
  return best.rows.map((cells, index) => ({ rowNumber: index + 1, cells: cells.map((cell) => (cell.trim() === '' ? null : cell)) }));
}

/** Reads the first worksheet that has any content. */
export async function readWorkbook(data: Buffer): Promise<ReportRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch (error) {
    throw new AgingReportError(`not a readable .xlsx workbook (${error instanceof Error ? error.message : String(error)})`);
  }
  const sheet = workbook.worksheets.find((candidate) => candidate.actualRowCount > 0);
  if (!sheet) throw new AgingReportError('the workbook has no worksheet with content');
  const rows: ReportRow[] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: ReportCell[] = [];
    for (let column = 1; column <= sheet.columnCount; column++) cells.push(plainCell(row.getCell(column).value, rowNumber, column));
    rows.push({ rowNumber, cells });
  });
  return rows;
}

/** ExcelJS values (formulas, rich text, hyperlinks) reduced to what a person sees in the cell. */
function plainCell(value: ExcelJS.CellValue, rowNumber: number, column: number): ReportCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || value instanceof Date) return value;
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'boolean') return String(value);
  if ('result' in value) return value.result === undefined ? null : plainCell(value.result as ExcelJS.CellValue, rowNumber, column);
  if ('richText' in value) return value.richText.map((part) => part.text).join('') || null;
  if ('text' in value) return typeof value.text === 'string' ? value.text : null;
  if ('error' in value) throw new AgingReportError(`the cell shows the error ${value.error}`, rowNumber, `column ${column}`);
  return null;
}
