/** The contact calendar the outreach workflow reads answers as the window activity would, until it runs out. */
import { CALENDAR_DAYS, nextOpening } from '../../src/domain/contact-calendar';
import { contactCalendar, nextContactWindow, type ContactRules, type CustomerWhereabouts } from '../../src/notices/contact-window';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const rules: ContactRules = { businessHours: { startHour: 9, endHour: 17 }, quietWeekdays: ['saturday', 'sunday'], holidays: ['2026-12-24'], timeZone: 'UTC' };

const cases: [string, ContactRules, CustomerWhereabouts][] = [
  ['weekdays 9 to 17 in UTC with a policy holiday', rules, {}],
  ['New York with US public holidays (Thanksgiving, Christmas, daylight saving in March)', rules, { timeZone: 'America/New_York', country: 'US' }],
  ['Berlin with German holidays', { ...rules, businessHours: { startHour: 8, endHour: 18 } }, { timeZone: 'Europe/Berlin', country: 'DE' }],
  ['Auckland, a day ahead of UTC', rules, { timeZone: 'Pacific/Auckland', country: 'NZ' }],
  ['an unknown zone falls back to the policy zone', { ...rules, timeZone: 'Europe/London' }, { timeZone: 'Mars/Olympus' }],
  ['any hour of any day', { ...rules, businessHours: { startHour: 0, endHour: 24 }, quietWeekdays: [], holidays: [] }, {}],
];

test.each(cases)('%s: every instant the calendar reaches gets the activity answer', (_name, caseRules, where) => {
  const from = Date.parse('2026-11-20T13:17:00Z');
  const calendar = contactCalendar(from, caseRules, where);
  expect(calendar.until).toBeGreaterThan(from + (CALENDAR_DAYS - 8) * DAY);
  // Every 97 minutes over the whole span: inside hours, at their edges' neighbours, nights, weekends and holidays.
  let checked = 0;
  for (let at = from; at < calendar.until; at += 97 * 60_000) {
    expect([new Date(at).toISOString(), nextOpening(calendar, at)]).toEqual([new Date(at).toISOString(), nextContactWindow(at, caseRules, where)]);
    checked += 1;
  }
  expect(checked).toBeGreaterThan(1_600);
});

test('an instant before the calendar or past its last closing hour is not answered: the workflow asks for a new one', () => {
  const from = Date.parse('2026-11-20T13:17:00Z');
  const calendar = contactCalendar(from, rules, {});
  expect(nextOpening(calendar, from - 1)).toBeNull();
  expect(nextOpening(calendar, calendar.until)).toBeNull();
  expect(nextOpening(calendar, calendar.until - 1)).toBe(calendar.until - 1);
});

test('back-to-back open hours are one entry, so an always-open calendar stays small', () => {
  const always = { ...rules, businessHours: { startHour: 0, endHour: 24 }, quietWeekdays: [], holidays: [] };
  const calendar = contactCalendar(Date.parse('2026-11-20T13:17:00Z'), always, {});
  expect(calendar.open).toHaveLength(1);
  expect(contactCalendar(Date.parse('2026-11-20T13:17:00Z'), rules, { timeZone: 'America/New_York', country: 'US' }).open.length).toBeLessThan(CALENDAR_DAYS);
});
