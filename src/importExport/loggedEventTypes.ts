import type { z } from 'zod';
import {
  API_KEY_CREATED,
  API_KEY_REVOKED,
  API_KEY_SCHEMA_VERSION,
  apiKeyCreatedSchema,
  apiKeyRevokedSchema,
  apiKeyStream,
} from '../auth/apiKeyEvents';
import {
  CHECKPOINT_KEY_ADOPTED,
  SIGNING_KEYS_STREAM,
  checkpointKeyAdoptedSchema,
} from '../audit/signingKeys';
import { DomainError } from '../domain/domainError';
import { eventDefinition, isEventType } from '../domain/events/catalogue';
import { InvalidEventDataError } from '../domain/events/invalidEventDataError';
import { parseEventData } from '../domain/events/parseEventData';
import {
  INTEGRATION_DISABLED,
  INTEGRATION_ENABLED,
  INTEGRATION_EVENT_TYPES_CHANGED,
  INTEGRATION_REGISTERED,
  INTEGRATION_SCHEMA_VERSION,
  INTEGRATION_SECRET_ADDED,
  INTEGRATION_SECRET_REVOKED,
  integrationDisabledSchema,
  integrationEnabledSchema,
  integrationEventTypesChangedSchema,
  integrationRegisteredSchema,
  integrationSecretAddedSchema,
  integrationSecretRevokedSchema,
  integrationStream,
} from '../integrations/integrationEvents';

/** What is wrong with an event of an import line; the pointer is into the line. */
export interface LineProblem {
  readonly pointer: string;
  readonly detail: string;
}

/**
 * The events outside the domain's catalogue that the service itself writes to the log: API keys
 * (`apikey-<keyId>`), integrations (`integration-<integrationId>`) and the checkpoint signing
 * keys (`signing-keys`). An export holds them too, so an import must accept them, each in its
 * own stream and valid per its schema. A new kind of service event needs its line here.
 */
interface ServiceEventType {
  readonly schemaVersion: number;
  readonly schema: z.ZodType;
  /** The one stream an event with this (valid) data belongs to. */
  readonly streamOf: (data: Record<string, unknown>) => string;
}

const keyStream = (data: Record<string, unknown>): string => apiKeyStream(String(data.keyId));
const integrationOf = (data: Record<string, unknown>): string =>
  integrationStream(String(data.integrationId));

const SERVICE_EVENT_TYPES: ReadonlyMap<string, ServiceEventType> = new Map([
  [
    API_KEY_CREATED,
    { schemaVersion: API_KEY_SCHEMA_VERSION, schema: apiKeyCreatedSchema, streamOf: keyStream },
  ],
  [
    API_KEY_REVOKED,
    { schemaVersion: API_KEY_SCHEMA_VERSION, schema: apiKeyRevokedSchema, streamOf: keyStream },
  ],
  [
    CHECKPOINT_KEY_ADOPTED,
    // Version 1, the only one signingKeys.ts writes.
    { schemaVersion: 1, schema: checkpointKeyAdoptedSchema, streamOf: () => SIGNING_KEYS_STREAM },
  ],
  ...[
    [INTEGRATION_REGISTERED, integrationRegisteredSchema],
    [INTEGRATION_SECRET_ADDED, integrationSecretAddedSchema],
    [INTEGRATION_SECRET_REVOKED, integrationSecretRevokedSchema],
    [INTEGRATION_EVENT_TYPES_CHANGED, integrationEventTypesChangedSchema],
    [INTEGRATION_DISABLED, integrationDisabledSchema],
    [INTEGRATION_ENABLED, integrationEnabledSchema],
  ].map(([type, schema]): [string, ServiceEventType] => [
    type as string,
    {
      schemaVersion: INTEGRATION_SCHEMA_VERSION,
      schema: schema as z.ZodType,
      streamOf: integrationOf,
    },
  ]),
]);

/**
 * Checks one event against the catalogue of what the log may hold: a known type, a schema
 * version that type has, data valid for it (domain events through parseEventData, so older
 * versions are checked as stored), and a stream of the right kind, `agreement-<agreementId>`
 * or `product-<productId>` as the data names them. Null when it is valid.
 */
