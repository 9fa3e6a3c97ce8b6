import { dueOnOf } from '../payments/dueOn';
import type { MilestoneAchievement } from '../milestones/milestoneAchievement';
import { formatMoney } from '../money';
import { emit, type AgreementEvent } from './agreementEvent';
import type { TermsVersion } from './agreementState';

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
