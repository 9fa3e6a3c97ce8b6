import type { EventStore, RecordedEvent } from '../eventstore/eventStore';
import type { SqlExecutor } from '../readstore/readStore';
import { hashedTreeSize, leafOfEvent, leavesFrom, type LeafRow } from './auditLog';
import type { SignedCheckpoint } from './checkpoint';
import { checkpointsAfter } from './checkpointStore';
import { CHAIN_START, chainHash, eventLeafHash } from './eventLeaf';
import { MerkleFrontier } from './merkleFrontier';
import { verifyCheckpointSignature } from './merkleVerify';
import {
  fingerprintOf,
  keyHistory,
  keyValidAt,
  publicKeysIn,
  type AdoptedKey,
} from './signingKeys';
import { sortByStreamId, streamHeadsRoot, type StreamHead } from './streamHeads';

/**
 * What tampering looks like from the log, at the first position that fails:
 * - `changed`: the event at this position is the one the chain holds, but its content, metadata
 *   or envelope differ from what was hashed;
 * - `missing`: the event the chain holds at this position is no longer in the log;
 * - `inserted`: the log holds an event here that was never hashed;
 * - `reordered`: the log holds here an event that was hashed at another position;
 * - `chain-altered`: the events match their leaves but the stored chain does not (its table was edited);
 * - `checkpoint-mismatch`: the log recomputed gives another root or chain than a signed checkpoint
 *   (the hash chain's tables were rewritten along with the events, or a checkpoint was forged);
 * - `bad-signature`: a checkpoint's signature does not verify, or it is signed by a key that was
 *   not the valid one where it ends (retired, or never adopted in the log: src/audit/signingKeys.ts),
 *   or only by keys the auditor did not pin and no later pinned-key checkpoint vouches for.
 */
export type TamperKind =
  | 'changed'
  | 'missing'
  | 'inserted'
  | 'reordered'
  | 'chain-altered'
  | 'checkpoint-mismatch'
  | 'bad-signature';

export interface VerifyFailure {
  readonly kind: TamperKind;
  /** The global position that fails: for a checkpoint, the first one after the last good checkpoint. */
  readonly position: number;
  readonly leafIndex: number;
  readonly eventId?: string;
  readonly detail: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  /** Events read from the event store and hashed again. */
  readonly eventsChecked: number;
  /** Leaves the hash chain holds. */
  readonly hashedTreeSize: number;
  /** Events the hash chain has not reached yet (its projection lags): checked against nothing. */
  readonly unhashedEvents: number;
  readonly checkpointsChecked: number;
  /** The largest checkpoint that verified, if any. */
  readonly lastGoodCheckpoint: SignedCheckpoint | null;
  /** False when no public key was given: roots and chains are compared, signatures are not. */
  readonly signaturesChecked: boolean;
  readonly failure: VerifyFailure | null;
}

export interface VerifyProgress {
  readonly position: number;
  readonly head: number;
  readonly eventsChecked: number;
}

export interface VerifyOptions {
  readonly store: EventStore;
  /** The read store holding the hash chain and the signed checkpoints. */
  readonly readStore: SqlExecutor;
  /**
   * SPKI PEM of the key(s) the auditor pins (a text may hold several); the log's key history says
   * which was valid where. Signatures go unchecked without it.
   */
  readonly publicKeyPem?: string;
  readonly batchSize?: number;
  readonly onProgress?: (progress: VerifyProgress) => void;
  readonly signal?: AbortSignal;
}

/**
 * Recomputes every leaf, the hash chain and the Merkle roots from the event store, in log order,
 * and compares them with the stored chain and every signed checkpoint; stops at the first failure.
 * Trusts neither table: they are only what it compares with. One batch of events in memory.
 */
