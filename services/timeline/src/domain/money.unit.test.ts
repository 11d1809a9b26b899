import { addMoney, currencyExponent, formatMoney, formatTotals, isMoney, moneyInputSchema, toMoney } from './money';

describe('money', () => {
  it('knows the minor unit of each currency', () => {
    expect(['JPY', 'KRW', 'ISK', 'CLP', 'VND'].map(currencyExponent)).toEqual([0, 0, 0, 0, 0]);
    expect(['BHD', 'KWD', 'OMR', 'JOD', 'TND'].map(currencyExponent)).toEqual([3, 3, 3, 3, 3]);
    expect(['EUR', 'USD', 'GBP', 'CHF'].map(currencyExponent)).toEqual([2, 2, 2, 2]);
  });

  it('converts decimal strings to minor units and back', () => {
    expect(toMoney({ amount: '240.00', currency: 'EUR' })).toEqual({ currency: 'EUR', minor: 24000 });
    expect(toMoney({ amount: '240.5', currency: 'EUR' })).toEqual({ currency: 'EUR', minor: 24050 });
    expect(toMoney({ amount: '240', currency: 'EUR' })).toEqual({ currency: 'EUR', minor: 24000 });
    expect(toMoney({ amount: '15000', currency: 'JPY' })).toEqual({ currency: 'JPY', minor: 15000 });
    expect(toMoney({ amount: '12.345', currency: 'KWD' })).toEqual({ currency: 'KWD', minor: 12345 });
    expect(toMoney({ amount: '0.01', currency: 'USD' })).toEqual({ currency: 'USD', minor: 1 });

    expect(formatMoney({ currency: 'EUR', minor: 24000 })).toEqual({ amount: '240.00', currency: 'EUR' });
    expect(formatMoney({ currency: 'EUR', minor: 5 })).toEqual({ amount: '0.05', currency: 'EUR' });
    expect(formatMoney({ currency: 'EUR', minor: -1250 })).toEqual({ amount: '-12.50', currency: 'EUR' });
    expect(formatMoney({ currency: 'JPY', minor: 15000 })).toEqual({ amount: '15000', currency: 'JPY' });
    expect(formatMoney({ currency: 'BHD', minor: 1005 })).toEqual({ amount: '1.005', currency: 'BHD' });
  });

  it('refuses more decimals than the currency has, with a field error on amount', () => {
    const jpy = moneyInputSchema.safeParse({ amount: '100.5', currency: 'JPY' });
    expect(jpy.success).toBe(false);
    expect(jpy.error?.issues).toEqual([expect.objectContaining({ path: ['amount'], message: 'JPY has no minor unit: write a whole number' })]);

    const eur = moneyInputSchema.safeParse({ amount: '1.234', currency: 'EUR' });
    expect(eur.error?.issues).toEqual([expect.objectContaining({ path: ['amount'], message: 'EUR has 2 decimal places: "1.234" has 3' })]);

    expect(moneyInputSchema.safeParse({ amount: '1.234', currency: 'KWD' }).success).toBe(true);
    expect(() => toMoney({ amount: '1.234', currency: 'EUR' })).toThrow(RangeError);
  });

  it('rejects malformed amounts and currencies', () => {
    const issues = (value: unknown) => moneyInputSchema.safeParse(value).error?.issues.map((i) => i.path.join('.'));
    expect(issues({ amount: 240, currency: 'EUR' })).toEqual(['amount']);
    expect(issues({ amount: '-5.00', currency: 'EUR' })).toEqual(['amount']);
    expect(issues({ amount: '1e3', currency: 'EUR' })).toEqual(['amount']);
    expect(issues({ amount: '5.00', currency: 'eur' })).toEqual(['currency']);
    expect(issues({ amount: '5.00', currency: 'EUR', rate: 1 })).toEqual(['']);
    expect(issues({ amount: '99999999999999999999', currency: 'EUR' })).toEqual(['amount']);
  });

  it('adds per currency and formats totals sorted by currency', () => {
    let totals = addMoney({}, { currency: 'USD', minor: 1000 });
    totals = addMoney(totals, { currency: 'EUR', minor: 24000 });
    totals = addMoney(totals, { currency: 'EUR', minor: 500 }, -1);
    expect(formatTotals(totals)).toEqual([{ amount: '235.00', currency: 'EUR' }, { amount: '10.00', currency: 'USD' }]);
    expect(isMoney({ currency: 'EUR', minor: 1 })).toBe(true);
    expect(isMoney({ currency: 'EUR', minor: 1.5 })).toBe(false);
    expect(isMoney({ currency: 'EUR', minor: 1, extra: true })).toBe(false);
  });
});
