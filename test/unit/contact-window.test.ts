/** When a customer may be contacted: business hours in their zone, quiet days, policy and public holidays. */
import { isKnownCountry, nextContactWindow, publicHolidayOn, type ContactRules } from '../../src/notices/contact-window';

const rules: ContactRules = {
  businessHours: { startHour: 9, endHour: 17 },
  quietWeekdays: ['saturday', 'sunday'],
  holidays: [],
  timeZone: 'UTC',
};
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

test('inside business hours on an open day it is now', () => {
  expect(iso(nextContactWindow(at('2026-03-04T10:30:00Z'), rules))).toBe('2026-03-04T10:30:00.000Z');
});

test('before opening it is the opening hour; after closing, the next open day', () => {
  expect(iso(nextContactWindow(at('2026-03-04T06:00:00Z'), rules))).toBe('2026-03-04T09:00:00.000Z');
  expect(iso(nextContactWindow(at('2026-03-04T17:00:00Z'), rules))).toBe('2026-03-05T09:00:00.000Z');
});

test("a Saturday step goes out on Monday at 09:00 in the customer's zone (Los Angeles, not UTC)", () => {
  // Saturday 2026-02-28 09:00 UTC is 01:00 in Los Angeles; Monday 09:00 PST is 17:00 UTC.
  expect(iso(nextContactWindow(at('2026-02-28T09:00:00Z'), rules, { timeZone: 'America/Los_Angeles' }))).toBe('2026-03-02T17:00:00.000Z');
  // A week later the clocks have moved (8 March): Monday 09:00 PDT is 16:00 UTC.
  expect(iso(nextContactWindow(at('2026-03-07T09:00:00Z'), rules, { timeZone: 'America/Los_Angeles' }))).toBe('2026-03-09T16:00:00.000Z');
});

test('09:00 in Berlin is 07:00 UTC in summer and 08:00 UTC in winter', () => {
  expect(iso(nextContactWindow(at('2026-07-01T00:00:00Z'), rules, { timeZone: 'Europe/Berlin' }))).toBe('2026-07-01T07:00:00.000Z');
  expect(iso(nextContactWindow(at('2026-01-07T00:00:00Z'), rules, { timeZone: 'Europe/Berlin' }))).toBe('2026-01-07T08:00:00.000Z');
});

test("a public holiday of the customer's country is skipped, another country's is not", () => {
  // Thursday 2026-11-26 is Thanksgiving in the US, a working day in Germany.
  expect(publicHolidayOn('US', '2026-11-26')).toBe('Thanksgiving Day');
  expect(iso(nextContactWindow(at('2026-11-26T15:00:00Z'), rules, { timeZone: 'America/New_York', country: 'US' }))).toBe('2026-11-27T14:00:00.000Z');
  expect(iso(nextContactWindow(at('2026-11-26T10:00:00Z'), rules, { timeZone: 'Europe/Berlin', country: 'DE' }))).toBe('2026-11-26T10:00:00.000Z');
});

test('holidays the policy lists are skipped too; an unknown zone falls back to the policy zone', () => {
  const withHoliday = { ...rules, holidays: ['2026-03-04'] };
  expect(iso(nextContactWindow(at('2026-03-04T10:00:00Z'), withHoliday))).toBe('2026-03-05T09:00:00.000Z');
  expect(iso(nextContactWindow(at('2026-03-04T10:00:00Z'), rules, { timeZone: 'Mars/Olympus' }))).toBe('2026-03-04T10:00:00.000Z');
});

test('business hours to 24 and no quiet days mean any time', () => {
  const always = { ...rules, businessHours: { startHour: 0, endHour: 24 }, quietWeekdays: [] };
  expect(iso(nextContactWindow(at('2026-03-07T23:30:00Z'), always))).toBe('2026-03-07T23:30:00.000Z');
});

test('country codes are checked against the holiday library', () => {
  expect(isKnownCountry('US')).toBe(true);
  expect(isKnownCountry('XX')).toBe(false);
  expect(isKnownCountry('us')).toBe(false);
});
