import {
  addDays,
  businessDate,
  compareDates,
  dateOf,
  isBefore,
  isOnOrBefore,
  yearOf,
  type BusinessDate,
} from '../dates';
import { DomainError } from '../domainError';
import { lateInterestOn } from '../interest/lateInterest';
import {
  add as addMoney,
  formatMoney,
  fromMajorUnits,
  money,
  parseMoney,
  subtract,
  sum,
  type Money,
} from '../money';
import { dueOnAfter, dueOnOf } from '../payments/dueOn';
import { add, compare, multiply, negate, ratio, ZERO, type Ratio } from '../ratio';
import type { SalesPeriod } from '../royalties/salesPeriod';
import { emit, type AgreementEvent } from './agreementEvent';
import { accruedRoyaltyKey, type AgreementState } from './agreementState';
import type { CommandOf } from './commands';
import { exactDecimal } from './exactDecimal';
import { signedAgreementId } from './guards';
import type { AgreementTerms } from './terms';
import { termsAt } from './termsAt';

type Command = CommandOf<'RecordAuditFindings'>;

/**
 * The licensor's audit of the licensee's royalty reports (`terms.audit`). The audited period must
 * lie within the look-back window, the `lookBackYears` calendar years before the year the audit
 * was conducted in, and one audit a calendar year may be recorded. Each finding states what was
 * due for one statement line; its difference from what was accrued for the line (net of
 * corrections) is the line's shortfall, lines netted. What was due for the whole audited period
 * is every royalty accrued for it plus the shortfall; when shortfall ÷ that is strictly greater
 * than the threshold (compared exactly), the licensee pays the audit's cost. The shortfall, with
 * simple interest on each line's difference from its original due date through the shortfall's
 * own due date (the findings day plus the royalty clause's payment term), becomes one
 * AuditShortfallAssessed; the cost, an AuditCostShifted due the same day. Recording the same audit
 * again records nothing.
 */
