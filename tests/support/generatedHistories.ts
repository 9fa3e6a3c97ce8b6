import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { AgreementCommands, type CommandBody } from '../../src/application/agreementCommands';
import { milestonePolicy } from '../../src/application/milestonePolicy';
import { ProductFacts } from '../../src/application/productFacts';
import type { AgreementState } from '../../src/domain/agreement/agreementState';
import { balanceOf, type Obligation } from '../../src/domain/agreement/obligation';
import { DomainError } from '../../src/domain/domainError';
import { EVENT_EXAMPLES } from '../../src/domain/events/examples';
import type { EventStore, RecordedEvent } from '../../src/eventstore/eventStore';
import type { ReadStore } from '../../src/readstore/readStore';

/**
 * Random histories of a few licences of one product, written through the application's own
 * command handlers and the milestone policy (the code behind the REST API, minus HTTP): each
 * step is drawn as an intention (sign deal 2, waive part of "some" obligation on day 812, ...)
 * and resolved against the agreement's state when it runs, so most steps are valid commands; a
 * step the decider refuses (a DomainError) is skipped, as a refused request would be.
 */

const TERMS = EVENT_EXAMPLES.AgreementSigned.terms;
const PRODUCT = 'biib015';
const LICENSOR = TERMS.licensor.partyId;
const LICENSEE = TERMS.licensee.partyId;

/** The deals a history may sign: fixed ids, each history has fresh stores. */
export const DEAL_IDS = [0, 1, 2].map((n) => `0b7f2c1e-2004-4a4e-9b1d-5f0c0a1d200${n}`);

/** The first day of the histories; steps name days after it (about eight years). */
const FIRST_DAY = Date.UTC(2004, 9, 1);
export const LAST_DAY_INDEX = 3000;
export const dayOf = (index: number): string =>
  new Date(FIRST_DAY + index * 86_400_000).toISOString().slice(0, 10);

const cents = (minor: bigint): string => {
  const sign = minor < 0n ? '-' : '';
  const abs = minor < 0n ? -minor : minor;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};
const usd = (minor: bigint) => ({ amount: cents(minor), currency: 'USD' });

const deal = fc.integer({ min: 0, max: DEAL_IDS.length - 1 });
const day = fc.integer({ min: 0, max: LAST_DAY_INDEX });
const pick = fc.nat({ max: 1000 });
/** A percentage of an open balance. */
const share = fc.integer({ min: 1, max: 100 });

const sign = fc.record({
  kind: fc.constant('sign' as const),
  deal,
  signedAfter: fc.integer({ min: 0, max: 400 }),
  upfrontCents: fc.integer({ min: 100_000, max: 200_000_000 }),
});
const fact = fc.record({
  kind: fc.constant('fact' as const),
  fact: fc.constantFrom(
    'INDSubmitted',
    'ClinicalPhaseStarted',
    'FirstCommercialSale',
    'ValidClaimCoverageStarted',
  ),
  day,
});
const invoice = fc.record({ kind: fc.constant('invoice' as const), deal, pick, day });
const notice = fc.record({ kind: fc.constant('notice' as const), deal, pick, day });
const payment = fc.record({
  kind: fc.constant('payment' as const),
  deal,
  pick: fc.option(pick),
  share: fc.integer({ min: 1, max: 150 }),
  day,
});
const waiver = fc.record({ kind: fc.constant('waiver' as const), deal, pick, share, day });
const adjustment = fc.record({
  kind: fc.constant('adjustment' as const),
  deal,
  pick,
  differenceCents: fc.integer({ min: -50_000_000, max: 50_000_000 }).filter((c) => c !== 0),
  day,
});
const dispute = fc.record({ kind: fc.constant('dispute' as const), deal, pick, share, day });
const resolution = fc.record({
  kind: fc.constant('resolution' as const),
  deal,
  pick,
  daysLater: fc.integer({ min: 0, max: 300 }),
  outcome: fc.constantFrom('obligation-stands', 'obligation-adjusted', 'obligation-waived'),
});
const reversal = fc.record({ kind: fc.constant('reversal' as const), deal, pick });
const netSales = fc.record({
  kind: fc.constant('netSales' as const),
  deal,
  netSalesCents: fc.integer({ min: 0, max: 9_000_000_000 }),
});

