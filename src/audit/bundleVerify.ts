import { createHash, createPublicKey } from 'node:crypto';
import { z } from 'zod';
import type { AgreementEvent } from '../domain/agreement/agreementEvent';
import { initialState, type AgreementState } from '../domain/agreement/agreementState';
import { evolve } from '../domain/agreement/evolve';
import { formatMoney, type MoneyJson } from '../domain/money';
import { parseEventData } from '../domain/events/parseEventData';
import {
  leafHashOf,
  verifyCheckpointSignature,
  verifyInclusion,
  type SignedCheckpointJson,
} from './merkleVerify';

/**
 * The offline check of an evidence bundle (src/audit/evidenceBundle.ts makes them), for an
 * auditor on another machine: it trusts nothing the server computed. It recomputes each event's
 * leaf from the event itself (its own RFC 8785 serialiser, not the server's), checks each
 * inclusion proof against the checkpoint's root with merkleVerify.ts, the checkpoint's signature
 * with the key the auditor pins, that every stream is there without a gap, in log order, and
 * folds the agreement's proven events with the domain's `evolve` into the payment history they
 * prove. Pure: no I/O. Imports only merkleVerify.ts and src/domain (a test keeps it so).
 */

export const EVIDENCE_BUNDLE_FORMAT = 'obligations.evidence-bundle.v1';
/** v2: the checkpoint commits to every stream's head, and the bundle proves each stream's. */
export const EVIDENCE_BUNDLE_FORMAT_V2 = 'obligations.evidence-bundle.v2';

const hex = z.string().regex(/^[0-9a-f]{64}$/);
const json: z.ZodType<unknown> = z.unknown();

export const bundleEventSchema = z.object({
  eventId: z.string(),
  type: z.string(),
  schemaVersion: z.number().int(),
  streamId: z.string(),
  streamVersion: z.number().int(),
  globalPosition: z.number().int(),
  data: json,
  metadata: z.object({
    occurredAt: z.string(),
    recordedAt: z.string(),
    actor: z.string(),
    source: z.string().optional(),
    correlationId: z.string().optional(),
    causationId: z.string().optional(),
  }),
});

const headProofSchema = z.object({
  entry: z.object({
    streamId: z.string(),
    streamVersion: z.number().int(),
    globalPosition: z.number().int(),
    leafIndex: z.number().int(),
  }),
  /** The entry's index in the sorted stream-head table, and its audit path there. */
  index: z.number().int(),
  auditPath: z.array(hex),
});

/** A stream's signed head; for a stream without one at the checkpoint, its two neighbours. */
const streamHeadProofSchema = z.object({
  streamId: z.string(),
  head: headProofSchema.nullable(),
  below: headProofSchema.nullable().optional(),
  above: headProofSchema.nullable().optional(),
});

export type StreamHeadProofJson = z.infer<typeof streamHeadProofSchema>;
type HeadProofJson = z.infer<typeof headProofSchema>;

export const evidenceBundleSchema = z.object({
  format: z.enum([EVIDENCE_BUNDLE_FORMAT, EVIDENCE_BUNDLE_FORMAT_V2]),
  agreementId: z.string(),
  exportedAt: z.string(),
  /** The agreement's stream and the product streams its terms license, with their versions. */
  streams: z.array(z.object({ streamId: z.string(), version: z.number().int().min(0) })),
  checkpoint: z.object({
    treeSize: z.number().int(),
    rootHash: hex,
    chainHash: hex,
    timestamp: z.string(),
    keyId: hex,
    signature: z.string(),
    streamHeadsRoot: hex.optional(),
    streamHeadsSize: z.number().int().optional(),
  }),
  publicKey: z.object({ algorithm: z.literal('Ed25519'), keyId: hex, publicKeyPem: z.string() }),
  /** In log order: each event's envelope and data (the leaf's input), its leaf and audit path. */
  events: z.array(
    z.object({
      event: bundleEventSchema,
      leafIndex: z.number().int(),
      auditPath: z.array(hex),
    }),
  ),
  /** v2: one per stream of `streams`, proven in the checkpoint's stream heads. */
  streamHeads: z.array(streamHeadProofSchema).optional(),
});

