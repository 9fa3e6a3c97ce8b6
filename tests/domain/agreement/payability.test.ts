import type { AgreementEvent } from '../../../src/domain/agreement/agreementEvent';
import type { CommandOf } from '../../../src/domain/agreement/commands';
import { decide } from '../../../src/domain/agreement/decide';
import { initialState } from '../../../src/domain/agreement/agreementState';
import type { AgreementTermsJson } from '../../../src/domain/agreement/termsSchema';
import { milestonesForFact } from '../../../src/domain/policies/milestonesForFact';
import { foundingDeal } from '../fixtures/foundingDeal';
import { context, fold, given, idFor, ofType, recorded } from '../support/agreementSpec';
import { indSubmittedFact, sign, signed, usd } from '../support/foundingDealStory';

/** The founding deal with its IND milestone payable 45 days after the licensor's invoice or notice. */
const signedCountingFrom = (after: 'invoice' | 'notice'): AgreementEvent[] => {
  const terms: AgreementTermsJson = {
    ...foundingDeal,
    milestones: (foundingDeal.milestones ?? []).map((clause) =>
      clause.clauseId === '5.2(a)'
        ? { ...clause, payment: { daysAfter: 45, after, businessDayRoll: 'none' } }
        : clause,
    ),
  };
  const history = decide({ ...sign(), terms }, initialState);
  return [
    ...history,
    ...milestonesForFact({
      fact: indSubmittedFact('ind', '2008-02-01'),
      state: fold(history),
      idFor,
    }),
  ];
};

const milestoneOf = (history: readonly AgreementEvent[]) =>
  ofType(history, 'MilestoneTriggered')[0]!.eventId;
const feeOf = (history: readonly AgreementEvent[]) => ofType(history, 'UpfrontFeeDue')[0]!.eventId;

const invoice = (
  obligationIds: string[],
  issuedOn: string,
  invoiceNumber = `INV-${issuedOn}`,
): CommandOf<'IssueInvoice'> => ({
  type: 'IssueInvoice',
  ...context(`${invoiceNumber}:`),
  invoiceNumber,
  issuedByPartyId: 'immunogen',
  obligationIds,
  issuedOn,
});

const notice = (obligationId: string, givenOn: string): CommandOf<'GivePaymentNotice'> => ({
  type: 'GivePaymentNotice',
  ...context(`notice:${givenOn}:`),
  obligationId,
  givenOn,
  givenByPartyId: 'biogen-idec',
});

