import {
  addCharge, applyCreditMemo, applyPayment, openingBalance, reinstatePrincipal, reversePayment, settleWithDiscount, waiveCharges, withChargeFields,
  type InvoiceBalance,
} from '../../src/domain/invoice-balance';

const pay = (balance: InvoiceBalance, amount: number) => applyPayment(balance, amount).balance;

describe('invoice balance', () => {
  const opening = openingBalance(10_000, 'USD');

  test('a new invoice owes its whole amount as principal', () => {
    expect(opening).toEqual({
      currency: 'USD', originalMinor: 10_000, paidMinor: 0, principalMinor: 10_000, interestMinor: 0, lateFeeMinor: 0,
      balanceMinor: 10_000, creditMinor: 0, creditedMinor: 0,
    });
  });

  test('partial payments reduce the balance', () => {
    expect(pay(pay(opening, 2_500), 4_000)).toMatchObject({ paidMinor: 6_500, balanceMinor: 3_500, principalMinor: 3_500, creditMinor: 0 });
  });

  test('an exact payment clears the balance with no credit', () => {
    expect(pay(opening, 10_000)).toMatchObject({ paidMinor: 10_000, balanceMinor: 0, creditMinor: 0 });
  });

  test('an overpayment clears the balance and the rest becomes credit', () => {
    expect(pay(pay(opening, 7_000), 5_000)).toMatchObject({ paidMinor: 12_000, balanceMinor: 0, creditMinor: 2_000 });
  });

  test('a payment after the balance is zero all goes to credit', () => {
    expect(pay(pay(opening, 10_000), 300)).toMatchObject({ paidMinor: 10_300, balanceMinor: 0, creditMinor: 300 });
  });

  test('does not change the balance it was given', () => {
    applyPayment(opening, 2_500);
    expect(opening.balanceMinor).toBe(10_000);
  });

  test.each([0, -100, 12.5, Number.NaN])('refuses a payment of %p', (amount) => {
    expect(() => applyPayment(opening, amount)).toThrow(RangeError);
  });

  test('a payment goes to the principal first, then interest, then fees', () => {
    const charged = addCharge(addCharge(opening, 'interest', 300), 'late_fee', 200);
    expect(charged.balanceMinor).toBe(10_500);
    const { balance, allocation } = applyPayment(charged, 10_100);
    expect(allocation).toEqual({ amountMinor: 10_100, principalMinor: 10_000, interestMinor: 100, lateFeeMinor: 0, creditMinor: 0 });
    expect(balance).toMatchObject({ principalMinor: 0, interestMinor: 200, lateFeeMinor: 200, balanceMinor: 400 });
  });

  test('a reversal undoes exactly what its payment did', () => {
    const charged = addCharge(opening, 'interest', 300);
    const { balance, allocation } = applyPayment(charged, 10_500);
    expect(balance).toMatchObject({ balanceMinor: 0, creditMinor: 200 });
    expect(reversePayment(balance, allocation)).toEqual(charged);
  });

  test('a reversal whose credit was already used owes that part again as principal', () => {
    const { balance, allocation } = applyPayment(opening, 10_500);
    const creditUsed = { ...balance, creditMinor: 0 };
    expect(reversePayment(creditUsed, allocation)).toMatchObject({ principalMinor: 10_500, creditMinor: 0, balanceMinor: 10_500 });
  });

  test('waivers take charges off and say how much', () => {
    const charged = addCharge(addCharge(opening, 'interest', 300), 'late_fee', 200);
    expect(waiveCharges(charged, 'interest')).toMatchObject({ waivedMinor: 300, balance: { balanceMinor: 10_200 } });
    expect(waiveCharges(charged, 'late_fee')).toMatchObject({ waivedMinor: 200, balance: { balanceMinor: 10_300 } });
    expect(waiveCharges(charged, 'all')).toMatchObject({ waivedMinor: 500, balance: { balanceMinor: 10_000 } });
  });

  test('a credit memo never takes off more principal than is owed', () => {
    expect(applyCreditMemo(pay(opening, 9_000), 5_000)).toMatchObject({ creditedMinor: 1_000, balance: { principalMinor: 0, creditedMinor: 1_000 } });
  });

  test('settling with a discount zeroes the balance and names the discount; a voided settlement owes it again', () => {
    const { balance, discountMinor } = settleWithDiscount(pay(opening, 9_000));
    expect(discountMinor).toBe(1_000);
    expect(balance.balanceMinor).toBe(0);
    expect(reinstatePrincipal(balance, discountMinor).balanceMinor).toBe(1_000);
  });

  test('a balance from an older snapshot gains zero charges', () => {
    expect(withChargeFields({ currency: 'USD', originalMinor: 100, paidMinor: 40, balanceMinor: 60, creditMinor: 0 }))
      .toMatchObject({ principalMinor: 60, interestMinor: 0, lateFeeMinor: 0, balanceMinor: 60 });
  });
});