export async function verifyLog(options: VerifyOptions): Promise<VerifyReport> {
  const { store, readStore, publicKeyPem } = options;
  const batchSize = options.batchSize ?? 1_000;
  const storedSize = await hashedTreeSize(readStore);
  const head = await store.headPosition();
  const frontier = new MerkleFrontier();
  let chain = CHAIN_START;
  // Each stream's last event so far: what a v2 checkpoint's stream-head root is compared with.
  const heads = new Map<string, StreamHead>();
  let index = 0;
  let after = 0;
  let checkpointsChecked = 0;
  let lastGood: SignedCheckpoint | null = null;
  let leaves: LeafRow[] = [];
  let checkpoints: SignedCheckpoint[] = await checkpointsAfter(readStore, 0, 100);
  // Keys: the auditor pins some (the configured one by default); the log says which was valid
  // where (src/audit/signingKeys.ts). A key only the log names is trusted once a later
  // checkpoint signed by a pinned key covers it: until then, `unvouched` says where it began.
  const pinned = publicKeyPem === undefined ? null : pinnedKeys(publicKeyPem);
  const history = pinned === null ? [] : await keyHistory(store, { lenient: true });
  let unvouched: { failure: VerifyFailure } | null = null;
  const report = (failure: VerifyFailure | null): VerifyReport => ({
    ok: failure === null,
    eventsChecked: index,
    hashedTreeSize: storedSize,
    unhashedEvents: Math.max(0, index - storedSize),
    checkpointsChecked,
    lastGoodCheckpoint: lastGood,
    signaturesChecked: publicKeyPem !== undefined,
    failure,
  });
  // The first event no good checkpoint covers: where a checkpoint that fails points.
  let firstUncheckpointed: number | null = null;
  for (;;) {
    options.signal?.throwIfAborted();
    const events = await store.readAll({ after, maxCount: batchSize });
    if (events.length === 0) break;
    if (index < storedSize) leaves = await leavesFrom(readStore, index, events.length);
    for (const [offset, event] of events.entries()) {
      firstUncheckpointed ??= event.globalPosition;
      const leaf = eventLeafHash(event);
      chain = chainHash(chain, leaf);
      frontier.push(leaf);
      const stored = leaves[offset] ?? null;
      if (index < storedSize) {
        if (stored === null || stored.leafIndex !== index)
          return report({
            kind: 'chain-altered',
            position: event.globalPosition,
            leafIndex: index,
            eventId: event.eventId,
            detail: `the hash chain has no leaf ${index} although it holds ${storedSize}: its table was edited`,
          });
        if (
          stored.eventId !== event.eventId ||
          stored.globalPosition !== event.globalPosition ||
          stored.leafHash !== leaf.toString('hex')
        )
          return report(await classify({ store, readStore, event, stored, index }));
        if (stored.chainHash !== chain.toString('hex'))
          return report({
            kind: 'chain-altered',
            position: event.globalPosition,
            leafIndex: index,
            eventId: event.eventId,
            detail: `the event matches its leaf, but the stored chain hash after it is ${stored.chainHash}, not ${chain.toString('hex')}`,
          });
      }
      heads.set(event.streamId, {
        streamId: event.streamId,
        streamVersion: event.streamVersion,
        globalPosition: event.globalPosition,
        leafIndex: index,
      });
      index += 1;
      while (checkpoints[0] !== undefined && checkpoints[0].treeSize <= index) {
        const checkpoint = checkpoints.shift()!;
        const where = {
          position: firstUncheckpointed ?? event.globalPosition,
          leafIndex: lastGood?.treeSize ?? 0,
        };
        const signer =
          pinned === null ? null : checkSigner(checkpoint, event.globalPosition, history, pinned);
        if (signer?.failure) return report({ ...signer.failure, ...where });
        const failure = checkCheckpoint(checkpoint, index, { root: frontier.root(), chain, heads });
        if (failure !== null) return report({ ...failure, ...where });
        if (signer?.pinned === true) unvouched = null;
        else if (signer !== null)
          unvouched ??= {
            failure: {
              kind: 'bad-signature',
              ...where,
              detail: `the checkpoints from tree size ${checkpoint.treeSize} on are signed by key ${checkpoint.keyId}, which the log adopted but you did not pin, and no later checkpoint signed by a pinned key covers them: pin that key (GET /audit/public-key lists every key) if you trust it`,
            },
          };
        checkpointsChecked += 1;
        lastGood = checkpoint;
        firstUncheckpointed = null;
        if (checkpoints.length === 0)
          checkpoints = await checkpointsAfter(readStore, checkpoint.treeSize, 100);
      }
    }
    after = events[events.length - 1]!.globalPosition;
    options.onProgress?.({ position: after, head: Math.max(head, after), eventsChecked: index });
  }
  if (index < storedSize) {
    const [stored] = await leavesFrom(readStore, index, 1);
    return report({
      kind: 'missing',
      position: stored?.globalPosition ?? after + 1,
      leafIndex: index,
      ...(stored !== undefined && { eventId: stored.eventId }),
      detail: `the log ends after ${index} events, but the hash chain holds ${storedSize}: the events from here on are gone`,
    });
  }
  if (unvouched !== null) return report(unvouched.failure);
  const beyond = checkpoints[0];
  if (beyond !== undefined)
    return report({
      kind: 'missing',
      position: after + 1,
      leafIndex: index,
      detail: `a checkpoint covers ${beyond.treeSize} events, but the log holds ${index}`,
    });
  return report(null);
}

/** Pinned keys by keyId, from a PEM text that may hold several. */
function pinnedKeys(pemText: string): Map<string, string> {
  return new Map(publicKeysIn(pemText).map((pem) => [fingerprintOf(pem), pem]));
}

type CheckFailure = Omit<VerifyFailure, 'position' | 'leafIndex'>;

/**
 * Whether the checkpoint is signed by the key valid where it ends (`lastPosition`) per the log's
 * key history, or, before any key was recorded, by a pinned key; and whether that key is pinned.
 */
