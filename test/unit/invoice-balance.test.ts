import { applyPayment, openingBalance } from '../../src/domain/invoice-balance';

describe('invoice balance', () => {
  const opening = openingBalance(10_000, 'USD');

  test('a new invoice owes its whole amount', () => {
    expect(opening).toEqual({ currency: 'USD', originalMinor: 10_000, paidMinor: 0, balanceMinor: 10_000, creditMinor: 0 });
  });

  test('partial payments reduce the balance', () => {
    const after = applyPayment(applyPayment(opening, 2_500), 4_000);
    expect(after).toEqual({ currency: 'USD', originalMinor: 10_000, paidMinor: 6_500, balanceMinor: 3_500, creditMinor: 0 });
  });

  test('an exact payment clears the balance with no credit', () => {
    expect(applyPayment(opening, 10_000)).toMatchObject({ paidMinor: 10_000, balanceMinor: 0, creditMinor: 0 });
  });

  test('an overpayment clears the balance and the rest becomes credit', () => {
    expect(applyPayment(applyPayment(opening, 7_000), 5_000)).toMatchObject({ paidMinor: 12_000, balanceMinor: 0, creditMinor: 2_000 });
  });

  test('a payment after the balance is zero all goes to credit', () => {
    const settled = applyPayment(opening, 10_000);
    expect(applyPayment(settled, 300)).toMatchObject({ paidMinor: 10_300, balanceMinor: 0, creditMinor: 300 });
  });

  test('does not change the balance it was given', () => {
    applyPayment(opening, 2_500);
    expect(opening.balanceMinor).toBe(10_000);
  });

  test.each([0, -100, 12.5, Number.NaN])('refuses a payment of %p', (amount) => {
    expect(() => applyPayment(opening, amount)).toThrow(RangeError);
  });
});