describe('an invoice', () => {
  it('leaves a milestone payable 45 days after invoice without a due date until it is invoiced', () => {
    const history = signedCountingFrom('invoice');
    expect(ofType(history, 'MilestoneTriggered')[0]?.data.dueOn).toBeNull();
    expect(fold(history).obligations.get(milestoneOf(history))?.dueOn).toBeNull();
  });

  it('makes such a milestone payable 45 days after the invoice date', () => {
    const history = signedCountingFrom('invoice');
    given(...history)
      .when(invoice([milestoneOf(history)], '2008-02-15'))
      .then((events) => {
        expect(events.map((e) => e.type)).toEqual(['InvoiceIssued', 'ObligationBecamePayable']);
        expect(ofType(events, 'InvoiceIssued')[0]?.data.amount).toEqual(usd('1500000.00'));
        expect(ofType(events, 'ObligationBecamePayable')[0]?.data).toMatchObject({
          obligationId: milestoneOf(history),
          dueAfter: 'invoice',
          causedByEventId: events[0]!.eventId,
          dueOn: '2008-03-31',
        });
        expect(fold([...history, ...events]).obligations.get(milestoneOf(history))?.dueOn).toBe(
          '2008-03-31',
        );
      });
  });

  it('invoices the open balance of every obligation it names, and dates only those counting from it', () => {
    const history = signedCountingFrom('invoice');
    given(...history)
      .when(invoice([feeOf(history), milestoneOf(history)], '2008-02-15'))
      .then((events) => {
        expect(ofType(events, 'InvoiceIssued')[0]?.data.amount).toEqual(usd('2500000.00'));
        expect(ofType(events, 'ObligationBecamePayable').map((e) => e.data.obligationId)).toEqual([
          milestoneOf(history),
        ]);
      });
  });

  it('does not move the due date of an obligation already payable: a second invoice is only recorded', () => {
    const history = recorded(
      signedCountingFrom('invoice'),
      invoice([milestoneOf(signedCountingFrom('invoice'))], '2008-02-15'),
    );
    given(...history)
      .when(invoice([milestoneOf(history)], '2008-04-01', 'INV-reminder'))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['InvoiceIssued']));
  });

  it('does not make payable an obligation counting from a notice', () => {
    const history = signedCountingFrom('notice');
    given(...history)
      .when(invoice([milestoneOf(history)], '2008-02-15'))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['InvoiceIssued']));
  });

  it('refuses an invoice for an unknown obligation', () => {
    given(...signedCountingFrom('invoice'))
      .when(invoice([idFor('nothing')], '2008-02-15'))
      .thenFails('unknown-obligation');
  });

  it('refuses an invoice for a reversed obligation', () => {
    const history = signedCountingFrom('invoice');
    const reversed = recorded(history, {
      type: 'ReverseEntry',
      ...context('rev:'),
      reversedEventId: milestoneOf(history),
      reason: 'IND withdrawn before submission',
    });
    given(...reversed)
      .when(invoice([milestoneOf(history)], '2008-02-15'))
      .thenFails('obligation-reversed');
  });

  it('refuses an invoice with nothing left to pay', () => {
    const history = recorded(signedCountingFrom('invoice'), {
      type: 'RecordPayment',
      ...context('pay:'),
      amount: usd('1000000.00'),
      receivedOn: '2004-10-20',
      payerPartyId: 'biogen-idec',
      payeePartyId: 'immunogen',
      reference: 'wire',
    });
    given(...history)
      .when(invoice([feeOf(history)], '2008-02-15'))
      .thenFails('nothing-to-invoice');
  });

  it('refuses an invoice before the agreement is signed', () => {
    given()
      .when(invoice([idFor('x')], '2008-02-15'))
      .thenFails('agreement-not-signed');
  });
});

describe('a payment notice', () => {
  it('makes a milestone payable 45 days after notice of its achievement', () => {
    const history = signedCountingFrom('notice');
    given(...history)
      .when(notice(milestoneOf(history), '2008-02-10'))
      .then((events) => {
        expect(events.map((e) => e.type)).toEqual([
          'PaymentNoticeGiven',
          'ObligationBecamePayable',
        ]);
        expect(ofType(events, 'ObligationBecamePayable')[0]?.data).toMatchObject({
          dueAfter: 'notice',
          causedByEventId: events[0]!.eventId,
          dueOn: '2008-03-26',
        });
      });
  });

  it('only records a notice about an obligation already payable', () => {
    const history = recorded(
      signedCountingFrom('notice'),
      notice(milestoneOf(signedCountingFrom('notice')), '2008-02-10'),
    );
    given(...history)
      .when(notice(milestoneOf(history), '2008-03-01'))
      .then((events) => expect(events.map((e) => e.type)).toEqual(['PaymentNoticeGiven']));
  });

  it('refuses a notice about an unknown obligation', () => {
    given(...signed())
      .when(notice(idFor('nothing'), '2008-02-10'))
      .thenFails('unknown-obligation');
  });
});

describe('the day a due date became known (valid time)', () => {
  it('is the day the obligation arose for one that came with its due date', () => {
    const history = signedCountingFrom('invoice');
    expect(fold(history).obligations.get(feeOf(history))).toMatchObject({
      arisesOn: '2004-10-01',
      dueOn: '2004-10-31',
      dueKnownOn: '2004-10-01',
    });
  });

  it('is the invoice’s day, or the notice’s, for a milestone payable after one', () => {
    const cases = [
      ['invoice', (id: string) => invoice([id], '2008-02-15'), '2008-02-15', '2008-03-31'],
      ['notice', (id: string) => notice(id, '2008-02-20'), '2008-02-20', '2008-04-05'],
    ] as const;
    for (const [after, command, knownOn, dueOn] of cases) {
      const history = signedCountingFrom(after);
      const milestone = milestoneOf(history);
      expect(fold(history).obligations.get(milestone)?.dueKnownOn).toBeNull();
      const events = decide(command(milestone), fold(history));
      expect(fold([...history, ...events]).obligations.get(milestone)).toMatchObject({
        arisesOn: '2008-02-01',
        dueOn,
        dueKnownOn: knownOn,
      });
    }
  });
});
