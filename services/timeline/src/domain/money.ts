import { z } from 'zod';
import type { Money } from './timeline.types';

/**
 * Money at the edges is a decimal string with an ISO 4217 code (`{ amount: "240.00", currency: "EUR" }`:
 * no binary floats on the wire); inside, it is an integer count of minor units (`{ currency, minor }`).
 */

/** ISO 4217 currencies whose minor unit is not the usual cent (exponent 2). */
const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = {
  // No minor unit.
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  // Thousandths.
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  // Units of account with four decimals.
  CLF: 4, UYW: 4,
};

const CURRENCY_PATTERN = /^[A-Z]{3}$/;
const DECIMAL_PATTERN = /^(-?)(\d+)(?:\.(\d+))?$/;
const AMOUNT_PATTERN = /^\d+(?:\.\d+)?$/;

/** Decimal places of a currency's minor unit: 0 (JPY, KRW, ISK, CLP, VND…), 3 (BHD, KWD, OMR, JOD, TND…), else 2. */
export function currencyExponent(currency: string): number {
  return CURRENCY_EXPONENTS[currency] ?? 2;
}

/** Why a decimal amount cannot be money of this currency, or undefined when it can. */
export function moneyProblem(amount: string, currency: string): string | undefined {
  if (!CURRENCY_PATTERN.test(currency)) return 'expected an ISO 4217 currency code of 3 capital letters, e.g. EUR';
  const match = DECIMAL_PATTERN.exec(amount);
  if (!match) return 'expected a decimal number written as a string, e.g. "240.00"';
  const exponent = currencyExponent(currency);
  const fraction = match[3] ?? '';
  if (fraction.length > exponent) {
    return exponent === 0
      ? `${currency} has no minor unit: write a whole number`
      : `${currency} has ${exponent} decimal places: "${amount}" has ${fraction.length}`;
  }
  if (!Number.isSafeInteger(Number(`${match[2]}${fraction.padEnd(exponent, '0')}`))) return 'amount is too large';
  return undefined;
}

/** `{ amount: "240.00", currency: "EUR" }` → `{ currency: 'EUR', minor: 24000 }`. Throws RangeError on input `moneyInputSchema` rejects. */
export function toMoney(input: { amount: string; currency: string }): Money {
  const problem = moneyProblem(input.amount, input.currency);
  if (problem) throw new RangeError(`Invalid money ${JSON.stringify(input)}: ${problem}`);
  const [, sign, whole, fraction = ''] = DECIMAL_PATTERN.exec(input.amount)!;
  const minor = Number(`${whole}${fraction.padEnd(currencyExponent(input.currency), '0')}`);
  return { currency: input.currency, minor: sign === '-' && minor !== 0 ? -minor : minor };
}

/** `{ currency: 'EUR', minor: 24000 }` → `{ amount: "240.00", currency: "EUR" }` (always the currency's full decimals). */
export function formatMoney(m: Money): { amount: string; currency: string } {
  const exponent = currencyExponent(m.currency);
  const digits = Math.abs(Math.trunc(m.minor)).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  const sign = m.minor < 0 ? '-' : '';
  return { amount: exponent === 0 ? `${sign}${whole}` : `${sign}${whole}.${fraction}`, currency: m.currency };
}

/** Whether a value is a `Money` (`{ currency, minor }` with an integer `minor` and nothing else). */
export function isMoney(value: unknown): value is Money {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const { currency, minor } = value as Record<string, unknown>;
  return keys.length === 2 && typeof currency === 'string' && CURRENCY_PATTERN.test(currency) && Number.isSafeInteger(minor);
}

/** Sums amounts per currency (a plain JSON record, currency → minor units). */
export function addMoney(totals: Readonly<Record<string, number>>, m: Money | null | undefined, sign: 1 | -1 = 1): Record<string, number> {
  if (!m) return { ...totals };
  return { ...totals, [m.currency]: (totals[m.currency] ?? 0) + sign * m.minor };
}

/** Per-currency totals as formatted money, sorted by currency code. */
export function formatTotals(totals: Readonly<Record<string, number>>): { amount: string; currency: string }[] {
  return Object.keys(totals)
    .sort()
    .map((currency) => formatMoney({ currency, minor: totals[currency]! }));
}

/**
 * API money: a non-negative decimal string and an ISO 4217 code, with no more decimals than the currency
 * has (a field error on `amount` otherwise). Strict: a misspelt key is an error, not a value dropped.
 */
export const moneyInputSchema = z
  .strictObject({
    amount: z
      .string()
      .regex(AMOUNT_PATTERN, 'expected a non-negative decimal number written as a string, e.g. "240.00"')
      .max(24)
      .describe('Decimal amount as a string, e.g. "240.00"; at most as many decimals as the currency has'),
    currency: z.string().regex(CURRENCY_PATTERN, 'expected an ISO 4217 currency code of 3 capital letters, e.g. EUR').describe('ISO 4217 code'),
  })
  .superRefine((value, ctx) => {
    // Field checks do not stop object refinements in zod 4: only judge amounts the field checks accepted.
    if (!AMOUNT_PATTERN.test(value.amount) || !CURRENCY_PATTERN.test(value.currency)) return;
    const problem = moneyProblem(value.amount, value.currency);
    if (problem) ctx.addIssue({ code: 'custom', path: ['amount'], message: problem });
  })
  .meta({ id: 'MoneyInput', description: 'An amount of money: decimal string and ISO 4217 currency' });

/** API money in responses (always the currency's full decimals, e.g. "240.00", "1500" for JPY). */
export const moneyResponseSchema = z
  .object({ amount: z.string().describe('Decimal amount, e.g. "240.00"'), currency: z.string().describe('ISO 4217 code') })
  .meta({ id: 'Money', description: 'An amount of money: decimal string and ISO 4217 currency' });
