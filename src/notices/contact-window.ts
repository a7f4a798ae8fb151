/**
 * When a customer may be contacted: inside the policy's business hours in the customer's own time
 * zone, never on a quiet weekday, a holiday the policy lists, or a public holiday of the customer's
 * country. luxon does the zone arithmetic (offsets, daylight saving); date-holidays holds the
 * countries' public-holiday calendars. Runs in an activity: the answer is recorded in the history.
 */
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { CALENDAR_DAYS, type ContactCalendar } from '../domain/contact-calendar';
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

/** Every country code `isKnownCountry` accepts, for documents that list them (the OpenAPI document). */
export function knownCountries(): string[] {
  return Object.keys(COUNTRIES).filter(isKnownCountry).sort();
}

/** Whether a country code names a public-holiday calendar this engine knows. */
export function isKnownCountry(country: string): boolean {
  return /^[A-Z]{2}$/.test(country) && calendarOf(country) !== null;
}

// Working out a country's year of holidays is costly, and a window or calendar asks for every day of it.
const holidayYears = new Map<string, Map<string, string>>();

/** A country's public holidays of one year, by local date. */
function holidaysOf(calendar: Holidays, country: string, year: number): Map<string, string> {
  const key = `${country}/${year}`;
  let byDate = holidayYears.get(key);
  if (!byDate) {
    byDate = new Map();
    for (const holiday of calendar.getHolidays(year)) {
      const date = holiday.date.slice(0, 10);
      if (holiday.type === 'public' && !byDate.has(date)) byDate.set(date, holiday.name);
    }
    holidayYears.set(key, byDate);
  }
  return byDate;
}

/** The public holiday that falls on a local date in the customer's country, if one does. */
export function publicHolidayOn(country: string | null | undefined, isoDate: string): string | null {
  const calendar = country ? calendarOf(country) : null;
  if (!country || !calendar) return null;
  return holidaysOf(calendar, country, Number(isoDate.slice(0, 4))).get(isoDate) ?? null;
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

/** The open hours of each open day from the day of `from` on, in the customer's zone (the policy's when they state none). */
function* openHours(from: number, rules: ContactRules, where: CustomerWhereabouts, days: number): Generator<[DateTime, DateTime]> {
  const { startHour, endHour } = rules.businessHours;
  let zone = where.timeZone ?? rules.timeZone;
  if (!DateTime.fromMillis(from, { zone }).isValid) zone = rules.timeZone;
  let dayStart = DateTime.fromMillis(from, { zone }).startOf('day');
  for (let day = 0; day < days; day += 1) {
    if (!closedDayReason(dayStart, rules, where.country)) {
      yield [dayStart.set({ hour: startHour }), endHour >= 24 ? dayStart.plus({ days: 1 }) : dayStart.set({ hour: endHour })];
    }
    dayStart = dayStart.plus({ days: 1 });
  }
}

/**
 * The first instant at or after `notBefore` (epoch ms) when the customer may be contacted: inside
 * business hours of an open day in their zone (the policy's zone when they state none).
 */
export function nextContactWindow(notBefore: number, rules: ContactRules, where: CustomerWhereabouts = {}): number {
  for (const [opens, closes] of openHours(notBefore, rules, where, SEARCH_DAYS)) {
    if (closes.toMillis() > notBefore) return Math.max(notBefore, opens.toMillis());
  }
  throw new Error('no contact window within a year: the policy closes every day');
}

/** The customer's open hours for `days` days from `from`, for the outreach workflow to read; back-to-back hours are joined. */
export function contactCalendar(from: number, rules: ContactRules, where: CustomerWhereabouts = {}, days = CALENDAR_DAYS): ContactCalendar {
  const open: [number, number][] = [];
  for (const [opens, closes] of openHours(from, rules, where, days)) {
    const hours: [number, number] = [Math.max(from, opens.toMillis()), closes.toMillis()];
    if (hours[1] <= from) continue;
    const last = open[open.length - 1];
    if (last && last[1] === hours[0]) last[1] = hours[1];
    else open.push(hours);
  }
  // Past the last closing hour the next opening lies beyond what was worked out.
  return { from, until: open.length > 0 ? open[open.length - 1][1] : from, open };
}
