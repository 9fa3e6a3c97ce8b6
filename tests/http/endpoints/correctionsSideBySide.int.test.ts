/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-explicit-any -- answers are JSON read back as a client sees them */
import { EVENT_EXAMPLES } from '../../../src/domain/events/examples';
import { eventsOf, onBothStores, usd } from './api';

jest.setTimeout(60_000);

// The founding deal of the catalogue's examples; the IND of 2008-01-15 makes 5.2(a), $1.5M.
const TERMS = EVENT_EXAMPLES.AgreementSigned.terms;
const A = TERMS.agreementId;

onBothStores('corrections side by side', (api) => {
  it('shows each corrected obligation beside its corrections: who, when, why, the effect, the result', async () => {
    await api.sign(TERMS);
    await api.fact('biib015', 'INDSubmitted', { jurisdiction: 'US', submittedOn: '2008-01-15' });
    const items = await api.list(`/obligations?agreementId=${A}`);
    const ind = items.find((o: any) => o.clauseId === '5.2(a)');
    const path = `/obligations/${ind.obligationId}/adjustments`;
    const down = await api.command(A, path, {
      adjustedOn: '2008-02-01',
      reason: 'Settlement of the IND dispute',
      difference: usd('-100000.00'),
    });
    const up = await api.command(A, path, {
      adjustedOn: '2008-02-01',
      reason: 'Typed in error',
      difference: usd('25000.50'),
    });
    const [raised] = eventsOf(up, 'ObligationAdjusted');
    await api.command(A, '/reversals', {
      reversedEventId: raised.eventId,
      reason: 'Recorded against the wrong obligation',
    });

    const answer = await api.expectStatus(200, 'GET', `/agreements/${A}/corrections`);
    // Only the corrected obligation: the upfront fee has none.
    expect(answer.body.entries).toHaveLength(1);
    const [entry] = answer.body.entries;
    expect(entry.original).toMatchObject({
      eventId: ind.obligationId,
      type: 'MilestoneTriggered',
      amount: usd('1500000.00'),
      actor: 'system:milestone-policy',
    });
    // 1,500,000.00 - 100,000.00 = 1,400,000.00; + 25,000.50 = 1,425,000.50; reversed: 1,400,000.00.
    expect(
      entry.corrections.map((c: any) => [c.type, c.effect.amount, c.amountAfter.amount]),
    ).toEqual([
      ['ObligationAdjusted', '-100000.00', '1400000.00'],
      ['ObligationAdjusted', '25000.50', '1425000.50'],
      ['EntryReversed', '-25000.50', '1400000.00'],
    ]);
    expect(entry.corrections[0]).toMatchObject({
      eventId: eventsOf(down, 'ObligationAdjusted')[0].eventId,
      correctsEventId: ind.obligationId,
      reason: 'Settlement of the IND dispute',
      actor: expect.stringMatching(/^apikey:/),
    });
    expect(entry.corrections[2].correctsEventId).toBe(raised.eventId);
    expect(entry.resulting).toEqual(usd('1400000.00'));

    // As recorded before the reversal: two corrections, 1,425,000.50.
    const before = await api.expectStatus(
      200,
      'GET',
      `/agreements/${A}/corrections?recordedAt=${entry.corrections[1].position}`,
    );
    expect(before.body.entries[0].resulting).toEqual(usd('1425000.50'));
    expect(before.body.entries[0].corrections).toHaveLength(2);

    const all = await api.expectStatus(200, 'GET', `/agreements/${A}/corrections?all=true`);
    expect(all.body.entries.map((e: any) => e.original.type)).toEqual([
      'UpfrontFeeDue',
      'MilestoneTriggered',
    ]);
    await api.expectStatus(
      404,
      'GET',
      '/agreements/00000000-0000-4000-8000-000000000000/corrections',
    );
  });
});