export type EvidenceBundle = z.infer<typeof evidenceBundleSchema>;
export type BundleEvent = z.infer<typeof bundleEventSchema>;

export interface BundleFailure {
  /** The event that fails, when one does. */
  readonly eventId?: string;
  readonly reason: string;
}

export interface PaymentApplicationView {
  readonly eventId: string;
  readonly appliedOn: string | null;
  readonly available: MoneyJson;
  readonly allocations: readonly { readonly obligationId: string; readonly amount: MoneyJson }[];
  readonly unapplied: MoneyJson;
  readonly reversed: boolean;
}

export interface PaymentView {
  readonly eventId: string;
  readonly receivedOn: string;
  readonly amount: MoneyJson;
  readonly payerPartyId: string;
  readonly payeePartyId: string;
  readonly reference: string;
  readonly recordedAt: string;
  readonly globalPosition: number;
  /** The credit the payer has left of it, once the whole stream is folded. */
  readonly creditLeft: MoneyJson | null;
  readonly applications: readonly PaymentApplicationView[];
}

export interface BundleReport {
  readonly ok: boolean;
  readonly agreementId: string | null;
  readonly eventsChecked: number;
  readonly checkpoint: { readonly treeSize: number; readonly rootHash: string } | null;
  /** SHA-256 of the SPKI DER of the key the signature was checked with. */
  readonly keyFingerprint: string | null;
  /** 'pinned': the auditor's own copy; 'bundle': the one the bundle carries (proves nothing). */
  readonly keySource: 'pinned' | 'bundle';
  readonly warnings: readonly string[];
  readonly failures: readonly BundleFailure[];
  /** The payments the proven events record, folded by the domain; null unless ok. */
  readonly payments: readonly PaymentView[] | null;
  /** Credit notes applied (negative obligations), null unless ok. */
  readonly creditNoteApplications: readonly PaymentApplicationView[] | null;
}

/** The bytes of an event's leaf: README "Tamper evidence", written again without the server's code. */
export function bundleLeafEntry(event: BundleEvent): string {
  const { metadata } = event;
  return canonical({
    format: 'obligations.event.v1',
    globalPosition: event.globalPosition,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: {
      occurredAt: metadata.occurredAt,
      recordedAt: metadata.recordedAt,
      actor: metadata.actor,
      ...(metadata.source !== undefined && { source: metadata.source }),
      ...(metadata.correlationId !== undefined && { correlationId: metadata.correlationId }),
      ...(metadata.causationId !== undefined && { causationId: metadata.causationId }),
    },
  });
}

/** SHA-256 of a public key's SPKI DER, hex: the key's fingerprint (the checkpoints' keyId). */
export function publicKeyFingerprint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/**
 * Checks a bundle (parsed JSON) without the server. `publicKeyPem`: the key the auditor obtained
 * out of band; without it the bundle's own key is used, and a warning says it proves nothing.
 */
