/**
 * A customer's contact calendar: the hours they may be contacted over the next months, worked out
 * once by an activity (their zone's offsets, their country's public holidays) and then read by the
 * outreach workflow for each message without asking again. Plain numbers, so workflow code can read
 * it deterministically.
 */

/** Open hours as [opens, closes) pairs in epoch ms, in order, known from `from` until `until`. */
export interface ContactCalendar {
  from: number;
  until: number;
  open: [number, number][];
}

/** How far ahead one calendar reaches: half a year, so one serves the messages of a whole dunning life. */
export const CALENDAR_DAYS = 184;

/** The first instant at or after `notBefore` inside open hours; null when the calendar does not reach that far. */
export function nextOpening(calendar: ContactCalendar, notBefore: number): number | null {
  if (notBefore < calendar.from || notBefore >= calendar.until) return null;
  for (const [opens, closes] of calendar.open) {
    if (closes > notBefore) return Math.max(opens, notBefore);
  }
  return null;
}