/** Signings and facts more often: the other steps need agreements and obligations to act on. */
export const stepArbitrary = fc.oneof(
  { arbitrary: sign, weight: 3 },
  { arbitrary: fact, weight: 4 },
  { arbitrary: invoice, weight: 1 },
  { arbitrary: notice, weight: 2 },
  { arbitrary: payment, weight: 2 },
  { arbitrary: waiver, weight: 1 },
  { arbitrary: adjustment, weight: 1 },
  { arbitrary: dispute, weight: 2 },
  { arbitrary: resolution, weight: 2 },
  { arbitrary: reversal, weight: 1 },
  { arbitrary: netSales, weight: 2 },
);

export type Step = typeof stepArbitrary extends fc.Arbitrary<infer S> ? S : never;

export const historyArbitrary = fc.array(stepArbitrary, { minLength: 15, maxLength: 50 });

const nth = <T>(items: readonly T[], index: number): T | undefined =>
  items.length === 0 ? undefined : items[index % items.length];

const liveObligations = (state: AgreementState): Obligation[] =>
  [...state.obligations.values()].filter((o) => !o.reversed);

/** `share` percent of an obligation's open balance, at least a cent; undefined when nothing is open. */
function partOfOpen(obligation: Obligation | undefined, percent: number): bigint | undefined {
  const open = obligation === undefined ? 0n : balanceOf(obligation).amountMinor;
  if (open <= 0n) return undefined;
  const part = (open * BigInt(percent)) / 100n;
  return part > 0n ? part : 1n;
}

/** The quarter after the last one the deal reported, from 2011 Q1 (reports come in order). */
function nextQuarter(state: AgreementState): { from: string; to: string } {
  const index = state.netSalesReports.size;
  const year = 2011 + Math.floor(index / 4);
  const quarter = index % 4;
  const from = new Date(Date.UTC(year, quarter * 3, 1));
  const to = new Date(Date.UTC(year, quarter * 3 + 3, 0));
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}