export function verifyBundle(
  input: unknown,
  options: { publicKeyPem?: string } = {},
): BundleReport {
  const parsed = evidenceBundleSchema.safeParse(input);
  const keySource = options.publicKeyPem === undefined ? 'bundle' : 'pinned';
  if (!parsed.success)
    return {
      ok: false,
      agreementId: null,
      eventsChecked: 0,
      checkpoint: null,
      keyFingerprint: null,
      keySource,
      warnings: [],
      failures: [
        {
          reason: `not an evidence bundle (${EVIDENCE_BUNDLE_FORMAT}): ${parsed.error.issues
            .slice(0, 3)
            .map((issue) => `/${issue.path.join('/')}: ${issue.message}`)
            .join('; ')}`,
        },
      ],
      payments: null,
      creditNoteApplications: null,
    };
  const bundle = parsed.data;
  const failures: BundleFailure[] = [];
  const warnings: string[] = [];
  const { checkpoint } = bundle;

  // The key, and the checkpoint's signature. A pinned file may hold several keys (after a
  // rotation): the one the checkpoint names is used, else the first, which then fails loudly.
  const candidates = publicKeysOf(options.publicKeyPem ?? bundle.publicKey.publicKeyPem);
  const publicKeyPem =
    candidates.find((pem) => fingerprintOrNull(pem) === checkpoint.keyId) ??
    candidates[0] ??
    options.publicKeyPem ??
    bundle.publicKey.publicKeyPem;
  if (options.publicKeyPem === undefined)
    warnings.push(
      'WARNING: the signature was checked with the public key INSIDE the bundle, which whoever made the bundle chose: this proves nothing. Pin the key you obtained out of band: verify-bundle <file> --public-key <file>.',
    );
  let keyFingerprint: string | null = null;
  try {
    keyFingerprint = publicKeyFingerprint(publicKeyPem);
  } catch (error) {
    failures.push({ reason: `the public key cannot be read: ${(error as Error).message}` });
  }
  if (keyFingerprint !== null) {
    if (keyFingerprint !== checkpoint.keyId)
      failures.push({
        reason: `the checkpoint names signing key ${checkpoint.keyId}, not the public key ${keyFingerprint}`,
      });
    let signed = false;
    try {
      signed = verifyCheckpointSignature(checkpoint satisfies SignedCheckpointJson, publicKeyPem);
    } catch {
      signed = false;
    }
    if (!signed)
      failures.push({
        reason: `bad signature: the checkpoint (treeSize ${checkpoint.treeSize}, root ${checkpoint.rootHash}) is not signed by the public key ${keyFingerprint}`,
      });
  }

  // Each event: its leaf recomputed and proven in the checkpoint, in log order.
  let previous: { leafIndex: number; globalPosition: number } | null = null;
  for (const [index, { event, leafIndex, auditPath }] of bundle.events.entries()) {
    const name = `event ${event.eventId} (#${index}, ${event.streamId}@${event.streamVersion}, position ${event.globalPosition})`;
    let leafHash: string | null = null;
    try {
      leafHash = leafHashOf(Buffer.from(bundleLeafEntry(event), 'utf8'));
    } catch (error) {
      failures.push({ eventId: event.eventId, reason: `${name}: ${(error as Error).message}` });
    }
    if (
      leafHash !== null &&
      !verifyInclusion(
        leafHash,
        { leafIndex, treeSize: checkpoint.treeSize, auditPath },
        checkpoint.rootHash,
      )
    )
      failures.push({
        eventId: event.eventId,
        reason: `${name}: not proven in the checkpoint: its recomputed leaf and audit path do not lead to root ${checkpoint.rootHash} at leaf ${leafIndex} (the event, its envelope or its proof was altered)`,
      });
    if (
      previous !== null &&
      (leafIndex <= previous.leafIndex || event.globalPosition <= previous.globalPosition)
    )
      failures.push({
        eventId: event.eventId,
        reason: `${name}: out of log order: leaf ${leafIndex} (position ${event.globalPosition}) comes after leaf ${previous.leafIndex} (position ${previous.globalPosition})`,
      });
    previous = { leafIndex, globalPosition: event.globalPosition };
  }

  // Every stream whole: versions 1..n, nothing dropped, nothing from elsewhere.
  const agreementStream = `agreement-${bundle.agreementId}`;
  const declared = new Map(bundle.streams.map((stream) => [stream.streamId, stream.version]));
  if (!declared.has(agreementStream))
    failures.push({ reason: `the bundle does not list the agreement's stream ${agreementStream}` });
  const versions = new Map<string, number[]>();
  for (const { event } of bundle.events) {
    if (!declared.has(event.streamId))
      failures.push({
        eventId: event.eventId,
        reason: `event ${event.eventId}: its stream ${event.streamId} is not one of the bundle's streams`,
      });
    versions.set(event.streamId, [...(versions.get(event.streamId) ?? []), event.streamVersion]);
  }
  for (const [streamId, version] of declared) {
    const held = [...(versions.get(streamId) ?? [])].sort((a, b) => a - b);
    for (let expected = 1; expected <= version; expected++)
      if (!held.includes(expected))
        failures.push({
          reason: `${streamId}: the event at version ${expected} of ${version} is missing (dropped from the bundle)`,
        });
    const extra = held.filter((v, i) => v > version || v < 1 || held.indexOf(v) !== i);
    if (extra.length > 0)
      failures.push({
        reason: `${streamId}: versions ${extra.join(', ')} are duplicated or beyond the stream's ${version}`,
      });
  }

  // Every stream ends where the checkpoint says it stood (v2), or a warning that it is unproven.
  failures.push(...streamEndFailures(bundle, warnings));
  failures.push(...signingKeyFailures(bundle));

  // The agreement folded, its licensed products' streams required, the payments it proves.
  let state: AgreementState = initialState;
  const agreementEvents: { recorded: BundleEvent; domain: AgreementEvent }[] = [];
  for (const { event } of bundle.events) {
    if (event.streamId !== agreementStream) continue;
    try {
      const domain = {
        eventId: event.eventId,
        ...parseEventData(event.type, event.schemaVersion, event.data),
      } as AgreementEvent;
      agreementEvents.push({ recorded: event, domain });
      state = evolve(state, domain);
    } catch (error) {
      failures.push({
        eventId: event.eventId,
        reason: `event ${event.eventId}: the domain cannot read it: ${(error as Error).message}`,
      });
    }
  }
  const licensed = new Set(
    state.termsHistory.flatMap((version) => version.terms.products.map((p) => p.productId)),
  );
  for (const productId of licensed)
    if (!declared.has(`product-${productId}`))
      failures.push({
        reason: `the terms license product ${productId}, whose stream product-${productId} the bundle leaves out`,
      });

  const ok = failures.length === 0;
  const history = ok ? paymentHistory(state, agreementEvents) : null;
  return {
    ok,
    agreementId: bundle.agreementId,
    eventsChecked: bundle.events.length,
    checkpoint: { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash },
    keyFingerprint,
    keySource,
    warnings,
    failures,
    payments: history?.payments ?? null,
    creditNoteApplications: history?.creditNotes ?? null,
  };
}

