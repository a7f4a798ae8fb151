/** Business days: the deadlines of dispute SLAs skip weekends (the policy's quiet weekdays) and holidays. */
import { addDays } from './calendar';

const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/** The weekday name of a calendar date. */
export function weekdayOf(isoDate: string): (typeof WEEKDAY_NAMES)[number] {
  return WEEKDAY_NAMES[new Date(`${isoDate}T00:00:00Z`).getUTCDay()];
}

/** True when the date is neither a closed weekday nor a holiday. */
export function isBusinessDay(isoDate: string, closedWeekdays: readonly string[], holidays: readonly string[]): boolean {
  return !closedWeekdays.includes(weekdayOf(isoDate)) && !holidays.includes(isoDate);
}

/** The date `count` business days after `from` (the day itself does not count). */
export function addBusinessDays(from: string, count: number, closedWeekdays: readonly string[], holidays: readonly string[]): string {
  let date = from;
  let left = count;
  while (left > 0) {
    date = addDays(date, 1);
    if (isBusinessDay(date, closedWeekdays, holidays)) left -= 1;
  }
  return date;
}
