import fc from 'fast-check';
import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { CommandOf } from '../../../src/domain/agreement/commands';
import { amountDueOf } from '../../../src/domain/agreement/obligation';
import { fold, given, ofType, recorded, context } from '../support/agreementSpec';
import { foundingDeal } from '../fixtures/foundingDeal';
import { amend, quarter, reportUsSales, signed, usd } from '../support/foundingDealStory';

// The founding deal: royalties of 3% due 60 days after the quarter (following business day), late
// interest of 1% a month (actual/365), audits of the 3 calendar years before, cost shifted above 5%.

const audit = (
  fields: Partial<Omit<CommandOf<'RecordAuditFindings'>, 'type'>> = {},
): CommandOf<'RecordAuditFindings'> => ({
  type: 'RecordAuditFindings',
  ...context(`audit:${fields.auditReference ?? 'A-1'}:`),
  auditReference: 'A-1',
  conductedOn: '2017-03-15',
  auditedPeriod: { from: '2016-01-01', to: '2016-12-31' },
  auditCost: usd('25000.00'),
  findings: [
    {
      clauseId: '6.1',
      period: quarter(2016, 1),
      productId: 'biib015',
      country: 'US',
      royaltyDue: usd('310000.00'),
    },
  ],
  ...fields,
});

/** Four quarters of 2016 at $10M of US net sales: $300,000.00 of royalty each. */
const year2016 = (): AgreementEvent[] =>
  recorded(
    signed(),
    reportUsSales(2016, 1, '10000000.00'),
    reportUsSales(2016, 2, '10000000.00'),
    reportUsSales(2016, 3, '10000000.00'),
    reportUsSales(2016, 4, '10000000.00'),
  );

const findingsOf = (events: readonly AgreementEvent[]) =>
  ofType(events, 'AuditFindingsRecorded').map((e) => e.data)[0];

