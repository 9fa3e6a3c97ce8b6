import type { z } from 'zod';
import { currencyCode, type CurrencyCode } from '../currency';
import { businessDate, dateOf, type BusinessDate } from '../dates';
import { DomainError } from '../domainError';
import { jsonPointer } from '../jsonPointer';
import { parseMoney, type Money, type MoneyJson } from '../money';
import { compare, parseDecimal, ratio, ONE, ZERO, type Ratio } from '../ratio';
import type { RoundingMode } from '../rounding';
import { agreementTermsSchema, type ParsedTermsJson, type paymentTermSchema } from './termsSchema';

const QUARTER_ENDS = ['03-31', '06-30', '09-30', '12-31'];

export type PaymentTerm = z.output<typeof paymentTermSchema>;
type MilestoneJson = ParsedTermsJson['milestones'][number];
type RoyaltyJson = ParsedTermsJson['royalties'][number];

export interface Party {
  readonly partyId: string;
  readonly name: string;
}

export interface LicensedProduct {
  readonly productId: string;
  readonly name: string;
  readonly targets: readonly string[];
}

export type MilestoneTrigger =
  | (Extract<MilestoneJson['trigger'], { kind: 'development' }> & { readonly kind: 'development' })
  | {
      readonly kind: 'net-sales';
      readonly basis: 'annual' | 'cumulative';
      readonly threshold: Money;
      readonly productIds?: readonly string[];
    };

export interface MilestoneClause extends Omit<MilestoneJson, 'amount' | 'trigger'> {
  readonly amount: Money;
  readonly trigger: MilestoneTrigger;
}

export interface Tier {
  readonly from: Money;
  /** A fraction: 3.5% is 7/200. */
  readonly rate: Ratio;
}

export type Reduction =
  | { readonly kind: 'generic-entry'; readonly reduction: Ratio }
  | { readonly kind: 'third-party-stacking'; readonly offset: Ratio; readonly floor: Ratio }
  | { readonly kind: 'no-valid-claim'; readonly reduction: Ratio };

export interface RoyaltyClause extends Omit<
  RoyaltyJson,
  'tiers' | 'tiersWithoutValidClaim' | 'reductions'
> {
  readonly tiers: readonly Tier[];
  readonly tiersWithoutValidClaim?: readonly Tier[];
  readonly reductions: readonly Reduction[];
}

export type LateInterest =
  | {
      readonly kind: 'fixed';
      readonly rate: Ratio;
      readonly per: 'month' | 'year';
      readonly dayCount: DayCount;
    }
  | { readonly kind: 'prime-plus'; readonly margin: Ratio; readonly dayCount: DayCount };
export type DayCount = 'actual/365' | 'actual/360' | '30/360';

export interface AgreementTerms {
  readonly agreementId: string;
  readonly title: string;
  readonly licensor: Party;
  readonly licensee: Party;
  readonly signedOn: BusinessDate;
  readonly paymentCurrency: CurrencyCode;
  readonly rounding: RoundingMode;
  readonly products: readonly LicensedProduct[];
  readonly upfrontFee?: {
    readonly clauseId: string;
    readonly amount: Money;
    readonly payment: PaymentTerm;
  };
  readonly milestones: readonly MilestoneClause[];
  readonly royalties: readonly RoyaltyClause[];
  readonly minimumAnnualRoyalty?: {
    readonly clauseId: string;
    readonly amount: Money;
    readonly firstYear: number;
    readonly payment: PaymentTerm;
  };
  readonly fx?: ParsedTermsJson['fx'];
  readonly lateInterest?: LateInterest;
  readonly audit?: { readonly lookBackYears: number; readonly costShiftThreshold: Ratio };
}

export interface TermsProblem {
  readonly pointer: string;
  readonly detail: string;
}

/** Every problem of the terms at once, each with a pointer to the clause that has it. */
export class InvalidTermsError extends DomainError {
  constructor(readonly problems: readonly TermsProblem[]) {
    super(
      'invalid-terms',
      problems.map((problem) => `${problem.pointer}: ${problem.detail}`).join('; '),
    );
    this.name = 'InvalidTermsError';
  }
}

