import type { Logger } from 'pino';
import type { EventStore } from '../eventstore/eventStore';
import type { ReadStore } from '../readstore/readStore';
import { hashedTreeSize, leafAt, withStoredNodes } from './auditLog';
import { signCheckpoint, type SignedCheckpoint } from './checkpoint';
import { latestCheckpoint, saveCheckpoint } from './checkpointStore';
import { treeHead } from './merkleTree';
import type { SigningKey } from './signingKey';
import { adoptSigningKey, keyHistory, keyValidAt } from './signingKeys';
import { streamHeadsAt, streamHeadsRootYielding } from './streamHeads';

export interface CheckpointPolicy {
  /** Sign once this many events have been hashed since the last checkpoint... */
  readonly everyEvents: number;
  /** ...or once this long has passed since it, if anything new was hashed. */
  readonly everyMs: number;
}

export interface CheckpointSigner {
  /** Signs the hash chain as it stands if the policy says it is time; answers what it signed. */
  tick(): Promise<SignedCheckpoint | null>;
  close(): Promise<void>;
}

/**
 * Signs checkpoints of the hash chain (projections/hashChain.ts) with the configured key, in the
 * worker processes. Every worker may sign: two checkpoints of one size are one row (the second is
 * dropped), two of different sizes are both valid, so no lease is needed. Asks every `pollMs`
 * (a second by default): cheap, two indexed reads when there is nothing to sign.
 */
export function startCheckpointSigner(input: {
  /** Where the signing key is recorded (src/audit/signingKeys.ts) before it signs. */
  store: EventStore;
  readStore: ReadStore;
  key: SigningKey;
  policy: CheckpointPolicy;
  logger: Logger;
  pollMs?: number;
  clock?: () => Date;
}): CheckpointSigner {
  const { readStore, key, policy, logger } = input;
  const clock = input.clock ?? (() => new Date());
  let adoption: 'current' | 'adopted' | 'retired' | null = null;
  const tick = async (): Promise<SignedCheckpoint | null> => {
    if (adoption === null) {
      adoption = await adoptSigningKey(input.store, key, clock);
      if (adoption === 'retired')
        logger.error(
          { keyId: key.keyId },
          'the configured signing key was replaced by a newer one in the log: it signs nothing more; configure the current key, or a new one',
        );
      else if (adoption === 'adopted')
        logger.info({ keyId: key.keyId }, 'recorded the checkpoint signing key in the log');
    }
    if (adoption === 'retired') return null;
    const treeSize = await hashedTreeSize(readStore);
    const last = await latestCheckpoint(readStore);
    const lastSize = last?.treeSize ?? 0;
    if (treeSize <= lastSize) return null;
    const now = clock();
    const due =
      treeSize - lastSize >= policy.everyEvents ||
      last === null ||
      now.getTime() - Date.parse(last.timestamp) >= policy.everyMs;
    if (!due) return null;
    // Subtrees and leaves below treeSize never change once written: no snapshot is needed.
    const rootHash = await withStoredNodes(readStore, (node) => treeHead(treeSize, node));
    const lastLeaf = await leafAt(readStore, treeSize - 1);
    if (lastLeaf === null) return null;
    // Only the key valid at this size signs it: just after a rotation, the sizes before the new
    // key's adoption are the old key's, and wait for a checkpoint that covers the adoption.
    const valid = keyValidAt(await keyHistory(input.store), lastLeaf.globalPosition);
    if (valid?.keyId !== key.keyId) return null;
    // Both yield to the event loop every few thousand streams: the signer shares its process
    // with the API, and a log of many streams must not stall the requests in flight.
    const heads = await streamHeadsAt(readStore, treeSize);
    const headsRoot = await streamHeadsRootYielding(heads);
    // A rebuild of the hash chain empties its tables: heads read meanwhile would be partial.
    if ((await hashedTreeSize(readStore)) < treeSize) return null;
    const checkpoint = signCheckpoint(
      {
        treeSize,
        rootHash: rootHash.toString('hex'),
        chainHash: lastLeaf.chainHash,
        timestamp: now.toISOString(),
        streamHeadsRoot: headsRoot.toString('hex'),
        streamHeadsSize: heads.length,
      },
      key,
    );
    await saveCheckpoint(readStore, checkpoint);
    logger.debug({ treeSize, rootHash: checkpoint.rootHash }, 'signed a checkpoint');
    return checkpoint;
  };
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick()
        .catch((error: unknown) => logger.warn({ err: error }, 'cannot sign a checkpoint'))
        .finally(schedule);
    }, input.pollMs ?? 1_000);
    timer.unref();
  };
  schedule();
  return {
    tick,
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