export function problemOfLoggedEvent(event: {
  readonly streamId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: Record<string, unknown>;
}): LineProblem | null {
  const checked = checkLoggedEvent(event);
  return 'problem' in checked ? checked.problem : null;
}

/**
 * As problemOfLoggedEvent, answering for a valid event the data to store: a domain event of its
 * type's current version as its schema gives it (what a default fills in written out), as the
 * service writes every event it records itself. The log reads such an event back as stored,
 * without parsing it again (readStoredEventData), so it must hold what the parse gives. An older
 * version's data is kept as it is: reading it back upcasts and checks it.
 */
export function checkLoggedEvent(event: {
  readonly streamId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: Record<string, unknown>;
}): { readonly problem: LineProblem } | { readonly data: Record<string, unknown> } {
  if (isEventType(event.type)) return checkDomainEvent(event);
  const problem = problemOfServiceEvent(event);
  return problem === null ? { data: event.data } : { problem };
}

function problemOfServiceEvent(event: {
  readonly streamId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: Record<string, unknown>;
}): LineProblem | null {
  const serviceType = SERVICE_EVENT_TYPES.get(event.type);
  if (serviceType === undefined)
    return {
      pointer: '/type',
      detail: `${JSON.stringify(event.type)} is not an event type of the catalogue (docs/events.md), nor an API key, integration or signing key event`,
    };
  if (event.schemaVersion !== serviceType.schemaVersion)
    return {
      pointer: '/schemaVersion',
      detail: `${event.type} has version ${serviceType.schemaVersion}, not ${event.schemaVersion}`,
    };
  const parsed = serviceType.schema.safeParse(event.data);
  if (!parsed.success) {
    const problem = InvalidEventDataError.fromZod(event.type, event.schemaVersion, parsed.error)
      .problems[0];
    return { pointer: `/data${problem?.pointer ?? ''}`, detail: problem?.detail ?? 'invalid data' };
  }
  const streamId = serviceType.streamOf(event.data);
  return streamId === event.streamId
    ? null
    : { pointer: '/streamId', detail: `a ${event.type} event belongs to stream ${streamId}` };
}

function checkDomainEvent(event: {
  readonly streamId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: Record<string, unknown>;
}): { readonly problem: LineProblem } | { readonly data: Record<string, unknown> } {
  let parsed: Record<string, unknown>;
  try {
    parsed = parseEventData(event.type, event.schemaVersion, event.data).data;
  } catch (error) {
    if (error instanceof InvalidEventDataError) {
      const problem = error.problems[0];
      return {
        problem: {
          pointer: `/data${problem?.pointer ?? ''}`,
          detail: `${event.type} v${event.schemaVersion}: ${problem?.detail ?? 'invalid data'}`,
        },
      };
    }
    if (error instanceof DomainError)
      return {
        problem: {
          pointer: error.code === 'unsupported-schema-version' ? '/schemaVersion' : '/type',
          detail: error.detail,
        },
      };
    throw error;
  }
  const problem = problemOfDomainStream(event);
  if (problem !== null) return { problem };
  return {
    data: event.schemaVersion === eventDefinition(event.type).schemaVersion ? parsed : event.data,
  };
}

function problemOfDomainStream(event: {
  readonly streamId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
}): LineProblem | null {
  const kinds = eventDefinition(event.type).streams;
  const kind = kinds.find((candidate) => event.streamId.startsWith(`${candidate}-`));
  if (kind === undefined)
    return {
      pointer: '/streamId',
      detail: `a ${event.type} event belongs to a ${kinds.map((k) => `${k}-<id>`).join(' or ')} stream`,
    };
  // The stream's subject is the agreement or product the data names, when it names one.
  const subjectField = kind === 'agreement' ? 'agreementId' : 'productId';
  const subject = event.data[subjectField];
  if (typeof subject === 'string' && event.streamId !== `${kind}-${subject}`)
    return {
      pointer: '/streamId',
      detail: `the data's ${subjectField} is ${subject}, so the stream is ${kind}-${subject}`,
    };
  return null;
}