/** Writes the steps' history into `store` (the milestone policy keeps its table in `policyStore`). */
export async function writeGeneratedHistory(
  store: EventStore,
  policyStore: ReadStore,
  steps: readonly Step[],
): Promise<void> {
  const agreements = new AgreementCommands(store);
  const products = new ProductFacts(store);
  const policy = milestonePolicy(store);
  await policyStore.migrate(policy.name, policy.migrations);
  let policyAt = 0;
  /** The policy's worker, run to the head of the log after each step. */
  async function runPolicy(): Promise<void> {
    for (;;) {
      const events = await store.readAll({ after: policyAt, maxCount: 200 });
      if (events.length === 0) return;
      await policyStore.transaction((tx) => policy.apply(tx, events));
      policyAt = events[events.length - 1]!.globalPosition;
    }
  }
  const origin = () => ({ actor: 'apikey:generated', idSeed: randomUUID() });
  // A milestone counted from a notice, corrected by a Phase II start recorded late, keeps the
  // due date its correction recorded: one Phase II start a history keeps the valid-time oracle
  // (a replay of the facts valid on a date) exact.
  let phaseTwoStarted = false;

  async function commandFor(step: Step, state: AgreementState): Promise<CommandBody | undefined> {
    const live = liveObligations(state);
    switch (step.kind) {
      case 'sign':
      case 'fact':
        return undefined;
      case 'invoice': {
        const obligation = nth(live, step.pick);
        return (
          obligation && {
            type: 'IssueInvoice',
            invoiceNumber: `INV-${randomUUID().slice(0, 8)}`,
            issuedByPartyId: LICENSOR,
            obligationIds: [obligation.obligationId],
            issuedOn: dayOf(step.day),
          }
        );
      }
      case 'notice': {
        const obligation = nth(
          live.filter((o) => o.dueOn === null),
          step.pick,
        );
        return (
          obligation && {
            type: 'GivePaymentNotice',
            obligationId: obligation.obligationId,
            givenOn: dayOf(step.day),
            givenByPartyId: LICENSEE,
          }
        );
      }
      case 'payment': {
        const obligation = step.pick === null ? undefined : nth(live, step.pick);
        const amount = partOfOpen(obligation, step.share) ?? BigInt(step.share) * 1_000_000n;
        return {
          type: 'RecordPayment',
          amount: usd(amount),
          receivedOn: dayOf(step.day),
          payerPartyId: LICENSEE,
          payeePartyId: LICENSOR,
          reference: `WIRE-${randomUUID().slice(0, 8)}`,
          ...(obligation && { intendedObligationIds: [obligation.obligationId] }),
        };
      }
      case 'waiver':
      case 'dispute': {
        const obligation = nth(live, step.pick);
        const amount = partOfOpen(obligation, step.share);
        if (obligation === undefined || amount === undefined) return undefined;
        const common = { obligationId: obligation.obligationId, amount: usd(amount) };
        return step.kind === 'waiver'
          ? { type: 'WaiveObligation', ...common, reason: 'generated', waivedOn: dayOf(step.day) }
          : {
              type: 'DisputeObligation',
              ...common,
              reason: 'generated',
              disputedOn: dayOf(step.day),
              disputedBy: 'licensee',
            };
      }
      case 'adjustment': {
        const obligation = nth(live, step.pick);
        return (
          obligation && {
            type: 'AdjustObligation',
            obligationId: obligation.obligationId,
            reason: 'generated',
            difference: usd(BigInt(step.differenceCents)),
            adjustedOn: dayOf(step.day),
          }
        );
      }
      case 'resolution': {
        const [disputeEventId, open] = nth([...state.openDisputes], step.pick) ?? [];
        const raised = state.obligations
          .get(open?.obligationId ?? '')
          ?.disputes.find((d) => d.disputeEventId === disputeEventId);
        if (disputeEventId === undefined || raised === undefined) return undefined;
        const days = (Date.parse(raised.disputedOn) - FIRST_DAY) / 86_400_000 + step.daysLater;
        return {
          type: 'ResolveDispute',
          disputeEventId,
          reason: 'generated',
          resolvedOn: dayOf(days),
          outcome: step.outcome,
        };
      }
      case 'reversal': {
        const reversible = [...state.entries.keys()].filter(
          (id) => !state.reversedEventIds.has(id),
        );
        const reversedEventId = nth(reversible, step.pick);
        return reversedEventId === undefined
          ? undefined
          : { type: 'ReverseEntry', reversedEventId, reason: 'generated' };
      }
      case 'netSales': {
        const period = nextQuarter(state);
        return {
          type: 'ReportNetSales',
          reportReference: `ROY-${period.from}`,
          period,
          reportedOn: period.to,
          lines: [
            {
              productId: PRODUCT,
              country: 'US',
              netSales: usd(BigInt(step.netSalesCents)),
              exchangeRate: { localUnitsPerPaymentUnit: '1', rateDate: period.to },
            },
          ],
          facts: await products.royaltyFacts([PRODUCT]),
        };
      }
      default: {
        const _exhaustive: never = step;
        return _exhaustive;
      }
    }
  }

  async function perform(step: Step): Promise<void> {
    if (step.kind === 'sign') {
      const agreementId = DEAL_IDS[step.deal]!;
      await agreements.execute(
        agreementId,
        {
          type: 'SignAgreement',
          terms: {
            ...TERMS,
            agreementId,
            signedOn: dayOf(step.signedAfter),
            upfrontFee: { ...TERMS.upfrontFee!, amount: usd(BigInt(step.upfrontCents)) },
          },
        },
        origin(),
      );
      return;
    }
    if (step.kind === 'fact') {
      if (step.fact === 'ClinicalPhaseStarted') {
        if (phaseTwoStarted) return;
        phaseTwoStarted = true;
      }
      const on = dayOf(step.day);
      const data = {
        INDSubmitted: { jurisdiction: 'US', submittedOn: on },
        ClinicalPhaseStarted: { phase: 'II', firstPatientDosedOn: on, indication: 'solid tumours' },
        FirstCommercialSale: { country: 'US', soldOn: on },
        ValidClaimCoverageStarted: {
          country: 'US',
          claimReference: 'US 7,374,762 claim 1',
          coveredFrom: on,
          basis: 'existing-at-signing',
        },
      }[step.fact];
      await products.record(step.fact, { productId: PRODUCT, ...data }, origin());
      return;
    }
    const agreementId = DEAL_IDS[step.deal]!;
    const { state } = await agreements.load(agreementId);
    if (state.agreementId === null) return;
    const command = await commandFor(step, state);
    if (command !== undefined) await agreements.execute(agreementId, command, origin());
  }

  for (const step of steps) {
    try {
      await perform(step);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
    await runPolicy();
  }
}

/** Writes the steps' history into `store` (see writeGeneratedHistory) and reads the log back. */
export async function writeAndReadGeneratedLog(
  store: EventStore,
  policyStore: ReadStore,
  steps: readonly Step[],
): Promise<RecordedEvent[]> {
  await writeGeneratedHistory(store, policyStore, steps);
  const head = await store.headPosition();
  return store.readAll({ after: 0, maxCount: head + 1 });
}
