import { businessDate } from '../dates';
import { salesPeriod, type SalesPeriod } from '../royalties/salesPeriod';

/** The sales period a command names, checked, with pointers into the command. */
export function commandPeriod(period: { readonly from: string; readonly to: string }): SalesPeriod {
  return salesPeriod(
    businessDate(period.from, '/period/from'),
    businessDate(period.to, '/period/to'),
    '/period',
  );
}
