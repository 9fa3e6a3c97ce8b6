import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agreementIdOfStream } from '../../projections/agreementStates';
import { obligationsProjection } from '../../projections/obligations';
import { domainEventOf } from '../../src/application/storedEvents';
import { initialState, type AgreementState } from '../../src/domain/agreement/agreementState';
import type { AgreementEvent } from '../../src/domain/agreement/agreementEvent';
import { evolve } from '../../src/domain/agreement/evolve';
import type { RecordedEvent } from '../../src/eventstore/eventStore';
import { SqliteEventStore } from '../../src/eventstore/sqlite/sqliteEventStore';
import { SqliteReadStore } from '../../src/readstore/sqlite/sqliteReadStore';
import { testLogger } from './testLogger';

/**
 * An oracle for valid time that shares nothing with the as-of queries: the facts of a history
 * that had taken effect on or before a day, each by the day docs/domain-rules.md gives it (an
 * obligation's by the day it arose, as corrected; a waiver by `waivedOn`; a payment's application
 * by the day paid; a due date by its notice's or invoice's day; ...). Events with no day of
 * their own (the terms, reversals, corrections of an achievement, reports) are kept: a reversal
 * takes out what it reverses at every date, and a reversal of something not kept changes nothing.
 */
export function factsValidBy(events: readonly RecordedEvent[], day: string): RecordedEvent[] {
  const states = new Map<string, AgreementState>();
  const noticeDays = new Map<string, string>();
  const receivedOn = new Map<string, string>();
  const domainEvents = events.map((recorded) => {
    const agreementId = agreementIdOfStream(recorded.streamId);
    if (agreementId === undefined) return undefined;
    const event = domainEventOf(recorded);
    states.set(agreementId, evolve(states.get(agreementId) ?? initialState, event));
    if (event.type === 'PaymentNoticeGiven') noticeDays.set(event.eventId, event.data.givenOn);
    if (event.type === 'InvoiceIssued') noticeDays.set(event.eventId, event.data.issuedOn);
    if (event.type === 'PaymentReceived') receivedOn.set(event.eventId, event.data.receivedOn);
    return { agreementId, event };
  });

  function validDayOf(agreementId: string, event: AgreementEvent): string | undefined {
    switch (event.type) {
      case 'UpfrontFeeDue':
      case 'MilestoneTriggered':
      case 'RoyaltyAccrued':
      case 'MinimumRoyaltyShortfallAssessed':
      case 'LateInterestAccrued':
      case 'AuditShortfallAssessed':
      case 'AuditCostShifted':
        return states.get(agreementId)?.obligations.get(event.eventId)?.arisesOn;
      case 'ObligationAdjusted':
        return event.data.adjustedOn;
      case 'ObligationWaived':
        return event.data.waivedOn;
      case 'ObligationDisputed':
        return event.data.disputedOn;
      case 'ObligationDisputeResolved':
        return event.data.resolvedOn;
      case 'PaymentReceived':
        return event.data.receivedOn;
      case 'PaymentApplied':
        return (
          event.data.appliedOn ??
          (event.data.paymentEventId === undefined
            ? undefined
            : receivedOn.get(event.data.paymentEventId))
        );
      case 'ObligationBecamePayable':
        return noticeDays.get(event.data.causedByEventId);
      case 'PaymentNoticeGiven':
        return event.data.givenOn;
      case 'InvoiceIssued':
        return event.data.issuedOn;
      // No day of their own in the obligations' valid time: kept at every date.
      case 'AgreementSigned':
      case 'AgreementAmended':
      case 'AgreementTerminated':
      case 'PayeeAssigned':
      case 'EntryReversed':
      case 'MilestoneAchievementCorrected':
      case 'NetSalesReported':
      case 'NetSalesRestated':
      case 'ThirdPartyRoyaltiesReported':
      case 'AuditFindingsRecorded':
      case 'INDSubmitted':
      case 'INDBecameEffective':
      case 'ClinicalPhaseStarted':
      case 'RegulatoryFilingSubmitted':
      case 'RegulatoryApprovalGranted':
      case 'FirstCommercialSale':
      case 'GenericEntryReported':
      case 'ValidClaimCoverageStarted':
      case 'ValidClaimCoverageEnded':
        return undefined;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  }

  return events.filter((_, index) => {
    const known = domainEvents[index];
    const valid = known && validDayOf(known.agreementId, known.event);
    return valid === undefined || valid <= day;
  });
}

/**
 * The obligations read model of only `events`: appended, in their order, to an empty embedded
 * event store and projected into an empty read store. Its agreements and obligations rows.
 */
export async function obligationsOfOnly(events: readonly RecordedEvent[]): Promise<{
  agreements: Record<string, unknown>[];
  obligations: Record<string, unknown>[];
}> {
  const directory = mkdtempSync(join(tmpdir(), 'obligations-oracle-'));
  const store = SqliteEventStore.open({ path: join(directory, 'events.db'), logger: testLogger() });
  const readStore = SqliteReadStore.open({
    path: join(directory, 'read-models.db'),
    logger: testLogger(),
  });
  try {
    // One append per run of events of one stream: fewer commits, the same log.
    for (let at = 0; at < events.length;) {
      const streamId = events[at]!.streamId;
      let end = at;
      while (end < events.length && events[end]!.streamId === streamId) end += 1;
      await store.append(
        streamId,
        events.slice(at, end).map(({ eventId, type, schemaVersion, data, metadata }) => {
          const { recordedAt: _recordedAt, ...written } = metadata;
          return { eventId, type, schemaVersion, data, metadata: written };
        }),
        { expectedVersion: 'any' },
      );
      at = end;
    }
    const projection = obligationsProjection(store);
    await readStore.migrate(projection.name, projection.migrations);
    const copied = await store.readAll({ after: 0, maxCount: events.length + 1 });
    await readStore.transaction((tx) => projection.apply(tx, copied));
    return {
      agreements: await readStore.query('SELECT * FROM agreements ORDER BY agreement_id'),
      obligations: await readStore.query('SELECT * FROM obligations ORDER BY obligation_id'),
    };
  } finally {
    await readStore.close();
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
}