/**
 * A v2 checkpoint signs the root of the table of every stream's head (README "Tamper evidence":
 * stream-head entries sorted by the UTF-8 bytes of the stream id). Each stream of the bundle must
 * end at its signed head, proven in that table: then no event at its end was left out, even
 * with the stream list edited to match. A stream with no head (no event yet at the checkpoint)
 * is proven absent by its two neighbours in the sorted table. A v1 checkpoint commits to no heads.
 */
function streamEndFailures(bundle: EvidenceBundle, warnings: string[]): BundleFailure[] {
  const { checkpoint } = bundle;
  const { streamHeadsRoot, streamHeadsSize } = checkpoint;
  if (streamHeadsRoot === undefined || streamHeadsSize === undefined) {
    if (bundle.format === EVIDENCE_BUNDLE_FORMAT_V2 || bundle.streamHeads !== undefined)
      return [
        {
          reason: `the bundle is ${bundle.format} with stream heads, but its checkpoint commits to none (a v1 checkpoint, or its commitment was removed)`,
        },
      ];
    warnings.push(
      'NOTE: this v1 bundle’s checkpoint does not commit to where each stream ends: events after a stream’s last version in the bundle could have been left out unseen.',
    );
    return [];
  }
  const failures: BundleFailure[] = [];
  const proofs = new Map<string, StreamHeadProofJson>();
  for (const proof of bundle.streamHeads ?? []) {
    if (proofs.has(proof.streamId))
      failures.push({ reason: `${proof.streamId}: its stream head is given twice` });
    proofs.set(proof.streamId, proof);
  }
  const proven = (proof: HeadProofJson | null | undefined): boolean =>
    proof !== null &&
    proof !== undefined &&
    verifyInclusion(
      leafHashOf(Buffer.from(streamHeadEntryBytes(proof.entry), 'utf8')),
      { leafIndex: proof.index, treeSize: streamHeadsSize, auditPath: proof.auditPath },
      streamHeadsRoot,
    );
  for (const { streamId, version } of bundle.streams) {
    const proof = proofs.get(streamId);
    if (proof === undefined) {
      failures.push({
        reason: `${streamId}: the bundle has no proof of where the stream ended at the checkpoint (its signed stream head): events at its end may have been left out`,
      });
      continue;
    }
    if (proof.head !== null) {
      const { entry } = proof.head;
      if (entry.streamId !== streamId || !proven(proof.head)) {
        failures.push({
          reason: `${streamId}: its stream head (version ${entry.streamVersion}) is not proven in the checkpoint's stream heads (root ${streamHeadsRoot}): the head or its proof was altered`,
        });
        continue;
      }
      if (entry.streamVersion !== version) {
        failures.push({
          reason: `${streamId}: the signed checkpoint puts the stream's end at version ${entry.streamVersion} (position ${entry.globalPosition}), but the bundle ends it at version ${version}: events at its end were left out and the stream list edited`,
        });
        continue;
      }
      const last = bundle.events.find(
        (e) => e.event.streamId === streamId && e.event.streamVersion === entry.streamVersion,
      );
      if (
        last !== undefined &&
        (last.leafIndex !== entry.leafIndex || last.event.globalPosition !== entry.globalPosition)
      )
        failures.push({
          eventId: last.event.eventId,
          reason: `${streamId}: its last event is at leaf ${last.leafIndex} (position ${last.event.globalPosition}), but the signed stream head puts it at leaf ${entry.leafIndex} (position ${entry.globalPosition})`,
        });
      continue;
    }
    // No head: the stream had no event at the checkpoint, proven by its sorted neighbours.
    const { below = null, above = null } = proof;
    const neighboursProven =
      (below === null || proven(below)) &&
      (above === null || proven(above)) &&
      (below === null
        ? above === null
          ? streamHeadsSize === 0
          : above.index === 0
        : above === null
          ? below.index === streamHeadsSize - 1
          : above.index === below.index + 1) &&
      (below === null || utf8Compare(below.entry.streamId, streamId) < 0) &&
      (above === null || utf8Compare(streamId, above.entry.streamId) < 0);
    if (!neighboursProven)
      failures.push({
        reason: `${streamId}: the bundle says the stream had no event at the checkpoint, but its neighbours in the signed stream heads do not prove it`,
      });
    else if (version !== 0)
      failures.push({
        reason: `${streamId}: the signed checkpoint holds no event of the stream, but the bundle lists it at version ${version}`,
      });
  }
  for (const streamId of proofs.keys())
    if (!bundle.streams.some((stream) => stream.streamId === streamId))
      failures.push({
        reason: `${streamId}: a stream head is given for a stream the bundle does not list`,
      });
  return failures;
}

