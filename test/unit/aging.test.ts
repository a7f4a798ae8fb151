import { agingBucket, type AgingBucketBoundary } from '../../src/domain/aging';

describe('agingBucket with the standard buckets', () => {
  test.each([
    [-5, 'current'], [0, 'current'],
    [1, '1-30'], [30, '1-30'],
    [31, '31-60'], [60, '31-60'],
    [61, '61-90'], [90, '61-90'],
    [91, '91-120'], [120, '91-120'],
    [121, '120+'], [400, '120+'],
  ])('%i days past due is %s', (days, label) => {
    expect(agingBucket(days)).toBe(label);
  });
});

describe('agingBucket with custom buckets', () => {
  const weekly: AgingBucketBoundary[] = [
    { label: 'not due', fromDays: null, toDays: 0 },
    { label: 'week 1', fromDays: 1, toDays: 7 },
    { label: 'later', fromDays: 8, toDays: null },
  ];

  test.each([[-1, 'not due'], [1, 'week 1'], [7, 'week 1'], [8, 'later'], [1000, 'later']])('%i days is %s', (days, label) => {
    expect(agingBucket(days, weekly)).toBe(label);
  });

  test('throws when no bucket covers the days (a gap)', () => {
    const gapped: AgingBucketBoundary[] = [
      { label: 'current', fromDays: null, toDays: 0 },
      { label: '1-30', fromDays: 1, toDays: 30 },
      { label: '41+', fromDays: 41, toDays: null },
    ];
    expect(agingBucket(30, gapped)).toBe('1-30');
    expect(() => agingBucket(35, gapped)).toThrow('no aging bucket covers 35 days past due');
    expect(agingBucket(41, gapped)).toBe('41+');
  });
});
