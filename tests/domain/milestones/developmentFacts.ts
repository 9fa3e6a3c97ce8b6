import type { AgreementTerms } from '../../../src/domain/agreement/terms';
import { businessDate } from '../../../src/domain/dates';
import { applyDevelopmentFact } from '../../../src/domain/milestones/developmentMilestones';
import type {
  ClinicalPhase,
  DevelopmentFact,
  FilingType,
} from '../../../src/domain/milestones/developmentFact';
import type { MilestoneAchievement } from '../../../src/domain/milestones/milestoneAchievement';
import {
  NO_MILESTONE_PROGRESS,
  type MilestoneProgress,
} from '../../../src/domain/milestones/milestoneProgress';

/** Development facts in the words of the integrations that post them. */
export const indSubmitted = (
  factId: string,
  productId: string,
  submittedOn: string,
  indication?: string,
): DevelopmentFact => ({
  factId,
  eventType: 'INDSubmitted',
  productId,
  occurredOn: businessDate(submittedOn),
  ...(indication !== undefined && { indication }),
});

export const phaseStarted = (
  factId: string,
  productId: string,
  phase: ClinicalPhase,
  startedOn: string,
): DevelopmentFact => ({
  factId,
  eventType: 'ClinicalPhaseStarted',
  productId,
  occurredOn: businessDate(startedOn),
  phase,
});

export const filingSubmitted = (
  factId: string,
  productId: string,
  jurisdiction: string,
  filingType: FilingType,
  submittedOn: string,
): DevelopmentFact => ({
  factId,
  eventType: 'RegulatoryFilingSubmitted',
  productId,
  occurredOn: businessDate(submittedOn),
  jurisdiction,
  filingType,
});

export const approvalGranted = (
  factId: string,
  productId: string,
  jurisdiction: string,
  indication: string,
  grantedOn: string,
): DevelopmentFact => ({
  factId,
  eventType: 'RegulatoryApprovalGranted',
  productId,
  occurredOn: businessDate(grantedOn),
  jurisdiction,
  indication,
});

export const firstCommercialSale = (
  factId: string,
  productId: string,
  country: string,
  soldOn: string,
): DevelopmentFact => ({
  factId,
  eventType: 'FirstCommercialSale',
  productId,
  occurredOn: businessDate(soldOn),
  jurisdiction: country,
});

/** Every milestone each fact achieved, folding the facts in the order given. */
export function replay(
  terms: AgreementTerms,
  facts: readonly DevelopmentFact[],
  progress: MilestoneProgress = NO_MILESTONE_PROGRESS,
): { achievements: MilestoneAchievement[]; progress: MilestoneProgress } {
  const achievements: MilestoneAchievement[] = [];
  for (const fact of facts) {
    const step = applyDevelopmentFact(terms, progress, fact);
    achievements.push(...step.achievements);
    progress = step.progress;
  }
  return { achievements, progress };
}

/** given(facts).when(fact): what the new fact achieves, in a compact, readable form. */
export function given(terms: AgreementTerms, ...history: DevelopmentFact[]) {
  const { progress } = replay(terms, history);
  return {
    when: (fact: DevelopmentFact) =>
      applyDevelopmentFact(terms, progress, fact).achievements.map(summary),
  };
}

export function summary(achievement: MilestoneAchievement): string {
  const { rule } = achievement;
  const why =
    rule.kind === 'skipped-payable-with-next'
      ? ` (skipped, with ${rule.skippedOverByClauseId})`
      : '';
  return `${achievement.clauseId} for ${achievement.scopeKey} on ${achievement.achievedOn}${why}`;
}
