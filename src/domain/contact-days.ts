/**
 * Days a customer may be contacted: not on the contact policy's quiet weekdays or holidays, judged
 * by the calendar date in the policy's time zone. A step that would fall on such a day moves to the
 * next allowed day at the same hour.
 */
import { DAY_MS } from './calendar';

/** The contact rules this needs from the policy. */
export interface ContactDays {
  quietWeekdays: readonly string[];
  holidays: readonly string[];
  timeZone: string;
}

// Building a formatter for a zone costs far more than using one: it was the largest piece of an invoice's workflow task.
const formatters = new Map<string, Intl.DateTimeFormat>();

function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'long' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The calendar date and weekday of an instant in a time zone. */
export function localDay(at: number, timeZone: string): { date: string; weekday: string } {
  const parts = dayFormatter(timeZone).formatToParts(new Date(at));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { date: `${part('year')}-${part('month')}-${part('day')}`, weekday: part('weekday').toLowerCase() };
}

/** `at`, or the same hour on the next day contact is allowed (at most two weeks on). */
export function nextContactInstant(at: number, rules: ContactDays): number {
  let candidate = at;
  for (let day = 0; day < 14; day++) {
    const { date, weekday } = localDay(candidate, rules.timeZone);
    if (!rules.quietWeekdays.includes(weekday) && !rules.holidays.includes(date)) return candidate;
    candidate += DAY_MS;
  }
  return at;
}
