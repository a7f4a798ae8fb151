/** Calendar dates (`YYYY-MM-DD`, no time zone) and whole-day arithmetic on them. */

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD` (rejects 2024-02-30). */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

/** Midnight UTC of a calendar date, in epoch milliseconds. */
export function startOfDateUtc(isoDate: string): number {
  if (!isIsoDate(isoDate)) throw new RangeError(`not a calendar date: ${isoDate}`);
  return Date.parse(`${isoDate}T00:00:00Z`);
}

/** The calendar date (UTC) of an instant. */
export function isoDateOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Shifts a calendar date by whole days. */
export function addDays(isoDate: string, days: number): string {
  return isoDateOf(startOfDateUtc(isoDate) + days * DAY_MS);
}

/** Days past due at an instant: 0 on the due date, 1 the day after, negative before it. */
export function daysPastDue(dueDate: string, nowMs: number): number {
  return Math.floor((nowMs - startOfDateUtc(dueDate)) / DAY_MS);
}

/** The instant a step `offsetDays` from the due date runs, at `hourUtc` on that day. */
export function instantForOffset(dueDate: string, offsetDays: number, hourUtc: number): number {
  return startOfDateUtc(dueDate) + offsetDays * DAY_MS + hourUtc * 3_600_000;
}

export { DAY_MS };
