import { isBefore } from '../dates';
import { salesMilestonesCrossed, type NetSalesPosition } from '../milestones/salesMilestones';
import { withMilestonesAchieved } from '../milestones/milestoneProgress';
import { minimumRoyaltyYearRule } from '../royalties/minimumAnnualRoyalty';
import { add, money } from '../money';
import { periodLabel } from '../royalties/salesPeriod';
import { sameTierYear, tierYearOf } from '../royalties/tierYear';
import type { AgreementEvent } from './agreementEvent';
import type { AgreementState, ReportedNetSales } from './agreementState';
import { signedAgreementId } from './guards';
import { milestoneTriggered } from './milestoneTriggered';
import { productNetSalesOf } from './productNetSales';
import { termsAt } from './termsAt';

/**
 * The sales milestones a restatement achieves: with the corrected report in place of the one it
 * restates, the periods from the restated one on are walked in order, and a threshold first
 * exceeded in one of them achieves its milestone on that period's last day (the restatement is
 * the fact that achieves it). A milestone already triggered is never undone: when the corrected
 * sales fall back below its threshold it stays triggered, since a milestone is payable once, on
 * its first achievement, and is not refundable.
 */
export function salesMilestonesOfRestatement(
  state: AgreementState,
  corrected: ReportedNetSales,
  idFor: (key: string) => string,
): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const reports = [...state.netSalesReports.values()]
    .map((r) => (periodLabel(r.period) === periodLabel(corrected.period) ? corrected : r))
    .sort((a, b) => (isBefore(a.period.from, b.period.from) ? -1 : 1));
  let progress = state.milestoneProgress;
  const events: AgreementEvent[] = [];
  for (const reported of reports) {
    if (isBefore(reported.period.from, corrected.period.from)) continue;
    const version = termsAt(state, reported.period.from);
    const { terms } = version;
    if (!terms.milestones.some((clause) => clause.trigger.kind === 'net-sales')) continue;
    const rule = minimumRoyaltyYearRule(terms);
    const year = tierYearOf(rule, reported.period.from);
    const earlier = reports.filter((r) => isBefore(r.period.to, reported.period.from));
    const nothing = money(0n, terms.paymentCurrency);
    const positions: NetSalesPosition[] = terms.products
      .map(({ productId }) => {
        const salesOf = (r: ReportedNetSales) => productNetSalesOf(terms, r, productId);
        const cumulativeBefore = earlier.map(salesOf).reduce(add, nothing);
        const annualBefore = earlier
          .filter((r) => sameTierYear(tierYearOf(rule, r.period.from), year))
          .map(salesOf)
          .reduce(add, nothing);
        const now = salesOf(reported);
        return {
          productId,
          annualBefore,
          annualAfter: add(annualBefore, now),
          cumulativeBefore,
          cumulativeAfter: add(cumulativeBefore, now),
        };
      })
      .filter((p) => p.cumulativeAfter.amountMinor !== 0n || p.cumulativeBefore.amountMinor !== 0n);
    const achieved = salesMilestonesCrossed(terms, progress, {
      reportId: corrected.eventId,
      periodEndsOn: reported.period.to,
      positions,
    });
    progress = withMilestonesAchieved(progress, achieved);
    events.push(
      ...achieved.flatMap(
        (achievement) => milestoneTriggered(agreementId, version, achievement, idFor) ?? [],
      ),
    );
  }
  return events;
}