/**
 * Checks the terms of a signing or an amendment: the shape, then the rules a contract must obey
 * (one payment currency, ordered tiers, known products, unique clause references, percentages
 * within 0-100, ...). Throws InvalidTermsError listing every problem.
 */
export function parseTerms(json: unknown): AgreementTerms {
  const { terms, problems } = new TermsChecker(shapeOf(json)).read();
  if (problems.length > 0) throw new InvalidTermsError(problems);
  return terms;
}

/** The terms' JSON shape, or InvalidTermsError listing every problem of it. */
function shapeOf(json: unknown): ParsedTermsJson {
  const shape = agreementTermsSchema.safeParse(json);
  if (!shape.success) {
    throw new InvalidTermsError(
      shape.error.issues.map((issue) => ({
        // An unknown member is pointed at itself, not at the object that holds it.
        pointer: jsonPointer([
          ...issue.path,
          ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : []),
        ]),
        detail: issue.message,
      })),
    );
  }
  return shape.data;
}

/** Terms as a recorded event holds them, with what today's rules find wrong in them. */
export interface StoredTerms {
  readonly terms: AgreementTerms;
  readonly problems: readonly TermsProblem[];
}

/**
 * Reads the terms of a recorded AgreementSigned or AgreementAmended for replay. They were checked
 * when they were recorded, so a rule added since must not make a signed agreement vanish: the
 * problems today's rules find are returned beside the terms, not thrown. Throws InvalidTermsError
 * only for terms that cannot be read at all (their shape, payment currency or signing date).
 */
export function termsFromStored(json: unknown): StoredTerms {
  return new TermsChecker(shapeOf(json)).read();
}

class TermsChecker {
  private readonly problems: TermsProblem[] = [];
  private readonly currency: CurrencyCode | null;

  constructor(private readonly json: ParsedTermsJson) {
    this.currency =
      this.attempt('/paymentCurrency', () => currencyCode(json.paymentCurrency)) ?? null;
  }

  /** The terms with every problem found; throws only when they cannot be built at all. */
  read(): StoredTerms {
    const { json } = this;
    const signedOn = this.attempt('/signedOn', () => businessDate(json.signedOn));
    this.unique(
      '/products',
      json.products.map((product) => product.productId),
      'product',
    );
    this.unique(
      '',
      [
        ...(json.upfrontFee ? [json.upfrontFee.clauseId] : []),
        ...json.milestones.map((clause) => clause.clauseId),
        ...json.royalties.map((clause) => clause.clauseId),
        ...(json.minimumAnnualRoyalty ? [json.minimumAnnualRoyalty.clauseId] : []),
      ],
      'clause reference',
    );
    const productIds = new Set(json.products.map((product) => product.productId));
    const upfrontFee = json.upfrontFee && {
      clauseId: json.upfrontFee.clauseId,
      amount: this.positiveAmount('/upfrontFee/amount', json.upfrontFee.amount),
      payment: json.upfrontFee.payment,
    };
    const milestones = json.milestones.map((clause, index) =>
      this.milestone(clause, `/milestones/${index}`, productIds),
    );
    this.sequencesAreOrdered(json.milestones);
    const royalties = json.royalties.map((clause, index) =>
      this.royalty(clause, `/royalties/${index}`, productIds),
    );
    this.royaltiesDoNotOverlap(json.royalties);
    if (json.royalties.length > 0 && json.fx === undefined) {
      this.problem('/fx', 'royalty clauses need an FX rule to convert local net sales');
    }
    const minimumAnnualRoyalty = json.minimumAnnualRoyalty && {
      clauseId: json.minimumAnnualRoyalty.clauseId,
      amount: this.positiveAmount('/minimumAnnualRoyalty/amount', json.minimumAnnualRoyalty.amount),
      firstYear: json.minimumAnnualRoyalty.firstYear,
      payment: json.minimumAnnualRoyalty.payment,
    };
    if (minimumAnnualRoyalty && json.royalties.length === 0) {
      this.problem(
        '/minimumAnnualRoyalty',
        'a minimum annual royalty needs at least one royalty clause',
      );
    }
    const lateInterest = json.lateInterest && this.lateInterest(json.lateInterest);
    const audit = json.audit && {
      lookBackYears: json.audit.lookBackYears,
      costShiftThreshold: this.percent(
        '/audit/costShiftThresholdPercent',
        json.audit.costShiftThresholdPercent,
      ),
    };
    if (this.currency === null || signedOn === undefined) {
      throw new InvalidTermsError(this.problems);
    }
    const terms: AgreementTerms = {
      agreementId: json.agreementId.toLowerCase(),
      title: json.title,
      licensor: json.licensor,
      licensee: json.licensee,
      signedOn,
      paymentCurrency: this.currency,
      rounding: json.rounding,
      products: json.products,
      ...(upfrontFee && { upfrontFee }),
      milestones,
      royalties,
      ...(minimumAnnualRoyalty && { minimumAnnualRoyalty }),
      ...(json.fx && { fx: json.fx }),
      ...(lateInterest && { lateInterest }),
      ...(audit && { audit }),
    };
    return { terms, problems: this.problems };
  }

