import { initialState } from '../domain/agreement/agreementState';
import { evolve } from '../domain/agreement/evolve';
import { streamIdOf } from '../domain/events/streams';
import { domainEventOf } from '../application/storedEvents';
import type { EventStore, RecordedEvent } from '../eventstore/eventStore';
import type { SqlExecutor } from '../readstore/readStore';
import { leafOfEvent, withStoredNodes } from './auditLog';
import { EVIDENCE_BUNDLE_FORMAT, publicKeyFingerprint, type EvidenceBundle } from './bundleVerify';
import { latestCheckpoint } from './checkpointStore';
import { inclusionPath } from './merkleTree';

/** Why no bundle can be made now: `reason` says which, for a 404 / 409 / 503. */
export class BundleUnavailableError extends Error {
  constructor(
    readonly reason: 'no-such-agreement' | 'no-checkpoint' | 'not-yet-checkpointed' | 'no-key',
    message: string,
  ) {
    super(message);
    this.name = 'BundleUnavailableError';
  }
}

/**
 * The evidence bundle of one agreement (README "Tamper evidence"): every event of its stream and
 * of the product streams its terms license (every version of them), each with its leaf index
 * and its audit path to the latest signed checkpoint, that checkpoint and the public key. One
 * checkpoint for every proof: it must cover the newest of the events, else `not-yet-checkpointed`
 * (ask again after the next checkpoint).
 */
export async function exportBundle(options: {
  readonly store: EventStore;
  readonly readStore: SqlExecutor;
  readonly agreementId: string;
  /** SPKI PEM of the key the checkpoints are signed with. */
  readonly publicKeyPem: string | null;
  readonly clock?: () => Date;
}): Promise<EvidenceBundle> {
  const { store, readStore, agreementId, publicKeyPem } = options;
  if (publicKeyPem === null)
    throw new BundleUnavailableError(
      'no-key',
      'this service signs no checkpoints (no SIGNING_KEY)',
    );
  const agreementStream = streamIdOf('agreement', agreementId);
  const agreementEvents = await store.readStream(agreementStream);
  if (agreementEvents.length === 0)
    throw new BundleUnavailableError('no-such-agreement', `no agreement ${agreementId}`);
  const state = agreementEvents.map(domainEventOf).reduce(evolve, initialState);
  const productIds = [
    ...new Set(
      state.termsHistory.flatMap((version) => version.terms.products.map((p) => p.productId)),
    ),
  ].sort();
  const streams: { streamId: string; events: RecordedEvent[] }[] = [
    { streamId: agreementStream, events: agreementEvents },
  ];
  for (const productId of productIds) {
    const streamId = streamIdOf('product', productId);
    streams.push({ streamId, events: await store.readStream(streamId) });
  }
  const events = streams
    .flatMap((stream) => stream.events)
    .sort((a, b) => a.globalPosition - b.globalPosition);
  const checkpoint = await latestCheckpoint(readStore);
  if (checkpoint === null)
    throw new BundleUnavailableError('no-checkpoint', 'nothing has been signed yet');
  const proven = [];
  for (const event of events) {
    const leaf = await leafOfEvent(readStore, event.eventId);
    if (leaf === null || leaf.leafIndex >= checkpoint.treeSize)
      throw new BundleUnavailableError(
        'not-yet-checkpointed',
        `event ${event.eventId} (position ${event.globalPosition}) is not covered by the latest signed checkpoint (${checkpoint.treeSize} events) yet: ask again shortly`,
      );
    const auditPath = await withStoredNodes(readStore, (node) =>
      inclusionPath(leaf.leafIndex, checkpoint.treeSize, node),
    );
    proven.push({
      event: envelopeOf(event),
      leafIndex: leaf.leafIndex,
      auditPath: auditPath.map((node) => node.toString('hex')),
    });
  }
  return {
    format: EVIDENCE_BUNDLE_FORMAT,
    agreementId,
    exportedAt: (options.clock ?? (() => new Date()))().toISOString(),
    streams: streams.map((stream) => ({
      streamId: stream.streamId,
      version: stream.events.at(-1)?.streamVersion ?? 0,
    })),
    checkpoint,
    publicKey: {
      algorithm: 'Ed25519',
      keyId: publicKeyFingerprint(publicKeyPem),
      publicKeyPem,
    },
    events: proven,
  };
}

/** Exactly what the leaf covers (eventLeaf.ts), nothing else. */
function envelopeOf(event: RecordedEvent): EvidenceBundle['events'][number]['event'] {
  const { metadata } = event;
  return {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    globalPosition: event.globalPosition,
    data: event.data,
    metadata: {
      occurredAt: metadata.occurredAt,
      recordedAt: metadata.recordedAt,
      actor: metadata.actor,
      ...(metadata.source !== undefined && { source: metadata.source }),
      ...(metadata.correlationId !== undefined && { correlationId: metadata.correlationId }),
      ...(metadata.causationId !== undefined && { causationId: metadata.causationId }),
    },
  };
}
