import { initialState } from '../domain/agreement/agreementState';
import { evolve } from '../domain/agreement/evolve';
import { streamIdOf } from '../domain/events/streams';
import { domainEventOf } from '../application/storedEvents';
import type { EventStore, RecordedEvent } from '../eventstore/eventStore';
import type { SqlExecutor } from '../readstore/readStore';
import { leafOfEvent, withStoredNodes } from './auditLog';
import {
  EVIDENCE_BUNDLE_FORMAT,
  EVIDENCE_BUNDLE_FORMAT_V2,
  publicKeyFingerprint,
  type EvidenceBundle,
  type StreamHeadProofJson,
} from './bundleVerify';
import type { SignedCheckpoint } from './checkpoint';
import { latestCheckpoint } from './checkpointStore';
import { keyHistory, SIGNING_KEYS_STREAM } from './signingKeys';
import { streamHeadsAt, streamHeadsRoot, StreamHeadsTree } from './streamHeads';
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
 * of the product streams its terms license, each with its leaf index and its audit path to the
 * latest signed checkpoint, that checkpoint and the public key. One checkpoint for every proof.
 * With a v2 checkpoint (bundle v2) the streams are taken as that checkpoint saw them, each with
 * the proof of its signed head, so a bundle cut short at a stream's end shows; with a v1 one
 * (bundle v1) it must cover the newest of the events, else `not-yet-checkpointed`.
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
  const checkpoint = await latestCheckpoint(readStore);
  const heads = checkpoint === null ? null : await headsOf(readStore, checkpoint);
  // With stream heads, the bundle is the streams as the checkpoint saw them: later events wait.
  const signedPart = (streamId: string, events: RecordedEvent[]): RecordedEvent[] => {
    if (heads === null) return events;
    const { found, index } = heads.locate(streamId);
    const version = found ? heads.heads[index]!.streamVersion : 0;
    return events.filter((event) => event.streamVersion <= version);
  };
  const allAgreementEvents = await store.readStream(agreementStream);
  if (allAgreementEvents.length === 0)
    throw new BundleUnavailableError('no-such-agreement', `no agreement ${agreementId}`);
  if (checkpoint === null)
    throw new BundleUnavailableError('no-checkpoint', 'nothing has been signed yet');
  const agreementEvents = signedPart(agreementStream, allAgreementEvents);
  if (agreementEvents.length === 0)
    throw new BundleUnavailableError(
      'not-yet-checkpointed',
      `agreement ${agreementId} began after the latest signed checkpoint (${checkpoint.treeSize} events): ask again shortly`,
    );
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
    streams.push({ streamId, events: signedPart(streamId, await store.readStream(streamId)) });
  }
  // v2: the signing keys as the checkpoint saw them, so the verifier knows which key was valid.
  if (heads !== null)
    streams.push({
      streamId: SIGNING_KEYS_STREAM,
      events: signedPart(SIGNING_KEYS_STREAM, await store.readStream(SIGNING_KEYS_STREAM)),
    });
  const events = streams
    .flatMap((stream) => stream.events)
    .sort((a, b) => a.globalPosition - b.globalPosition);
  // The key that signed the checkpoint, which after a rotation may not be the configured one.
  const signerPem =
    (await keyHistory(store)).find((key) => key.keyId === checkpoint.keyId)?.publicKeyPem ??
    publicKeyPem;
  const proven = [];
  for (const event of events) {
    const leaf = await leafOfEvent(readStore, event.eventId, event.globalPosition);
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
    format: heads === null ? EVIDENCE_BUNDLE_FORMAT : EVIDENCE_BUNDLE_FORMAT_V2,
    agreementId,
    exportedAt: (options.clock ?? (() => new Date()))().toISOString(),
    streams: streams.map((stream) => ({
      streamId: stream.streamId,
      version: stream.events.at(-1)?.streamVersion ?? 0,
    })),
    checkpoint,
    publicKey: {
      algorithm: 'Ed25519',
      keyId: publicKeyFingerprint(signerPem),
      publicKeyPem: signerPem,
    },
    events: proven,
    ...(heads !== null && {
      streamHeads: streams.map((stream) => streamHeadProof(heads, stream.streamId)),
    }),
  };
}

/**
 * The stream-head table a v2 checkpoint signed, recomputed from the hash chain; null for a v1
 * checkpoint (signed before stream heads existed), whose bundle stays v1.
 */
async function headsOf(
  readStore: SqlExecutor,
  checkpoint: SignedCheckpoint,
): Promise<StreamHeadsTree | null> {
  if (checkpoint.streamHeadsRoot === undefined) return null;
  const tree = new StreamHeadsTree(await streamHeadsAt(readStore, checkpoint.treeSize));
  if (streamHeadsRoot(tree.heads).toString('hex') !== checkpoint.streamHeadsRoot)
    // The hash chain is being rebuilt, or was tampered with: `verify` tells which.
    throw new BundleUnavailableError(
      'not-yet-checkpointed',
      `the hash chain does not give the stream heads the latest checkpoint (${checkpoint.treeSize} events) signed: ask again shortly, or run verify`,
    );
  return tree;
}

/** The stream's signed head with its audit path; for a stream without one, its two neighbours. */
function streamHeadProof(tree: StreamHeadsTree, streamId: string): StreamHeadProofJson {
  const { found, index } = tree.locate(streamId);
  const proof = (at: number) => {
    const { head, auditPath } = tree.proofAt(at);
    return { entry: head, index: at, auditPath };
  };
  if (found) return { streamId, head: proof(index) };
  return {
    streamId,
    head: null,
    below: index > 0 ? proof(index - 1) : null,
    above: index < tree.size ? proof(index) : null,
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
