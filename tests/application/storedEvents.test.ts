import fc from 'fast-check';
import { z } from 'zod';
import { derivedUuid, validTimeOf } from '../../src/application/storedEvents';
import { EVENT_EXAMPLES } from '../../src/domain/events/examples';
import type { AgreementEvent } from '../../src/domain/agreement/agreementEvent';

describe('derived event ids', () => {
  it('are lowercase UUIDs the catalogue accepts, the same for the same parts', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 4 }), (parts) => {
        const id = derivedUuid(...parts);
        expect(z.uuid().safeParse(id).success).toBe(true);
        expect(id).toMatch(/^[0-9a-f-]{36}$/);
        expect(derivedUuid(...parts)).toBe(id);
      }),
    );
  });

  it('differ when the parts differ, even where a naive join would make them equal', () => {
    expect(derivedUuid('a|b', 'c')).not.toBe(derivedUuid('a', 'b|c'));
    expect(derivedUuid('ab')).not.toBe(derivedUuid('a', 'b'));
  });
});

describe('the valid time recorded with each event', () => {
  it('is the business date the event itself carries, for every event that has one', () => {
    const examples = EVENT_EXAMPLES as Record<string, Record<string, unknown>>;
    const at = (type: string) =>
      validTimeOf({ eventId: 'x', type, data: examples[type] } as unknown as AgreementEvent);
    expect(at('AgreementSigned')).toBe(
      (examples.AgreementSigned!.terms as { signedOn: string }).signedOn,
    );
    expect(at('INDSubmitted')).toBe(examples.INDSubmitted!.submittedOn);
    expect(at('PaymentReceived')).toBe(examples.PaymentReceived!.receivedOn);
    expect(at('MilestoneTriggered')).toBe(examples.MilestoneTriggered!.achievedOn);
    expect(at('RoyaltyAccrued')).toBe((examples.RoyaltyAccrued!.period as { to: string }).to);
    expect(at('PaymentApplied')).toBeUndefined();
    for (const type of Object.keys(examples)) {
      const time = at(type);
      if (time !== undefined) expect(time).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