  private milestone(
    clause: MilestoneJson,
    pointer: string,
    productIds: ReadonlySet<string>,
  ): MilestoneClause {
    const amount = this.positiveAmount(`${pointer}/amount`, clause.amount);
    const { trigger } = clause;
    if (trigger.kind === 'development') {
      for (const [index, productId] of (trigger.conditions.productIds ?? []).entries()) {
        if (!productIds.has(productId)) {
          this.problem(
            `${pointer}/trigger/conditions/productIds/${index}`,
            `${productId} is not a licensed product`,
          );
        }
      }
      if (trigger.conditions.phase !== undefined && trigger.eventType !== 'ClinicalPhaseStarted') {
        this.problem(
          `${pointer}/trigger/conditions/phase`,
          'a phase applies only to ClinicalPhaseStarted',
        );
      }
      const reached = this.json.products.filter(
        (product) => trigger.conditions.productIds?.includes(product.productId) ?? true,
      );
      if (clause.scope === 'target' && !reached.some((product) => product.targets.length > 0)) {
        this.problem(`${pointer}/scope`, 'a per-target milestone needs a product with targets');
      }
      const { filingTypes, nthDistinctIndication } = trigger.conditions;
      if (
        filingTypes !== undefined &&
        trigger.eventType !== 'RegulatoryFilingSubmitted' &&
        trigger.eventType !== 'RegulatoryApprovalGranted'
      ) {
        this.problem(
          `${pointer}/trigger/conditions/filingTypes`,
          'filing types apply only to RegulatoryFilingSubmitted and RegulatoryApprovalGranted',
        );
      }
      if (nthDistinctIndication !== undefined && trigger.eventType === 'FirstCommercialSale') {
        this.problem(
          `${pointer}/trigger/conditions/nthDistinctIndication`,
          'a first commercial sale has no indication to count',
        );
      }
      return { ...clause, amount, trigger };
    }
    for (const [index, productId] of (trigger.productIds ?? []).entries()) {
      if (!productIds.has(productId))
        this.problem(
          `${pointer}/trigger/productIds/${index}`,
          `${productId} is not a licensed product`,
        );
    }
    if (clause.scope === 'target')
      this.problem(`${pointer}/scope`, 'a sales milestone is per agreement or per product');
    if (clause.sequence !== undefined)
      this.problem(`${pointer}/sequence`, 'sales milestones do not form a skippable sequence');
    const threshold = this.positiveAmount(`${pointer}/trigger/threshold`, trigger.threshold);
    return {
      ...clause,
      amount,
      trigger: {
        kind: 'net-sales',
        basis: trigger.basis,
        threshold,
        ...(trigger.productIds && { productIds: trigger.productIds }),
      },
    };
  }