export function recordAuditFindings(command: Command, state: AgreementState): AgreementEvent[] {
  const agreementId = signedAgreementId(state);
  const conductedOn = businessDate(command.conductedOn, '/conductedOn');
  const year = yearOf(conductedOn);
  const earlier = state.audits.get(year);
  if (earlier?.auditReference === command.auditReference) return [];
  if (earlier !== undefined) {
    throw new DomainError(
      'audit-already-conducted',
      `an audit (${earlier.auditReference}) was already conducted in ${year}: one a year`,
      '/conductedOn',
    );
  }
  const version = termsAt(state, conductedOn);
  const { terms } = version;
  if (terms.audit === undefined) {
    throw new DomainError('no-audit-clause', 'the terms give no audit rights', '/conductedOn');
  }
  const window: SalesPeriod = {
    from: dateOf(year - terms.audit.lookBackYears, 1, 1),
    to: dateOf(year - 1, 12, 31),
  };
  const audited = auditedPeriodOf(command, window);
  const auditCost = moneyIn(terms, command.auditCost, '/auditCost');
  const findings = findingsOf(command, state, terms, audited);
  const first = findings[0];
  if (first === undefined) {
    throw new DomainError('no-findings', 'an audit records at least one finding', '/findings');
  }
  const currency = terms.paymentCurrency;
  const royaltiesAccrued = sum(
    [...state.accruedRoyalties.values()]
      .filter((line) => within(line.period, audited))
      .map((line) => line.royalty),
    currency,
  );
  const shortfall = sum(
    findings.map((f) => f.difference),
    currency,
  );
  const dueForPeriod = addMoney(royaltiesAccrued, shortfall);
  const underpaid = shortfall.amountMinor > 0n;
  const underpaymentRatio =
    dueForPeriod.amountMinor > 0n ? ratio(shortfall.amountMinor, dueForPeriod.amountMinor) : null;
  const costShifts =
    underpaid &&
    (underpaymentRatio === null || compare(underpaymentRatio, terms.audit.costShiftThreshold) > 0);
  const shortfallDueOn = dueOnAfter(first.clause.payment, conductedOn);
  const interestThrough = isBefore(conductedOn, shortfallDueOn) ? shortfallDueOn : conductedOn;
  const lines = findings.map((f) => ({
    ...f,
    interestExact: interestOn(f.difference, f.originalDueOn, interestThrough, state, command),
  }));
  const exact = lines.reduce<Ratio>((total, line) => add(total, line.interestExact), ZERO);
  const interest =
    underpaid && compare(exact, ZERO) > 0
      ? fromMajorUnits(exact, currency, terms.rounding)
      : money(0n, currency);
  const findingsEventId = command.idFor(`AuditFindingsRecorded:${command.auditReference}`);
  const events: AgreementEvent[] = [
    emit(findingsEventId, 'AuditFindingsRecorded', {
      agreementId,
      termsEventId: version.termsEventId,
      auditReference: command.auditReference,
      conductedOn,
      auditedPeriod: audited,
      lookBackWindow: window,
      auditCost: formatMoney(auditCost),
      lines: lines.map((line) => ({
        clauseId: line.clause.clauseId,
        period: line.period,
        productId: line.productId,
        country: line.country,
        accrued: formatMoney(line.accrued),
        royaltyDue: formatMoney(line.royaltyDue),
        difference: formatMoney(line.difference),
        originalDueOn: line.originalDueOn,
        interestExact: exactDecimal(line.interestExact),
      })),
      royaltiesAccrued: formatMoney(royaltiesAccrued),
      shortfall: formatMoney(shortfall),
      dueForPeriod: formatMoney(dueForPeriod),
      underpaymentRatio: underpaymentRatio === null ? null : exactDecimal(underpaymentRatio),
      costShiftThresholdPercent: exactDecimal(
        multiply(terms.audit.costShiftThreshold, ratio(100n)),
      ),
      costShifts,
      interestThrough,
      interest: formatMoney(interest),
    }),
  ];
  if (!underpaid) return events;
  const obligation = {
    agreementId,
    termsEventId: version.termsEventId,
    causedByEventId: findingsEventId,
    dueOn: shortfallDueOn,
    clauseId: first.clause.clauseId,
    auditReference: command.auditReference,
    assessedOn: conductedOn,
  };
  events.push(
    emit(
      command.idFor(`AuditShortfallAssessed:${command.auditReference}`),
      'AuditShortfallAssessed',
      {
        ...obligation,
        shortfall: formatMoney(shortfall),
        interest: formatMoney(interest),
        amount: formatMoney(addMoney(shortfall, interest)),
        correctsEventIds: lines
          .filter((line) => line.difference.amountMinor > 0n)
          .flatMap((line) => line.obligationIds),
      },
    ),
  );
  if (costShifts && auditCost.amountMinor > 0n) {
    events.push(
      emit(command.idFor(`AuditCostShifted:${command.auditReference}`), 'AuditCostShifted', {
        ...obligation,
        amount: formatMoney(auditCost),
      }),
    );
  }
  return events;
}

const within = (period: SalesPeriod, outer: SalesPeriod): boolean =>
  !isBefore(period.from, outer.from) && !isBefore(outer.to, period.to);

function auditedPeriodOf(command: Command, window: SalesPeriod): SalesPeriod {
  const from = businessDate(command.auditedPeriod.from, '/auditedPeriod/from');
  const to = businessDate(command.auditedPeriod.to, '/auditedPeriod/to');
  if (isBefore(to, from)) {
    throw new DomainError(
      'invalid-period',
      'the audited period ends before it starts',
      '/auditedPeriod/to',
    );
  }
  if (isBefore(from, window.from)) {
    throw new DomainError(
      'outside-look-back',
      `the audit may look back to ${window.from}, not ${from}`,
      '/auditedPeriod/from',
    );
  }
  if (isBefore(window.to, to)) {
    throw new DomainError(
      'outside-look-back',
      `the audit covers calendar years ended before it: through ${window.to}, not ${to}`,
      '/auditedPeriod/to',
    );
  }
  return { from, to };
}

function moneyIn(terms: AgreementTerms, json: Command['auditCost'], pointer: string): Money {
  const amount = parseMoney(json, pointer);
  if (amount.currency !== terms.paymentCurrency) {
    throw new DomainError(
      'currency-mismatch',
      `amounts are in the payment currency ${terms.paymentCurrency}`,
      `${pointer}/currency`,
    );
  }
  if (amount.amountMinor < 0n) {
    throw new DomainError('invalid-amount', 'an amount found due is not negative', pointer);
  }
  return amount;
}

