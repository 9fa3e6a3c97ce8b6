import type { Money } from '../money';
import type { ReductionCircumstances } from './royaltyReductions';
import type { SalesPeriod } from './salesPeriod';
import type { TierSchedule } from './tierSchedule';

/**
 * One period's royalty-bearing sales of a line, with what priced them: the tier schedule and the
 * circumstances of the reductions that period's sales bore. A whole-sales band change reprices
 * them later with the same reductions, never with those of the period that moves the band.
 */
export interface PricedSales {
  readonly period: SalesPeriod;
  readonly netSales: Money;
  readonly tierSchedule: TierSchedule;
  readonly circumstances: ReductionCircumstances;
}
