import { dueOnOf } from '../payments/dueOn';
import type { MilestoneAchievement } from '../milestones/milestoneAchievement';
import type { RecordedAchievement } from '../milestones/milestoneProgress';
import { formatMoney, subtract } from '../money';
import { emit, type AgreementEvent } from './agreementEvent';
import type { TermsVersion } from './agreementState';
import type { Obligation } from './obligation';

/**
 * The MilestoneTriggered of an achievement, due per the clause's payment term (null while it counts
 * from a notice or an invoice not given yet). Its id is `idFor("<fact id>:<clause>:<scope key>")`:
 * the same achievement always has the same id, so a replayed fact writes nothing new.
 */
export function milestoneTriggered(
  agreementId: string,
  version: TermsVersion,
  achievement: MilestoneAchievement,
  idFor: (key: string) => string,
): AgreementEvent | undefined {
  const clause = version.terms.milestones.find((c) => c.clauseId === achievement.clauseId);
  if (clause === undefined) return undefined;
  const dueOn = dueOnOf(clause.payment, achievement);
  const { scopeKey } = achievement;
  const scope =
    scopeKey === 'agreement'
      ? { kind: 'agreement' as const }
      : scopeKey.startsWith('product:')
        ? { kind: 'product' as const, productId: scopeKey.slice('product:'.length) }
        : { kind: 'target' as const, targetId: scopeKey.slice('target:'.length) };
  return emit(
    idFor(`${achievement.factId}:${achievement.clauseId}:${scopeKey}`),
    'MilestoneTriggered',
    {
      agreementId,
      termsEventId: version.termsEventId,
      causedByEventId: achievement.factId,
      dueOn: dueOn ?? null,
      clauseId: clause.clauseId,
      description: clause.description,
      amount: formatMoney(achievement.amount),
      achievedOn: achievement.achievedOn,
      scope,
      ...(achievement.rule.kind === 'skipped-payable-with-next' && {
        skippedOverByClauseId: achievement.rule.skippedOverByClauseId,
      }),
    },
  );
}

/**
 * A milestone already triggered turns out to have been achieved earlier (a fact recorded late):
 * the MilestoneTriggered is corrected, never triggered again. The due date moves with the
 * achievement when the payment term counts from it (or from its quarter end); one counted from a
 * notice or an invoice stays as it is. Should the terms in force on the earlier day put another
 * amount on the clause (an amendment in between), an ObligationAdjusted for the difference names
 * the correction. Ids derive from the fact now credited, the clause and the scope key.
 */
export function milestoneAchievementCorrected(
  agreementId: string,
  version: TermsVersion,
  achievement: MilestoneAchievement,
  recorded: RecordedAchievement,
  obligation: Obligation,
  idFor: (key: string) => string,
): AgreementEvent[] {
  const clause = version.terms.milestones.find((c) => c.clauseId === achievement.clauseId);
  if (clause === undefined) return [];
  const countsFromAchievement =
    clause.payment.after === 'achievement' || clause.payment.after === 'period-end';
  const dueOn = countsFromAchievement
    ? (dueOnOf(clause.payment, achievement) ?? null)
    : obligation.dueOn;
  const key = `${achievement.factId}:${achievement.clauseId}:${achievement.scopeKey}`;
  const correctionId = idFor(`${key}:MilestoneAchievementCorrected`);
  const skipped = achievement.rule.kind === 'skipped-payable-with-next';
  const correction = emit(correctionId, 'MilestoneAchievementCorrected', {
    agreementId,
    obligationId: recorded.obligationId,
    clauseId: clause.clauseId,
    causedByEventId: achievement.factId,
    previousAchievedOn: recorded.achievedOn,
    achievedOn: achievement.achievedOn,
    previousDueOn: obligation.dueOn,
    dueOn,
    ...(achievement.rule.kind === 'skipped-payable-with-next' && {
      skippedOverByClauseId: achievement.rule.skippedOverByClauseId,
    }),
    reason:
      `first achieved on ${achievement.achievedOn}` +
      (skipped ? ', skipped over by a later milestone of its sequence' : '') +
      `, not on ${recorded.achievedOn}: a fact recorded late happened earlier`,
  });
  const difference = subtract(achievement.amount, obligation.amount);
  if (difference.amountMinor === 0n) return [correction];
  return [
    correction,
    emit(idFor(`${key}:ObligationAdjusted`), 'ObligationAdjusted', {
      agreementId,
      obligationId: recorded.obligationId,
      reason: `the terms in force on ${achievement.achievedOn}, when the milestone was first achieved, put ${formatMoney(achievement.amount).amount} on clause ${clause.clauseId}`,
      difference: formatMoney(difference),
      adjustedOn: achievement.achievedOn,
      causedByEventId: correctionId,
    }),
  ];
}
