import { z } from 'zod';
import { moneySchema } from '../agreement/termsSchema';
import { currencyCode } from '../currency';
import { DomainError } from '../domainError';
import { parseMoney } from '../money';
import { refineWith } from './refineWith';

type Sign = 'any' | 'positive' | 'non-negative' | 'non-zero';

interface SignRule {
  readonly holds: (amountMinor: bigint) => boolean;
  readonly detail: string;
  readonly docType: string;
}

const SIGN_RULES: Record<Sign, SignRule> = {
  any: { holds: () => true, detail: '', docType: 'money' },
  positive: {
    holds: (amount) => amount > 0n,
    detail: 'must be more than zero',
    docType: 'money > 0',
  },
  'non-negative': {
    holds: (amount) => amount >= 0n,
    detail: 'must not be negative',
    docType: 'money ≥ 0',
  },
  'non-zero': {
    holds: (amount) => amount !== 0n,
    detail: 'must not be zero',
    docType: 'money ≠ 0',
  },
};

/**
 * Money in an event: `{"amount": "1500000.00", "currency": "USD"}`. Checked with parseMoney
 * itself: an active ISO 4217 currency, a plain decimal string with at most the currency's
 * decimals (more is an error, never a rounding), and the sign the fact requires.
 */
function moneyWithSign(sign: Sign): typeof moneySchema {
  const rule = SIGN_RULES[sign];
  return moneySchema
    .superRefine(
      refineWith((json: z.output<typeof moneySchema>) => {
        if (!rule.holds(parseMoney(json).amountMinor))
          throw new DomainError('invalid-amount', rule.detail, '/amount');
      }),
    )
    .meta({ docType: rule.docType, description: 'an amount {amount, currency}' });
}

export const moneyField = moneyWithSign('any');
export const positiveMoneyField = moneyWithSign('positive');
export const nonNegativeMoneyField = moneyWithSign('non-negative');
export const nonZeroMoneyField = moneyWithSign('non-zero');

export type MoneyData = z.output<typeof moneySchema>;

/**
 * Refinement helper for amounts that must share one currency (a report's payment currency, an
 * allocation and its payment): adds an issue at each amount in another currency. Amounts that
 * failed their own check are skipped; their issue is already there.
 */
export function requireCurrency(
  ctx: z.RefinementCtx,
  currency: string,
  amounts: readonly (readonly [
    path: readonly (string | number)[],
    amount: MoneyData | undefined,
  ])[],
): void {
  for (const [path, amount] of amounts) {
    if (amount !== undefined && amount.currency !== currency) {
      ctx.addIssue({
        code: 'custom',
        message: `must be in ${currency}, not ${amount.currency}`,
        path: [...path, 'currency'],
      });
    }
  }
}

/**
 * The minor units of an amount, or undefined when it is not valid money. Zod still runs an
 * object's refinements after an issue inside one of its amounts, so cross-field rules must not
 * assume their amounts parsed; the amount's own issue has been reported already.
 */
export function minorUnits(amount: MoneyData): bigint | undefined {
  try {
    return parseMoney(amount).amountMinor;
  } catch (error) {
    if (error instanceof DomainError) return undefined;
    throw error;
  }
}

/** An active ISO 4217 currency code, e.g. the agreement's payment currency `USD`. */
export const currencyField = z
  .string()
  .superRefine(refineWith((text: string) => currencyCode(text)))
  .meta({ docType: 'currency', description: 'an ISO 4217 currency code, e.g. "USD"' });