function checkSigner(
  checkpoint: SignedCheckpoint,
  lastPosition: number,
  history: readonly AdoptedKey[],
  pinned: ReadonlyMap<string, string>,
): { failure: CheckFailure | null; pinned: boolean } {
  const { treeSize, keyId } = checkpoint;
  const bad = (detail: string) => ({
    failure: { kind: 'bad-signature' as const, detail },
    pinned: false,
  });
  const expected = keyValidAt(history, lastPosition);
  if (expected !== null && keyId !== expected.keyId)
    return bad(
      history.some((key) => key.keyId === keyId)
        ? `the checkpoint of tree size ${treeSize} is signed by key ${keyId}, which was not valid there: key ${expected.keyId} was (adopted at position ${expected.globalPosition})`
        : `the checkpoint of tree size ${treeSize} names signing key ${keyId}, which the log never adopted: an unknown key (key ${expected.keyId} was valid there)`,
    );
  const publicKeyPem = expected?.publicKeyPem ?? pinned.get(keyId);
  if (publicKeyPem === undefined)
    return bad(
      `the checkpoint of tree size ${treeSize} names signing key ${keyId}, which is none of the pinned keys and the log records no key`,
    );
  if (!verifyCheckpointSignature(checkpoint, publicKeyPem))
    return bad(
      `the checkpoint of tree size ${treeSize} is not signed by the public key ${expected?.keyId ?? keyId}`,
    );
  return { failure: null, pinned: pinned.has(keyId) };
}

function checkCheckpoint(
  checkpoint: SignedCheckpoint,
  index: number,
  log: { root: Buffer; chain: Buffer; heads: ReadonlyMap<string, StreamHead> },
): CheckFailure | null {
  const { root, chain } = log;
  if (checkpoint.treeSize !== index)
    return { kind: 'checkpoint-mismatch', detail: 'checkpoints out of order' };
  if (
    checkpoint.rootHash !== root.toString('hex') ||
    checkpoint.chainHash !== chain.toString('hex')
  )
    return {
      kind: 'checkpoint-mismatch',
      detail: `the signed checkpoint of tree size ${checkpoint.treeSize} has root ${checkpoint.rootHash} and chain ${checkpoint.chainHash}; the log gives ${root.toString('hex')} and ${chain.toString('hex')}: an event after the last good checkpoint was altered`,
    };
  if (checkpoint.streamHeadsRoot !== undefined) {
    // O(streams) per v2 checkpoint: the price of proving every stream's end in a bundle.
    const sorted = sortByStreamId(log.heads.values());
    const headsRoot = streamHeadsRoot(sorted).toString('hex');
    if (checkpoint.streamHeadsRoot !== headsRoot || checkpoint.streamHeadsSize !== sorted.length)
      return {
        kind: 'checkpoint-mismatch',
        detail: `the signed checkpoint of tree size ${checkpoint.treeSize} commits to ${checkpoint.streamHeadsSize} stream heads with root ${checkpoint.streamHeadsRoot}; the log gives ${sorted.length} with root ${headsRoot}`,
      };
  }
  return null;
}

/** Tells apart a changed, a missing, an inserted and a moved event at the first mismatch. */
async function classify(input: {
  store: EventStore;
  readStore: SqlExecutor;
  event: RecordedEvent;
  stored: LeafRow;
  index: number;
}): Promise<VerifyFailure> {
  const { store, readStore, event, stored, index } = input;
  const base = { leafIndex: index, eventId: event.eventId };
  if (stored.eventId === event.eventId)
    return {
      ...base,
      kind: 'changed',
      position: event.globalPosition,
      detail:
        stored.globalPosition === event.globalPosition
          ? `event ${event.eventId} is not what was hashed: its data, metadata or envelope changed`
          : `event ${event.eventId} was hashed at position ${stored.globalPosition} and is now at ${event.globalPosition}`,
    };
  if (!(await logHolds(store, stored.eventId, event.globalPosition - 1)))
    return {
      kind: 'missing',
      position: stored.globalPosition,
      leafIndex: index,
      eventId: stored.eventId,
      detail: `event ${stored.eventId}, hashed at position ${stored.globalPosition}, is no longer in the log`,
    };
  const hashed = await leafOfEvent(readStore, event.eventId);
  if (hashed === null)
    return {
      ...base,
      kind: 'inserted',
      position: event.globalPosition,
      detail: `event ${event.eventId} at position ${event.globalPosition} was never hashed: it was inserted`,
    };
  return {
    ...base,
    kind: 'reordered',
    position: event.globalPosition,
    detail: `event ${event.eventId} was hashed at position ${hashed.globalPosition}; position ${event.globalPosition} held ${stored.eventId}`,
  };
}

/** Whether the log still holds the event after `after` (a scan: only once, on a failure). */
async function logHolds(store: EventStore, eventId: string, after: number): Promise<boolean> {
  for (let position = after; ;) {
    const events = await store.readAll({ after: position, maxCount: 1_000 });
    if (events.length === 0) return false;
    if (events.some((event) => event.eventId === eventId)) return true;
    position = events[events.length - 1]!.globalPosition;
  }
}