describe('RecordAuditFindings', () => {
  it('computes the shortfall against what was due for the whole audited period', () => {
    given(...year2016())
      .when(audit())
      .then((events) => {
        const findings = findingsOf(events);
        expect(findings).toMatchObject({
          royaltiesAccrued: usd('1200000.00'),
          shortfall: usd('10000.00'),
          dueForPeriod: usd('1210000.00'),
          underpaymentRatio: '1/121',
          costShiftThresholdPercent: '5',
          costShifts: false,
          lookBackWindow: { from: '2014-01-01', to: '2016-12-31' },
        });
        expect(findings?.lines).toEqual([
          expect.objectContaining({
            accrued: usd('300000.00'),
            royaltyDue: usd('310000.00'),
            difference: usd('10000.00'),
            originalDueOn: '2016-05-30',
          }),
        ]);
        expect(ofType(events, 'AuditCostShifted')).toEqual([]);
      });
  });

  it('charges simple interest from the original due date through the shortfall’s due date', () => {
    // $10,000 x 12% x 350 days (2016-05-31 .. 2017-05-15) / 365 = 1,150.684931..., due 60 days
    // after the findings: 2017-05-14 is a Sunday, so Monday 2017-05-15.
    given(...year2016())
      .when(audit())
      .then((events) => {
        const [assessed] = ofType(events, 'AuditShortfallAssessed');
        const [findings] = ofType(events, 'AuditFindingsRecorded');
        expect(assessed?.data).toMatchObject({
          causedByEventId: findings?.eventId,
          shortfall: usd('10000.00'),
          interest: usd('1150.68'),
          amount: usd('11150.68'),
          dueOn: '2017-05-15',
          assessedOn: '2017-03-15',
        });
        expect(findings?.data.interestThrough).toBe('2017-05-15');
        const royaltyQ1 = ofType(year2016(), 'RoyaltyAccrued')[0]?.eventId;
        expect(assessed?.data.correctsEventIds).toEqual([royaltyQ1]);
      });
  });

  it('charges each day the late-interest rate in force that day: an amendment of the rate splits the interest', () => {
    // The rate goes from 1% to 2% a month on 2017-01-01. $10,000 x 12% x 215 days (2016-05-31 ..
    // 2016-12-31) / 365 + $10,000 x 24% x 135 days (2017-01-01 .. 2017-05-15) / 365
    // = (258,000 + 324,000) / 365 = 1,594.520547...
    const doubled = amend(
      '2017-01-01',
      {
        ...foundingDeal,
        lateInterest: { kind: 'fixed', ratePercent: '2', per: 'month', dayCount: 'actual/365' },
      },
      ['late-interest'],
    );
    given(...recorded(year2016(), doubled))
      .when(audit())
      .then((events) => {
        const [assessed] = ofType(events, 'AuditShortfallAssessed');
        expect(assessed?.data).toMatchObject({
          shortfall: usd('10000.00'),
          interest: usd('1594.52'),
          amount: usd('11594.52'),
        });
        // Exact: 582,000 / 365.
        expect(findingsOf(events)?.lines[0]?.interestExact).toBe('116400/73');
      });
  });

  it('shifts the audit’s cost when the underpayment is strictly greater than the threshold', () => {
    // 70,000 / 1,270,000 = 5.5% of what was due.
    const findings = audit({
      findings: [
        {
          clauseId: '6.1',
          period: quarter(2016, 2),
          productId: 'biib015',
          country: 'US',
          royaltyDue: usd('370000.00'),
        },
      ],
    });
    given(...year2016())
      .when(findings)
      .then((events) => {
        expect(findingsOf(events)).toMatchObject({ underpaymentRatio: '7/127', costShifts: true });
        const [shifted] = ofType(events, 'AuditCostShifted');
        expect(shifted?.data).toMatchObject({
          amount: usd('25000.00'),
          dueOn: '2017-05-15',
          causedByEventId: ofType(events, 'AuditFindingsRecorded')[0]?.eventId,
        });
        const state = fold([...year2016(), ...events]);
        const kinds = [...state.obligations.values()].map((o) => o.kind);
        expect(kinds.filter((k) => k.startsWith('audit'))).toEqual([
          'audit-shortfall',
          'audit-cost',
        ]);
      });
  });

  it('does not shift the cost at exactly the threshold', () => {
    // Accrued 190,000.00 (3% of 6,333,333.33, rounded); found 200,000.00: 10,000 / 200,000 = 5%.
    const history = recorded(signed(), reportUsSales(2016, 1, '6333333.33'));
    const exactly = (royaltyDue: string) =>
      audit({
        findings: [
          {
            clauseId: '6.1',
            period: quarter(2016, 1),
            productId: 'biib015',
            country: 'US',
            royaltyDue: usd(royaltyDue),
          },
        ],
      });
    given(...history)
      .when(exactly('200000.00'))
      .then((events) =>
        expect(findingsOf(events)).toMatchObject({ underpaymentRatio: '0.05', costShifts: false }),
      );
    given(...history)
      .when(exactly('200000.01'))
      .then((events) => expect(findingsOf(events)?.costShifts).toBe(true));
  });

  it('nets the lines: an overpaid line offsets an underpaid one, and nothing is owed when none is left', () => {
    const lines = (q1: string, q2: string) =>
      audit({
        findings: [
          {
            clauseId: '6.1',
            period: quarter(2016, 1),
            productId: 'biib015',
            country: 'US',
            royaltyDue: usd(q1),
          },
          {
            clauseId: '6.1',
            period: quarter(2016, 2),
            productId: 'biib015',
            country: 'US',
            royaltyDue: usd(q2),
          },
        ],
      });
    given(...year2016())
      .when(lines('310000.00', '295000.00'))
      .then((events) => {
        expect(findingsOf(events)?.shortfall).toEqual(usd('5000.00'));
        expect(ofType(events, 'AuditShortfallAssessed')[0]?.data.shortfall).toEqual(usd('5000.00'));
      });
    given(...year2016())
      .when(lines('300000.00', '295000.00'))
      .then((events) => {
        expect(findingsOf(events)).toMatchObject({ shortfall: usd('-5000.00'), costShifts: false });
        expect(events.map((e) => e.type)).toEqual(['AuditFindingsRecorded']);
      });
  });

  it('refuses an audited period reaching before the look-back window', () => {
    given(...year2016())
      .when(audit({ auditedPeriod: { from: '2013-12-31', to: '2016-12-31' } }))
      .thenFails('outside-look-back');
  });

  it('refuses an audited period of the year the audit is conducted in', () => {
    let pointer: string | undefined;
    try {
      given(...year2016())
        .when(audit({ auditedPeriod: { from: '2016-01-01', to: '2017-01-31' } }))
        .events();
    } catch (error) {
      pointer = (error as { pointer?: string }).pointer;
    }
    expect(pointer).toBe('/auditedPeriod/to');
  });

  it('refuses a finding outside the audited period', () => {
    given(...year2016())
      .when(audit({ auditedPeriod: { from: '2016-04-01', to: '2016-12-31' } }))
      .thenFails('finding-outside-audited-period');
  });

  it('refuses a second audit in the same calendar year', () => {
    const history = recorded(year2016(), audit());
    given(...history)
      .when(audit({ auditReference: 'A-2', conductedOn: '2017-11-01' }))
      .thenFails('audit-already-conducted');
  });

  it('records nothing new when the same audit is recorded again', () => {
    given(...recorded(year2016(), audit()))
      .when(audit())
      .then((events) => expect(events).toEqual([]));
  });

  it('allows the next year’s audit', () => {
    given(...recorded(year2016(), audit()))
      .when(audit({ auditReference: 'A-2', conductedOn: '2018-02-01' }))
      .then((events) => expect(findingsOf(events)?.auditReference).toBe('A-2'));
  });

  it('property: due = accrued + shortfall, and the cost shifts exactly when shortfall × 100 > 5 × due', () => {
    const history = year2016();
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 50_000_000n }), { minLength: 1, maxLength: 4 }),
        fc.bigInt({ min: 0n, max: 10_000_000n }),
        (dueCents, costCents) => {
          const cents = (n: bigint) => `${n / 100n}.${String(n % 100n).padStart(2, '0')}`;
          const command = audit({
            auditCost: usd(cents(costCents)),
            findings: dueCents.map((c, i) => ({
              clauseId: '6.1',
              period: quarter(2016, i + 1),
              productId: 'biib015',
              country: 'US',
              royaltyDue: usd(cents(c)),
            })),
          });
          const events = given(...history)
            .when(command)
            .events();
          const findings = findingsOf(events)!;
          const minor = (m: { amount: string }) => BigInt(m.amount.replace('.', ''));
          const shortfall = dueCents.reduce((a, c) => a + c - 30_000_000n, 0n);
          expect(minor(findings.shortfall)).toBe(shortfall);
          expect(minor(findings.dueForPeriod)).toBe(120_000_000n + shortfall);
          const shifts = shortfall > 0n && shortfall * 100n > 5n * (120_000_000n + shortfall);
          expect(findings.costShifts).toBe(shifts);
          expect(ofType(events, 'AuditCostShifted').length).toBe(shifts && costCents > 0n ? 1 : 0);
          const [assessed] = ofType(events, 'AuditShortfallAssessed');
          if (shortfall <= 0n) expect(assessed).toBeUndefined();
          else {
            const state = fold([...history, ...events]);
            const obligation = state.obligations.get(assessed!.eventId)!;
            expect(amountDueOf(obligation).amountMinor).toBe(
              shortfall + minor(assessed!.data.interest),
            );
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
