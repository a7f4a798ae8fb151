import { addDays, daysPastDue, instantForOffset, isIsoDate, isoDateOf, startOfDateUtc } from '../../src/domain/calendar';

const at = (iso: string): number => Date.parse(iso);

describe('isIsoDate', () => {
  test.each(['2024-02-29', '2023-12-31', '2000-02-29'])('accepts %s', (value) => expect(isIsoDate(value)).toBe(true));
  test.each(['2023-02-29', '2024-02-30', '2024-13-01', '2024-00-10', '2024-1-1', '2024-01-01T00:00:00Z', ''])('refuses %p', (value) => {
    expect(isIsoDate(value)).toBe(false);
  });
});

describe('startOfDateUtc and isoDateOf', () => {
  test('startOfDateUtc is midnight UTC and refuses non-dates', () => {
    expect(startOfDateUtc('2024-03-10')).toBe(at('2024-03-10T00:00:00Z'));
    expect(() => startOfDateUtc('2023-02-29')).toThrow(RangeError);
  });

  test('isoDateOf takes the UTC calendar date of an instant', () => {
    expect(isoDateOf(at('2024-03-10T23:59:59.999Z'))).toBe('2024-03-10');
  });
});

describe('daysPastDue', () => {
  test.each(['2024-03-10T00:00:00Z', '2024-03-10T09:30:00Z', '2024-03-10T23:59:59.999Z'])('is 0 on the due date at %s', (now) => {
    expect(daysPastDue('2024-03-10', at(now))).toBe(0);
  });

  test('is 1 the next day and -3 three days before', () => {
    expect(daysPastDue('2024-03-10', at('2024-03-11T00:00:00Z'))).toBe(1);
    expect(daysPastDue('2024-03-10', at('2024-03-11T18:00:00Z'))).toBe(1);
    expect(daysPastDue('2024-03-10', at('2024-03-07T00:00:00Z'))).toBe(-3);
    expect(daysPastDue('2024-03-10', at('2024-03-07T12:00:00Z'))).toBe(-3);
  });

  test('counts across a leap day', () => {
    expect(daysPastDue('2024-02-28', at('2024-03-01T08:00:00Z'))).toBe(2);
  });
});

describe('addDays', () => {
  test.each([
    ['2024-01-31', 1, '2024-02-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2024-12-31', 1, '2025-01-01'],
    ['2025-01-01', -1, '2024-12-31'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2024-01-01', 365, '2024-12-31'],
    ['2024-06-15', 0, '2024-06-15'],
  ])('%s %+i days is %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  test('refuses a date that does not exist', () => {
    expect(() => addDays('2024-02-30', 1)).toThrow(RangeError);
  });
});

describe('instantForOffset', () => {
  test('is the step day at the given UTC hour', () => {
    expect(instantForOffset('2024-03-10', 30, 9)).toBe(at('2024-04-09T09:00:00Z'));
    expect(instantForOffset('2024-03-10', -3, 9)).toBe(at('2024-03-07T09:00:00Z'));
    expect(instantForOffset('2024-12-31', 1, 0)).toBe(at('2025-01-01T00:00:00Z'));
  });

  test.each([-3, 0, 1, 30, 180])('runs on a day %i days past due', (offset) => {
    expect(daysPastDue('2024-03-10', instantForOffset('2024-03-10', offset, 23))).toBe(offset);
  });
});
