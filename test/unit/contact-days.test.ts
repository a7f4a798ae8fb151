import { localDay, nextContactInstant } from '../../src/domain/contact-days';

const at = (iso: string) => Date.parse(iso);
const weekends = { quietWeekdays: ['saturday', 'sunday'], holidays: [] as string[], timeZone: 'UTC' };

test('the local day of an instant depends on the time zone', () => {
  expect(localDay(at('2026-11-28T09:00:00Z'), 'UTC')).toEqual({ date: '2026-11-28', weekday: 'saturday' });
  expect(localDay(at('2026-11-28T02:00:00Z'), 'America/Los_Angeles')).toEqual({ date: '2026-11-27', weekday: 'friday' });
});

test('a step on a weekend moves to Monday at the same hour; a weekday stays', () => {
  expect(new Date(nextContactInstant(at('2026-11-28T09:00:00Z'), weekends)).toISOString()).toBe('2026-11-30T09:00:00.000Z');
  expect(nextContactInstant(at('2026-11-25T09:00:00Z'), weekends)).toBe(at('2026-11-25T09:00:00Z'));
});

test('holidays are skipped too, one after another', () => {
  const rules = { ...weekends, holidays: ['2026-12-24', '2026-12-25'] };
  expect(new Date(nextContactInstant(at('2026-12-24T09:00:00Z'), rules)).toISOString()).toBe('2026-12-28T09:00:00.000Z');
});

test('judged in the policy time zone: 09:00 UTC on a Monday is still Sunday night in Honolulu', () => {
  const honolulu = { ...weekends, timeZone: 'Pacific/Honolulu' };
  expect(new Date(nextContactInstant(at('2026-11-30T09:00:00Z'), honolulu)).toISOString()).toBe('2026-12-01T09:00:00.000Z');
});