function findingsOf(
  command: Command,
  state: AgreementState,
  terms: AgreementTerms,
  audited: SalesPeriod,
) {
  const seen = new Set<string>();
  return command.findings.map((finding, index) => {
    const pointer = `/findings/${index}`;
    const clause = terms.royalties.find((c) => c.clauseId === finding.clauseId);
    if (clause === undefined) {
      throw new DomainError(
        'unknown-clause',
        `${finding.clauseId} is not a royalty clause of the terms`,
        `${pointer}/clauseId`,
      );
    }
    const period: SalesPeriod = {
      from: businessDate(finding.period.from, `${pointer}/period/from`),
      to: businessDate(finding.period.to, `${pointer}/period/to`),
    };
    if (isBefore(period.to, period.from) || !within(period, audited)) {
      throw new DomainError(
        'finding-outside-audited-period',
        `a finding's period lies within the audited period ${audited.from}..${audited.to}`,
        `${pointer}/period`,
      );
    }
    const key = accruedRoyaltyKey({ ...finding, period });
    if (seen.has(key)) {
      throw new DomainError('duplicate-finding', 'one finding per statement line', pointer);
    }
    seen.add(key);
    const royaltyDue = moneyIn(terms, finding.royaltyDue, `${pointer}/royaltyDue`);
    const line = state.accruedRoyalties.get(key);
    const accrued = line?.royalty ?? money(0n, terms.paymentCurrency);
    const [original] = (line?.obligationIds ?? []).flatMap((id) => {
      const o = state.obligations.get(id);
      return o === undefined ? [] : [o];
    });
    // A line never reported was due as its report would have been.
    const originalDueOn =
      original?.dueOn ?? dueOnOf(clause.payment, { periodEndsOn: period.to }) ?? period.to;
    return {
      clause,
      period,
      productId: finding.productId,
      country: finding.country,
      accrued,
      royaltyDue,
      difference: subtract(royaltyDue, accrued),
      originalDueOn,
      obligationIds: line?.obligationIds ?? [],
    };
  });
}

/**
 * Simple interest on a line's difference, exact (negative for an overpaid line). Each day bears
 * the late-interest terms in force that day, as ordinary late interest does: the days are split
 * where an amendment takes effect, and a stretch whose terms have no late interest bears none.
 */
function interestOn(
  difference: Money,
  originalDueOn: BusinessDate,
  through: BusinessDate,
  state: AgreementState,
  command: Command,
): Ratio {
  if (difference.amountMinor === 0n || !isBefore(originalDueOn, through)) return ZERO;
  const overpaid = difference.amountMinor < 0n;
  const principal = overpaid ? money(-difference.amountMinor, difference.currency) : difference;
  let exact: Ratio = ZERO;
  for (const stretch of stretchesBetween(state, originalDueOn, through)) {
    const { terms } = termsAt(state, addDays(stretch.after, 1));
    if (terms.lateInterest === undefined) continue;
    exact = add(
      exact,
      lateInterestOn({
        principal,
        accruesAfter: stretch.after,
        accruesThrough: stretch.through,
        terms: terms.lateInterest,
        rounding: terms.rounding,
        ...(command.primeRates !== undefined && { primeRates: command.primeRates }),
      }).exact,
    );
  }
  return overpaid ? negate(exact) : exact;
}

/** Days `after` + 1 through `through`, cut where a terms version takes effect in between. */
function stretchesBetween(
  state: AgreementState,
  after: BusinessDate,
  through: BusinessDate,
): { after: BusinessDate; through: BusinessDate }[] {
  const firstDays = [...new Set(state.termsHistory.map((version) => version.effectiveOn))]
    .filter((day) => isBefore(addDays(after, 1), day) && isOnOrBefore(day, through))
    .sort(compareDates);
  const stretches: { after: BusinessDate; through: BusinessDate }[] = [];
  let start = after;
  for (const firstDay of firstDays) {
    const end = addDays(firstDay, -1);
    stretches.push({ after: start, through: end });
    start = end;
  }
  stretches.push({ after: start, through });
  return stretches;
}