  private sequencesAreOrdered(milestones: readonly MilestoneJson[]): void {
    const seen = new Map<string, number>();
    const scopes = new Map<string, string>();
    milestones.forEach((clause, index) => {
      if (clause.sequence === undefined) {
        if (clause.skippedMilestones === 'payable-with-next') {
          this.problem(
            `/milestones/${index}/skippedMilestones`,
            'the skipped-milestone rule needs a sequence',
          );
        }
        return;
      }
      const key = `${clause.sequence.name}#${clause.sequence.order}`;
      if (seen.has(key)) {
        this.problem(
          `/milestones/${index}/sequence/order`,
          `order ${clause.sequence.order} is taken in sequence ${clause.sequence.name} by /milestones/${seen.get(key)}`,
        );
      }
      seen.set(key, index);
      const scope = scopes.get(clause.sequence.name);
      if (scope === undefined) scopes.set(clause.sequence.name, clause.scope);
      else if (scope !== clause.scope) {
        // A skipped milestone is paid for the scope of the one achieved: mixed scopes never meet.
        this.problem(
          `/milestones/${index}/scope`,
          `the milestones of sequence ${clause.sequence.name} must share one scope (${scope})`,
        );
      }
    });
  }

  private royalty(
    clause: RoyaltyJson,
    pointer: string,
    productIds: ReadonlySet<string>,
  ): RoyaltyClause {
    clause.productIds.forEach((productId, index) => {
      if (!productIds.has(productId))
        this.problem(`${pointer}/productIds/${index}`, `${productId} is not a licensed product`);
    });
    if (clause.countries.includes('*') && clause.countries.length > 1) {
      this.problem(`${pointer}/countries`, '"*" means every country and stands alone');
    }
    if (clause.tierYear.kind === 'fiscal') {
      const [month, day] = clause.tierYear.endsOn.split('-').map(Number);
      // 2001 is not a leap year: a fiscal year cannot end on 29 February.
      const yearEnd = this.attempt(`${pointer}/tierYear/endsOn`, () =>
        dateOf(2001, month ?? 0, day ?? 0),
      );
      // Royalties are reported per calendar quarter: a year ending inside one could never be reported.
      if (yearEnd !== undefined && !QUARTER_ENDS.includes(clause.tierYear.endsOn)) {
        this.problem(
          `${pointer}/tierYear/endsOn`,
          'a fiscal year ends on a calendar quarter end (03-31, 06-30, 09-30 or 12-31)',
        );
      }
    }
    const tiers = this.tiers(clause.tiers, `${pointer}/tiers`);
    const tiersWithoutValidClaim =
      clause.tiersWithoutValidClaim &&
      this.tiers(clause.tiersWithoutValidClaim, `${pointer}/tiersWithoutValidClaim`);
    const reductions = clause.reductions.map((reduction, index): Reduction => {
      const at = `${pointer}/reductions/${index}`;
      switch (reduction.kind) {
        case 'generic-entry':
        case 'no-valid-claim':
          return {
            kind: reduction.kind,
            reduction: this.percent(`${at}/reductionPercent`, reduction.reductionPercent),
          };
        case 'third-party-stacking':
          return {
            kind: reduction.kind,
            offset: this.percent(`${at}/offsetPercent`, reduction.offsetPercent),
            floor: this.percent(`${at}/floorPercent`, reduction.floorPercent),
          };
        default: {
          const _exhaustive: never = reduction;
          return _exhaustive;
        }
      }
    });
    const {
      tiers: _tiers,
      tiersWithoutValidClaim: _without,
      reductions: _reductions,
      ...rest
    } = clause;
    return {
      ...rest,
      tiers,
      ...(tiersWithoutValidClaim && { tiersWithoutValidClaim }),
      reductions,
    };
  }