const SIGNING_KEYS_STREAM = 'signing-keys';

/**
 * Which key was valid when the checkpoint was signed: the last one the log adopted (stream
 * `signing-keys`, in a v2 bundle proven complete by its stream head like any stream). A
 * checkpoint signed by another key, retired or never adopted, fails, whatever key is pinned.
 * Before any key was recorded (no adoption yet), only the pinned key decides.
 */
function signingKeyFailures(bundle: EvidenceBundle): BundleFailure[] {
  const { checkpoint } = bundle;
  if (checkpoint.streamHeadsRoot === undefined) return [];
  if (!bundle.streams.some((stream) => stream.streamId === SIGNING_KEYS_STREAM))
    return [
      {
        reason: `the bundle leaves out the ${SIGNING_KEYS_STREAM} stream: which key was valid when the checkpoint was signed is not proven`,
      },
    ];
  const failures: BundleFailure[] = [];
  const adopted: { keyId: string; globalPosition: number }[] = [];
  for (const { event } of bundle.events) {
    if (event.streamId !== SIGNING_KEYS_STREAM || event.type !== 'CheckpointKeyAdopted') continue;
    const data = event.data as { keyId?: unknown; publicKeyPem?: unknown };
    const keyId = typeof data.keyId === 'string' ? data.keyId : '';
    const named =
      typeof data.publicKeyPem === 'string' ? fingerprintOrNull(data.publicKeyPem) : null;
    if (named === null || named !== keyId) {
      failures.push({
        eventId: event.eventId,
        reason: `event ${event.eventId}: adopts key ${keyId || '(none)'} with a public key whose fingerprint is ${named ?? 'unreadable'}`,
      });
      continue;
    }
    adopted.push({ keyId, globalPosition: event.globalPosition });
  }
  const valid = adopted.at(-1);
  if (valid !== undefined && valid.keyId !== checkpoint.keyId)
    failures.push({
      reason: adopted.some((key) => key.keyId === checkpoint.keyId)
        ? `the checkpoint is signed by key ${checkpoint.keyId}, which was retired: when it was signed the valid key was ${valid.keyId} (adopted at position ${valid.globalPosition})`
        : `the checkpoint is signed by key ${checkpoint.keyId}, which the log never adopted (an unknown key): the valid key was ${valid.keyId} (adopted at position ${valid.globalPosition})`,
    });
  return failures;
}

