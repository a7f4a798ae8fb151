/**
 * Which accounts each call script is for. A script id names its aging category the way AR aging
 * reports do, by the days it is over (`call-60-days`: 61 to 90 days past due, up to the next
 * script); the last one is open-ended (`call-120-days`: more than 120).
 */
import type { AgingBucketBoundary } from '../domain/aging';

/** A call script and the days past due it is written for (toDays null: and later). */
export interface CallScriptRange {
  scriptId: string;
  fromDays: number;
  toDays: number | null;
}

const SCRIPT_ID = /^call-(\d+)-days$/;

/** The ranges of the scripts named `call-<days>-days`, in order of age; other ids are left out. */
export function callScriptRanges(scriptIds: string[]): CallScriptRange[] {
  const dated = scriptIds
    .map((scriptId) => ({ scriptId, days: Number(SCRIPT_ID.exec(scriptId)?.[1] ?? Number.NaN) }))
    .filter((script) => Number.isFinite(script.days))
    .sort((a, b) => a.days - b.days);
  return dated.map((script, index) => ({
    scriptId: script.scriptId,
    fromDays: script.days + 1,
    toDays: index === dated.length - 1 ? null : dated[index + 1].days,
  }));
}

/** Describes a range for people: "31-60 days", "more than 120 days". */
export function describeRange(range: { fromDays: number; toDays: number | null }): string {
  return range.toDays === null ? `more than ${range.fromDays - 1} days` : `${range.fromDays}-${range.toDays} days`;
}

/** Labels of the aging buckets that overlap a range. */
export function bucketsOverlapping(range: { fromDays: number; toDays: number | null }, buckets: readonly AgingBucketBoundary[]): string[] {
  return buckets
    .filter((bucket) => (bucket.toDays === null || bucket.toDays >= range.fromDays) && (range.toDays === null || bucket.fromDays === null || bucket.fromDays <= range.toDays))
    .map((bucket) => bucket.label);
}
