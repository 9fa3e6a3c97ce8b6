import { z } from 'zod';
import {
  EVENT_DEFINITIONS,
  currentSchemaVersion,
  isEventType,
  streamKindsOf,
} from '../../../src/domain/events/catalogue';
import { defineEvent, defineUpcaster } from '../../../src/domain/events/eventDefinition';
import {
  OBLIGATION_CREATED_BY,
  obligationKindOf,
} from '../../../src/domain/events/obligationKinds';
import { streamIdOf } from '../../../src/domain/events/streams';

describe('the event catalogue', () => {
  it('puts development, regulatory, market and patent facts in product streams only', () => {
    const productEvents = EVENT_DEFINITIONS.filter((definition) =>
      definition.streams.includes('product'),
    ).map((definition) => definition.type);
    expect(productEvents.sort()).toEqual(
      [
        'INDSubmitted',
        'INDBecameEffective',
        'ClinicalPhaseStarted',
        'RegulatoryFilingSubmitted',
        'RegulatoryApprovalGranted',
        'FirstCommercialSale',
        'GenericEntryReported',
        'ValidClaimCoverageStarted',
        'ValidClaimCoverageEnded',
        'EntryReversed',
      ].sort(),
    );
    expect(streamKindsOf('INDSubmitted')).toEqual(['product']);
    expect(streamKindsOf('EntryReversed')).toEqual(['agreement', 'product']);
    expect(streamKindsOf('NetSalesReported')).toEqual(['agreement']);
  });

  it('names every event in the past tense of the business, never a CRUD "Updated" or "Changed"', () => {
    for (const { type } of EVENT_DEFINITIONS)
      expect(type).not.toMatch(/(Updated|Changed|Created)$/);
  });

  it('knows which event creates each kind of obligation, and each of them is in the catalogue', () => {
    for (const type of Object.keys(OBLIGATION_CREATED_BY)) expect(isEventType(type)).toBe(true);
    expect(obligationKindOf('RoyaltyAccrued')).toBe('royalty');
    expect(obligationKindOf('PaymentApplied')).toBeUndefined();
    expect(obligationKindOf('toString')).toBeUndefined();
  });

  it('gives writers the current schema version of each type', () => {
    expect(currentSchemaVersion('NetSalesReported')).toBe(2);
    expect(currentSchemaVersion('MilestoneTriggered')).toBe(1);
  });

  it('names streams after their subject', () => {
    expect(streamIdOf('product', 'biib015')).toBe('product-biib015');
  });

  it('refuses a definition whose upcasters do not lead from version 1 to the current one', () => {
    const schema = z.strictObject({});
    const step = (fromVersion: number) =>
      defineUpcaster({ fromVersion, schema, upcast: (data) => data });
    const define = (schemaVersion: number, upcasters: ReturnType<typeof step>[]) => () =>
      defineEvent({
        type: 'X',
        schemaVersion,
        schema,
        streams: ['agreement'],
        meaning: '',
        upcasters,
      });
    expect(define(3, [step(1)])).toThrow(/needs 2 upcasters/);
    expect(define(3, [step(1), step(3)])).toThrow(/upcaster 1 must lift version 2/);
    expect(define(3, [step(1), step(2)])).not.toThrow();
  });
});