  /** The first tier starts at zero, the next ones at strictly increasing amounts. */
  private tiers(
    json: readonly { fromAmount: MoneyJson; ratePercent: string }[],
    pointer: string,
  ): Tier[] {
    const tiers = json.map((tier, index) => ({
      from: this.amount(`${pointer}/${index}/fromAmount`, tier.fromAmount),
      rate: this.percent(`${pointer}/${index}/ratePercent`, tier.ratePercent),
    }));
    tiers.forEach((tier, index) => {
      if (tier.from === undefined) return;
      if (index === 0 && tier.from.amountMinor !== 0n)
        this.problem(`${pointer}/0/fromAmount`, 'the first tier starts at 0');
      const before = tiers[index - 1]?.from;
      if (before !== undefined && tier.from.amountMinor <= before.amountMinor) {
        this.problem(
          `${pointer}/${index}/fromAmount`,
          'tiers must start at strictly increasing amounts, without overlap',
        );
      }
    });
    return tiers.filter((tier): tier is Tier => tier.from !== undefined);
  }

  /** Two royalty clauses for the same product in the same country would make the rate ambiguous. */
  private royaltiesDoNotOverlap(royalties: readonly RoyaltyJson[]): void {
    const covered = new Map<string, number>();
    royalties.forEach((clause, index) => {
      for (const productId of clause.productIds) {
        for (const country of clause.countries) {
          for (const [key, other] of covered) {
            const [otherProduct, otherCountry] = key.split('|');
            if (
              otherProduct === productId &&
              (otherCountry === country || otherCountry === '*' || country === '*')
            ) {
              this.problem(
                `/royalties/${index}`,
                `overlaps /royalties/${other} for product ${productId} in ${country}`,
              );
            }
          }
        }
      }
      for (const productId of clause.productIds)
        for (const country of clause.countries) covered.set(`${productId}|${country}`, index);
    });
  }

  private lateInterest(json: NonNullable<ParsedTermsJson['lateInterest']>): LateInterest {
    return json.kind === 'fixed'
      ? {
          kind: 'fixed',
          rate: this.percent('/lateInterest/ratePercent', json.ratePercent),
          per: json.per,
          dayCount: json.dayCount,
        }
      : {
          kind: 'prime-plus',
          margin: this.percent('/lateInterest/marginPercent', json.marginPercent),
          dayCount: json.dayCount,
        };
  }

  private amount(pointer: string, json: MoneyJson): Money | undefined {
    const amount = this.attempt(pointer, () => parseMoney(json, pointer));
    if (amount && this.currency && amount.currency !== this.currency) {
      this.problem(
        `${pointer}/currency`,
        `amounts are in the payment currency ${this.currency}, not ${amount.currency}`,
      );
    }
    if (amount && amount.amountMinor < 0n)
      this.problem(`${pointer}/amount`, 'must not be negative');
    return amount;
  }

  private positiveAmount(pointer: string, json: MoneyJson): Money {
    const amount = this.amount(pointer, json);
    if (amount && amount.amountMinor === 0n)
      this.problem(`${pointer}/amount`, 'must be more than zero');
    return amount ?? { amountMinor: 0n, currency: this.currency ?? ('USD' as CurrencyCode) };
  }

  /** "3.5" → 7/200, within 0-100%. */
  private percent(pointer: string, text: string): Ratio {
    const value = this.attempt(pointer, () => parseDecimal(text, { maxDecimals: 10 }));
    if (value === undefined) return ZERO;
    const fraction = ratio(value.numerator, value.denominator * 100n);
    if (compare(fraction, ZERO) < 0 || compare(fraction, ONE) > 0)
      this.problem(pointer, 'a percentage is between 0 and 100');
    return fraction;
  }

  private unique(pointer: string, values: readonly string[], what: string): void {
    const seen = new Set<string>();
    for (const value of values) {
      if (seen.has(value)) this.problem(pointer || '/', `the ${what} ${value} appears twice`);
      seen.add(value);
    }
  }

  private attempt<T>(pointer: string, parse: () => T): T | undefined {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.problem(error.pointer ?? pointer, error.detail);
      return undefined;
    }
  }

  private problem(pointer: string, detail: string): void {
    this.problems.push({ pointer, detail });
  }
}
