import type { Logger } from 'pino';
import { z } from 'zod';
import type { EventStore } from '../eventstore/eventStore';
import { defineRoute, type AnyRoute } from '../http/api/route';
import { HttpProblemError, problemType } from '../http/problemDetails';
import type { ReadStore } from '../readstore/readStore';
import { MerkleNodeMissingError, hashedTreeSize, leafOfEvent, withStoredNodes } from './auditLog';
import type { SignedCheckpoint } from './checkpoint';
import { checkpointOfSize, latestCheckpoint } from './checkpointStore';
import { eventLeafEntry } from './eventLeaf';
import { BundleUnavailableError, exportBundle } from './evidenceBundle';
import { consistencyProof, inclusionPath, treeHead } from './merkleTree';
import type { SigningKey } from './signingKey';
import { keyHistory, validityOf } from './signingKeys';
import { VerificationJobs, VerificationRunningError } from './verificationJobs';

const TAGS = ['Audit'];
const READERS = ['auditor', 'admin'] as const;
const UNAUTHENTICATED = { description: 'No valid, unrevoked API key' };
const FORBIDDEN = { description: 'The key is neither an auditor nor an admin key' };
const hash = z.string().describe('SHA-256, lowercase hex');

const checkpointSchema = z
  .object({
    treeSize: z.number().int().describe('The first treeSize events of the global log'),
    rootHash: hash.describe('MTH (RFC 9162) of their leaves'),
    chainHash: hash.describe('The hash chain after the last of them'),
    timestamp: z.string().describe('When it was signed'),
    keyId: hash.describe('SHA-256 of the signing key’s SPKI DER'),
    signature: z
      .string()
      .describe('Base64 Ed25519 signature; README “Tamper evidence” gives the signed bytes'),
  })
  .meta({ id: 'SignedCheckpoint' });

const failureSchema = z.object({
  kind: z.enum([
    'changed',
    'missing',
    'inserted',
    'reordered',
    'chain-altered',
    'checkpoint-mismatch',
    'bad-signature',
  ]),
  position: z.number().int(),
  leafIndex: z.number().int(),
  eventId: z.string().optional(),
  detail: z.string(),
});

const verifyReportSchema = z
  .object({
    ok: z.boolean(),
    eventsChecked: z.number().int(),
    hashedTreeSize: z.number().int(),
    unhashedEvents: z.number().int(),
    checkpointsChecked: z.number().int(),
    lastGoodCheckpoint: checkpointSchema.nullable(),
    signaturesChecked: z.boolean(),
    failure: failureSchema.nullable(),
  })
  .meta({ id: 'VerifyReport' });

