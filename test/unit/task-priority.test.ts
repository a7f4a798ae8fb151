import { taskPriority } from '../../src/domain/task-priority';

describe('taskPriority', () => {
  test('scores log10(amount + 1) × (1 + days / 30) × risk weight × 100', () => {
    expect(taskPriority(9_999, 0, 'green')).toBe(400);
    expect(taskPriority(9_999, 30, 'green')).toBe(800);
    expect(taskPriority(9_999, 30, 'yellow')).toBe(1200);
    expect(taskPriority(9_999, 30, 'red')).toBe(2400);
  });

  test('ranks riskier, older and larger balances higher', () => {
    expect(taskPriority(50_000, 45, 'orange')).toBeGreaterThan(taskPriority(50_000, 45, 'yellow'));
    expect(taskPriority(50_000, 46, 'green')).toBeGreaterThan(taskPriority(50_000, 45, 'green'));
    expect(taskPriority(5_000_000, 45, 'green')).toBeGreaterThan(taskPriority(50_000, 45, 'green'));
  });

  test('treats not-yet-due as zero days and caps age at a year', () => {
    expect(taskPriority(9_999, -10, 'green')).toBe(taskPriority(9_999, 0, 'green'));
    expect(taskPriority(9_999, 365, 'green')).toBe(5267);
    expect(taskPriority(9_999, 1_000, 'green')).toBe(5267);
  });
});
