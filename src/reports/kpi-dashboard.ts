/**
 * The KPI dashboard: input cells for the period (some filled from the reporting template), and each
 * KPI as an Excel formula on them next to its target. Targets come from the collections playbook.
 */
import { LOG_RANGES } from './reporting-template';

export const REPORTING_SHEET = 'Reporting template';

/** One input of the dashboard: the cell a KPI formula refers to. */
export interface KpiInput {
  cell: string;
  label: string;
  /** A formula that fills it from the reporting template, or a default value; empty to fill in. */
  formula?: string;
  value?: number;
  note: string;
}

/** One KPI: its formula on the inputs, its target, and whether higher is better. */
export interface Kpi {
  label: string;
  formula: string;
  target: number;
  higherIsBetter: boolean;
  numberFormat: string;
  explanation: string;
}

const log = (range: string) => `'${REPORTING_SHEET}'!${range}`;

/** Inputs in B4:B13, in this order. */
export const KPI_INPUTS: KpiInput[] = [
  { cell: 'B4', label: 'Days in period', value: 30, note: 'Length of the reporting period' },
  { cell: 'B5', label: 'AR at start of period', note: 'Total receivables on the first day' },
  { cell: 'B6', label: 'Credit sales in period', note: 'Invoiced on credit during the period' },
  { cell: 'B7', label: 'AR at end of period', note: 'Total receivables on the last day' },
  { cell: 'B8', label: 'Current AR at end of period', note: 'Part of B7 not yet due' },
  { cell: 'B9', label: 'AR more than 60 days past due', note: 'Part of B7 past due by more than 60 days' },
  { cell: 'B10', label: 'Past due at start of period', note: 'Overdue balance the team set out to recover' },
  { cell: 'B11', label: 'Amount recovered', formula: `SUM(${log(LOG_RANGES.recovered)})`, note: 'From the reporting template; overwrite if you track it elsewhere' },
  { cell: 'B12', label: 'Contact attempts', formula: `COUNTA(${log(LOG_RANGES.outcome)})`, note: 'Logged attempts with an outcome' },
  { cell: 'B13', label: 'Successful contacts', formula: `COUNTIF(${log(LOG_RANGES.outcome)},"Reached*")`, note: 'Attempts that reached a person' },
];

/** KPIs in rows 17 to 21: value in B, target in C, status in D. */
export const KPIS: Kpi[] = [
  { label: 'Recovery %', formula: 'IFERROR(B11/B10,"")', target: 0.9, higherIsBetter: true, numberFormat: '0.0%', explanation: 'Amount recovered / past due at start' },
  { label: 'DSO (days)', formula: 'IFERROR(B7/B6*B4,"")', target: 30, higherIsBetter: false, numberFormat: '0.0', explanation: 'AR at end / credit sales × days in period' },
  { label: 'CEI', formula: 'IFERROR((B5+B6-B7)/(B5+B6-B8),"")', target: 0.92, higherIsBetter: true, numberFormat: '0.0%', explanation: '(AR at start + sales − AR at end) / (AR at start + sales − current AR at end)' },
  { label: 'Contact success rate', formula: 'IFERROR(B13/B12,"")', target: 0.5, higherIsBetter: true, numberFormat: '0.0%', explanation: 'Successful contacts / contact attempts' },
  { label: '% AR > 60 days', formula: 'IFERROR(B9/B7,"")', target: 0.04, higherIsBetter: false, numberFormat: '0.0%', explanation: 'AR more than 60 days past due / AR at end' },
];

/** First row of the KPI table (its header is the row above). */
export const FIRST_KPI_ROW = 17;

/** The status formula of a KPI in a row: on target, off target, or blank until its inputs are filled. */
export function kpiStatusFormula(kpi: Kpi, row: number): string {
  const comparison = kpi.higherIsBetter ? `B${row}>=C${row}` : `B${row}<=C${row}`;
  return `IF(B${row}="","",IF(${comparison},"On target","Off target"))`;
}

/** A target as people read it: "≥ 90%", "≤ 30 days". */
export function describeTarget(kpi: Kpi): string {
  const value = kpi.numberFormat.endsWith('%') ? `${Math.round(kpi.target * 1000) / 10}%` : String(kpi.target);
  return `${kpi.higherIsBetter ? '≥' : '≤'} ${value}`;
}