/** Every public key in a PEM text: an auditor's file may hold several. */
function publicKeysOf(pemText: string): string[] {
  return pemText.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? [];
}

function fingerprintOrNull(publicKeyPem: string): string | null {
  try {
    return publicKeyFingerprint(publicKeyPem);
  } catch {
    return null;
  }
}

/** The bytes of a stream-head entry (README "Tamper evidence"), without the server's code. */
export function streamHeadEntryBytes(entry: HeadProofJson['entry']): string {
  return canonical({
    format: 'obligations.stream-head.v1',
    streamId: entry.streamId,
    streamVersion: entry.streamVersion,
    globalPosition: entry.globalPosition,
    leafIndex: entry.leafIndex,
  });
}

/** The stream-head table's order: by the UTF-8 bytes of the stream id. */
function utf8Compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function paymentHistory(
  state: AgreementState,
  events: readonly { recorded: BundleEvent; domain: AgreementEvent }[],
): { payments: PaymentView[]; creditNotes: PaymentApplicationView[] } {
  const applications = new Map<string, PaymentApplicationView[]>();
  const creditNotes: PaymentApplicationView[] = [];
  for (const { domain } of events) {
    if (domain.type !== 'PaymentApplied') continue;
    const { data } = domain;
    const view: PaymentApplicationView = {
      eventId: domain.eventId,
      appliedOn: data.appliedOn ?? null,
      available: data.available,
      allocations: data.allocations.map((a) => ({
        obligationId: a.obligationId,
        amount: a.amount,
      })),
      unapplied: data.unapplied,
      reversed: state.reversedEventIds.has(domain.eventId),
    };
    if (data.paymentEventId === undefined) creditNotes.push(view);
    else
      applications.set(data.paymentEventId, [
        ...(applications.get(data.paymentEventId) ?? []),
        view,
      ]);
  }
  const payments: PaymentView[] = [];
  for (const { recorded, domain } of events) {
    if (domain.type !== 'PaymentReceived') continue;
    const { data } = domain;
    const folded = state.payments.get(domain.eventId);
    payments.push({
      eventId: domain.eventId,
      receivedOn: data.receivedOn,
      amount: data.amount,
      payerPartyId: data.payerPartyId,
      payeePartyId: data.payeePartyId,
      reference: data.reference,
      recordedAt: recorded.metadata.recordedAt,
      globalPosition: recorded.globalPosition,
      creditLeft: folded === undefined ? null : formatMoney(folded.unapplied),
      applications: applications.get(domain.eventId) ?? [],
    });
  }
  return { payments, creditNotes };
}

/** RFC 8785: keys sorted by UTF-16 code units, no whitespace, ECMAScript numbers and strings. */
function canonical(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'string') {
    if (/\p{Cs}/u.test(value)) throw new Error('a string with an unpaired surrogate');
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${canonical(key)}:${canonical(record[key])}`)
      .join(',')}}`;
  }
  throw new Error(`a ${typeof value} is not JSON`);
}