const verificationJobSchema = z
  .object({
    id: z.string(),
    state: z
      .enum(['running', 'completed', 'failed'])
      .describe('completed: ran to its end (report.ok says whether the log is intact)'),
    position: z.number().int().describe('The global position of the last event checked'),
    head: z.number().int().nullable().describe('The head of the log when last asked'),
    eventsChecked: z.number().int(),
    eventsPerSecond: z.number(),
    etaSeconds: z.number().nullable(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    report: verifyReportSchema.nullable(),
    error: z.string().nullable().describe('Why it could not run to its end'),
  })
  .meta({ id: 'VerificationJob' });

const VERIFICATIONS = '/audit/verifications';

const size = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * Tamper evidence over HTTP: the public key (public), proofs that an event is in a signed
 * checkpoint and that one checkpoint extends another (RFC 9162), and a full verification of the
 * log against the hash chain and the checkpoints (auditors and admins).
 */
export function auditRoutes(deps: {
  readonly store: EventStore;
  readStore: ReadStore;
  /** Null when the service has no signing key (README: Tamper evidence). */
  readonly signingKey: SigningKey | null;
  readonly logger?: Logger;
}): AnyRoute[] {
  const { store, readStore, signingKey } = deps;
  const verifications = new VerificationJobs({
    store,
    readStore,
    publicKeyPem: signingKey?.publicKeyPem ?? null,
    ...(deps.logger !== undefined && { logger: deps.logger }),
  });
  return [
    defineRoute({
      method: 'get',
      path: '/audit/public-key',
      operationId: 'getAuditPublicKey',
      summary: 'The public key checkpoints are signed with, and every key that ever signed',
      description:
        'The Ed25519 key (SPKI PEM) whose signatures make the log’s checkpoints evidence, and in `keys` every key recorded in the log (stream `signing-keys`) with the positions it is valid for: a checkpoint is signed by the key valid at its last event. Keep copies obtained independently of this service: a proof checked against a key the same server hands out proves nothing about that server.',
      tags: TAGS,
      access: 'public',
      responses: {
        200: {
          description: 'The key',
          schema: z.object({
            algorithm: z.literal('Ed25519'),
            keyId: hash,
            publicKeyPem: z.string(),
            keys: z.array(
              z.object({
                algorithm: z.literal('Ed25519'),
                keyId: hash,
                publicKeyPem: z.string(),
                adoptedAt: z.string(),
                adoptedAtPosition: z.number().int(),
                validFromPosition: z
                  .number()
                  .int()
                  .describe('Checkpoints whose last event is at or after this position…'),
                validUntilPosition: z
                  .number()
                  .int()
                  .nullable()
                  .describe('…and at or before this one (null: the current key)'),
              }),
            ),
          }),
        },
        503: { description: 'The service has no signing key configured' },
      },
      handler: async ({ res }) => {
        if (signingKey === null) throw noSigningKey();
        const keys = validityOf(await keyHistory(store)).map(
          ({ key, fromPosition, untilPosition }) => ({
            algorithm: 'Ed25519',
            keyId: key.keyId,
            publicKeyPem: key.publicKeyPem,
            adoptedAt: key.adoptedAt,
            adoptedAtPosition: key.globalPosition,
            validFromPosition: fromPosition,
            validUntilPosition: untilPosition,
          }),
        );
        res.json({
          algorithm: 'Ed25519',
          keyId: signingKey.keyId,
          publicKeyPem: signingKey.publicKeyPem,
          keys,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit/checkpoints/latest',
      operationId: 'getLatestCheckpoint',
      summary: 'The latest signed checkpoint',
      tags: TAGS,
      access: [...READERS],
      responses: {
        200: { description: 'The checkpoint', schema: checkpointSchema },
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        404: { description: 'Nothing has been signed yet' },
      },
      handler: async ({ res }) => {
        const checkpoint = await latestCheckpoint(readStore);
        if (checkpoint === null) throw notFound('no-checkpoint', 'Nothing has been signed yet.');
        res.json(checkpoint);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit/proofs/inclusion',
      operationId: 'getInclusionProof',
      summary: 'Proof that an event is covered by a signed checkpoint',
      description:
        'The event’s leaf (the exact bytes hashed, as `entry`), its audit path (RFC 9162 §2.1.3) and the signed checkpoint it leads to: `src/audit/merkleVerify.ts` checks it offline. Without `treeSize`, against the latest checkpoint.',
      tags: TAGS,
      access: [...READERS],
      query: z.object({
        eventId: z.string().min(1),
        treeSize: size.optional().describe('The size of a signed checkpoint'),
      }),
      responses: {
        200: {
          description: 'The proof',
          schema: z.object({
            eventId: z.string(),
            globalPosition: z.number().int(),
            leafIndex: z.number().int(),
            treeSize: z.number().int(),
            entry: z.string().describe('The leaf bytes (UTF-8): the event’s canonical JSON'),
            leafHash: hash.describe('SHA-256(0x00 || entry)'),
            auditPath: z.array(hash),
            checkpoint: checkpointSchema,
          }),
        },
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        404: { description: 'No such event hashed yet, or no checkpoint of that size' },
        409: { description: 'No signed checkpoint covers the event yet: ask again shortly' },
      },
      handler: async ({ query, res }) => {
        const leaf = await leafOfEvent(readStore, query.eventId);
        if (leaf === null)
          throw notFound(
            'event-not-hashed',
            `No event ${query.eventId} is in the hash chain (yet).`,
          );
        const checkpoint = await checkpointFor(readStore, query.treeSize);
        if (checkpoint.treeSize <= leaf.leafIndex)
          throw new HttpProblemError({
            type: problemType('not-yet-checkpointed'),
            title: 'No signed checkpoint covers the event yet',
            status: 409,
            detail: `Event ${query.eventId} is leaf ${leaf.leafIndex}; the checkpoint covers ${checkpoint.treeSize} leaves.`,
          });
        const [event] = await store.readAll({ after: leaf.globalPosition - 1, maxCount: 1 });
        if (event?.eventId !== query.eventId)
          throw notFound(
            'event-not-found',
            `The log no longer holds event ${query.eventId} at ${leaf.globalPosition}.`,
          );
        const auditPath = await whileNotRebuilt(() =>
          withStoredNodes(readStore, (node) =>
            inclusionPath(leaf.leafIndex, checkpoint.treeSize, node),
          ),
        );
        res.json({
          eventId: leaf.eventId,
          globalPosition: leaf.globalPosition,
          leafIndex: leaf.leafIndex,
          treeSize: checkpoint.treeSize,
          entry: eventLeafEntry(event),
          leafHash: leaf.leafHash,
          auditPath: auditPath.map((node) => node.toString('hex')),
          checkpoint,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit/proofs/consistency',
      operationId: 'getConsistencyProof',
      summary: 'Proof that the log of `to` events extends the log of `from` events',
      description:
        'RFC 9162 §2.1.4: nothing among the first `from` events was changed, removed or reordered by the time the log held `to`. The signed checkpoints of those sizes come along when they exist.',
      tags: TAGS,
      access: [...READERS],
      query: z.object({ from: size, to: size }),
      responses: {
        200: {
          description: 'The proof',
          schema: z.object({
            from: z.number().int(),
            to: z.number().int(),
            fromRoot: hash,
            toRoot: hash,
            proof: z.array(hash),
            fromCheckpoint: checkpointSchema.nullable(),
            toCheckpoint: checkpointSchema.nullable(),
          }),
        },
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        422: { description: '`from` is larger than `to`, or `to` than the hashed log' },
      },
      handler: async ({ query, res }) => {
        const { from, to } = query;
        const hashed = await hashedTreeSize(readStore);
        if (from > to || to > hashed)
          throw new HttpProblemError({
            type: problemType('bad-tree-sizes'),
            title: 'No such trees',
            status: 422,
            detail: `Expected 0 <= from <= to <= ${hashed} (the events hashed so far), got from=${from}, to=${to}.`,
            errors: [
              ...(from > to
                ? [{ detail: `must be at most to (${to})`, pointer: '/query/from' }]
                : []),
              ...(to > hashed
                ? [
                    {
                      detail: `must be at most ${hashed}, the events hashed so far`,
                      pointer: '/query/to',
                    },
                  ]
                : []),
            ],
          });
        const { proof, fromRoot, toRoot } = await whileNotRebuilt(() =>
          withStoredNodes(readStore, (node) => ({
            proof: consistencyProof(from, to, node),
            fromRoot: treeHead(from, node),
            toRoot: treeHead(to, node),
          })),
        );
        res.json({
          from,
          to,
          fromRoot: fromRoot.toString('hex'),
          toRoot: toRoot.toString('hex'),
          proof: proof.map((node) => node.toString('hex')),
          fromCheckpoint: await checkpointOfSize(readStore, from),
          toCheckpoint: await checkpointOfSize(readStore, to),
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit/bundles/agreements/:agreementId',
      operationId: 'getEvidenceBundle',
      summary: 'The evidence bundle of one agreement, for an auditor to check offline',
      description:
        'One JSON document (format `obligations.evidence-bundle.v2`; `v1` while the latest checkpoint predates stream heads): every event of the agreement’s stream and of the product streams its terms license as the latest signed checkpoint saw them, each with its full envelope (exactly the leaf’s input), its leaf index and its audit path to that checkpoint; each stream’s head as the checkpoint signed it, with its proof; that checkpoint and the public key with its fingerprint. `npm run cli -- verify-bundle <file> --public-key <file>` checks it without the server (README “Tamper evidence”).',
      tags: TAGS,
      access: [...READERS],
      params: z.object({ agreementId: z.string().min(1) }),
      responses: {
        200: { description: 'The bundle', schema: z.object({ format: z.string() }).loose() },
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        404: { description: 'No such agreement, or nothing signed yet' },
        409: {
          description:
            'The latest signed checkpoint does not cover the agreement yet (or, while it is a v1 checkpoint, its newest events)',
        },
        503: { description: 'The service has no signing key configured' },
      },
      handler: async ({ params, res }) => {
        try {
          const bundle = await exportBundle({
            store,
            readStore,
            agreementId: params.agreementId,
            publicKeyPem: signingKey?.publicKeyPem ?? null,
          });
          res
            .setHeader('Cache-Control', 'no-store')
            .setHeader(
              'Content-Disposition',
              `attachment; filename="evidence-${params.agreementId.replace(/[^A-Za-z0-9._-]/g, '_')}.json"`,
            )
            .json(bundle);
        } catch (error) {
          if (error instanceof MerkleNodeMissingError) throw hashChainRebuilding();
          if (!(error instanceof BundleUnavailableError)) throw error;
          if (error.reason === 'no-key') throw noSigningKey();
          if (error.reason === 'not-yet-checkpointed')
            throw new HttpProblemError({
              type: problemType('not-yet-checkpointed'),
              title: 'No signed checkpoint covers the agreement’s events yet',
              status: 409,
              detail: error.message,
            });
          throw notFound(error.reason, error.message);
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/audit/verify',
      operationId: 'verifyLog',
      summary: 'Start verifying the whole log against its hash chain and signed checkpoints',
      description:
        'Starts a job that reads every event from the event store, hashes it again, and compares with the stored hash chain and every signed checkpoint (signatures included); answers 202 at once with the job, which `Location` names (`/audit/verifications/{id}`): follow its position, head and rate there, and read its report (the first position that fails and why: changed, missing, inserted, reordered, ...) when it has completed. One at a time per process; jobs live in this process’s memory. `npm run cli -- verify` does the same synchronously.',
      tags: TAGS,
      access: [...READERS],
      responses: {
        202: {
          description: 'Started; `Location` names the job',
          schema: verificationJobSchema,
          headers: { Location: 'The job: /audit/verifications/{id}' },
        },
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        409: { description: 'A verification is running already; `Location` names it' },
      },
      handler: ({ res }) => {
        try {
          const job = verifications.start();
          res
            .status(202)
            .location(`${VERIFICATIONS}/${job.id}`)
            .setHeader('Cache-Control', 'no-store')
            .json(job);
        } catch (error) {
          if (!(error instanceof VerificationRunningError)) throw error;
          throw new HttpProblemError(
            {
              type: problemType('verification-running'),
              title: 'A verification is running already',
              status: 409,
              detail: `${error.message}; follow it at ${VERIFICATIONS}/${error.jobId}.`,
              job: `${VERIFICATIONS}/${error.jobId}`,
            },
            { Location: `${VERIFICATIONS}/${error.jobId}` },
          );
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: `${VERIFICATIONS}/:id`,
      operationId: 'getVerification',
      summary: 'Follow a verification of the log',
      description:
        'Where it stands (position and head, events checked, events per second, time left) and, once completed, its report: `report.ok` false names the first position that fails. `failed` means it could not run to its end (a store unreachable), not that the log is altered. Known only to the process that runs it, until it restarts.',
      tags: TAGS,
      access: [...READERS],
      params: z.object({ id: z.string() }),
      responses: {
        200: { description: 'The job', schema: verificationJobSchema },
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
        404: { description: 'This process knows no such verification' },
      },
      handler: ({ params, res }) => {
        const job = verifications.get(params.id);
        if (job === undefined)
          throw notFound(
            'verification-not-found',
            `This process knows no verification ${params.id}: jobs live in the memory of the process that runs them, until it restarts.`,
          );
        res.setHeader('Cache-Control', 'no-store').json(job);
      },
    }),
  ];
}

async function checkpointFor(
  readStore: ReadStore,
  treeSize: number | undefined,
): Promise<SignedCheckpoint> {
  const checkpoint =
    treeSize === undefined
      ? await latestCheckpoint(readStore)
      : await checkpointOfSize(readStore, treeSize);
  if (checkpoint === null)
    throw notFound(
      'no-checkpoint',
      treeSize === undefined
        ? 'Nothing has been signed yet.'
        : `No checkpoint of tree size ${treeSize} was signed.`,
    );
  return checkpoint;
}

function notFound(code: string, detail: string): HttpProblemError {
  return new HttpProblemError({ type: problemType(code), title: 'Not found', status: 404, detail });
}

/** A proof computed while a rebuild empties and refills the hash chain: 503, retry in a moment. */
async function whileNotRebuilt<T>(compute: () => Promise<T>): Promise<T> {
  try {
    return await compute();
  } catch (error) {
    if (error instanceof MerkleNodeMissingError) throw hashChainRebuilding();
    throw error;
  }
}

function hashChainRebuilding(): HttpProblemError {
  return new HttpProblemError(
    {
      type: problemType('read-model-rebuilding'),
      title: 'The hash chain is being rebuilt',
      status: 503,
      detail: 'The hash chain changed while the proof was computed (a rebuild); retry shortly.',
    },
    { 'Retry-After': '1' },
  );
}

function noSigningKey(): HttpProblemError {
  return new HttpProblemError({
    type: problemType('no-signing-key'),
    title: 'No signing key',
    status: 503,
    detail:
      'This service has no SIGNING_KEY: it signs no checkpoints. Configure one (README: Tamper evidence).',
  });
}
