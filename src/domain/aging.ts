/** Aging buckets: how far past due a balance is, as AR reports group it. */

/** One bucket: `fromDays` to `toDays` past due, inclusive; null leaves that end open. */
export interface AgingBucketBoundary {
  label: string;
  fromDays: number | null;
  toDays: number | null;
}

/** The standard buckets (current, 1–30, 31–60, 61–90, 91–120, 120+). */
export const STANDARD_AGING_BUCKETS: readonly AgingBucketBoundary[] = [
  { label: 'current', fromDays: null, toDays: 0 },
  { label: '1-30', fromDays: 1, toDays: 30 },
  { label: '31-60', fromDays: 31, toDays: 60 },
  { label: '61-90', fromDays: 61, toDays: 90 },
  { label: '91-120', fromDays: 91, toDays: 120 },
  { label: '120+', fromDays: 121, toDays: null },
];

/** The bucket label for a number of days past due (not yet due counts as current). */
export function agingBucket(daysPastDue: number, buckets: readonly AgingBucketBoundary[] = STANDARD_AGING_BUCKETS): string {
  const found = buckets.find((b) => (b.fromDays === null || daysPastDue >= b.fromDays) && (b.toDays === null || daysPastDue <= b.toDays));
  if (!found) throw new RangeError(`no aging bucket covers ${daysPastDue} days past due`);
  return found.label;
}
