/**
 * When a customer may be contacted: inside the policy's business hours in the customer's own time
 * zone, never on a quiet weekday, a holiday the policy lists, or a public holiday of the customer's
 * country. luxon does the zone arithmetic (offsets, daylight saving); date-holidays holds the
 * countries' public-holiday calendars. Runs in an activity: the answer is recorded in the history.
 */
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import type { CollectionsPolicy } from '../domain/policy/schema';

export type ContactRules = Pick<CollectionsPolicy['contact'], 'businessHours' | 'quietWeekdays' | 'holidays' | 'timeZone'>;

/** Where the customer is: an IANA zone and an ISO 3166 country code, either may be unknown. */
export interface CustomerWhereabouts {
  timeZone?: string | null;
  country?: string | null;
}

const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
/** A year of days is enough to find an open hour under any policy the schema allows (at least one weekday open). */
const SEARCH_DAYS = 366;

const calendars = new Map<string, Holidays | null>();
const COUNTRIES = new Holidays().getCountries();

/** The public-holiday calendar of a country, or null when the library does not know it. */
function calendarOf(country: string): Holidays | null {
  if (!calendars.has(country)) calendars.set(country, country in COUNTRIES ? new Holidays(country, { types: ['public'] }) : null);
  return calendars.get(country) ?? null;
}

/** Whether a country code names a public-holiday calendar this engine knows. */
export function isKnownCountry(country: string): boolean {
  return /^[A-Z]{2}$/.test(country) && calendarOf(country) !== null;
}

/** The public holiday that falls on a local date in the customer's country, if one does. */
export function publicHolidayOn(country: string | null | undefined, isoDate: string): string | null {
  const calendar = country ? calendarOf(country) : null;
  if (!calendar) return null;
  const found = calendar.getHolidays(Number(isoDate.slice(0, 4))).find((h) => h.type === 'public' && h.date.slice(0, 10) === isoDate);
  return found ? found.name : null;
}

/** Why a local day is closed for contact, if it is. */
export function closedDayReason(day: DateTime, rules: ContactRules, country?: string | null): string | null {
  const weekday = WEEKDAY_NAMES[day.weekday - 1];
  if (rules.quietWeekdays.includes(weekday)) return `${weekday} is a quiet day`;
  const date = day.toISODate() as string;
  if (rules.holidays.includes(date)) return `${date} is a holiday in the policy`;
  const holiday = publicHolidayOn(country, date);
  return holiday ? `${date} is a public holiday in ${country} (${holiday})` : null;
}

/**
 * The first instant at or after `notBefore` (epoch ms) when the customer may be contacted: inside
 * business hours of an open day in their zone (the policy's zone when they state none).
 */
export function nextContactWindow(notBefore: number, rules: ContactRules, where: CustomerWhereabouts = {}): number {
  const zone = where.timeZone ?? rules.timeZone;
  const { startHour, endHour } = rules.businessHours;
  let local = DateTime.fromMillis(notBefore, { zone });
  if (!local.isValid) local = DateTime.fromMillis(notBefore, { zone: rules.timeZone });
  for (let day = 0; day < SEARCH_DAYS; day += 1) {
    const dayStart = local.startOf('day');
    if (!closedDayReason(dayStart, rules, where.country)) {
      const opens = dayStart.set({ hour: startHour });
      const closes = endHour >= 24 ? dayStart.plus({ days: 1 }) : dayStart.set({ hour: endHour });
      if (local < closes) return Math.max(local.toMillis(), opens.toMillis());
    }
    local = dayStart.plus({ days: 1 });
  }
  throw new Error('no contact window within a year: the policy closes every day');
}
