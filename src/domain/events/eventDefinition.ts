import type { z } from 'zod';
import type { StreamKind } from './streams';

/**
 * Lifts the stored data of one schema version to the next. `schema` is the shape of the older
 * version, checked before `upcast` runs, so an upcaster only ever sees well-formed old data and a
 * malformed old event is reported with pointers into the data as it was stored.
 */
export interface Upcaster {
  readonly fromVersion: number;
  readonly schema: z.ZodType;
  readonly upcast: (data: unknown) => unknown;
}

export function defineUpcaster<Schema extends z.ZodType>(upcaster: {
  readonly fromVersion: number;
  readonly schema: Schema;
  readonly upcast: (data: z.output<Schema>) => unknown;
}): Upcaster {
  return {
    fromVersion: upcaster.fromVersion,
    schema: upcaster.schema,
    // parseEventData calls it only with the output of `schema`.
    upcast: (data) => upcaster.upcast(data as z.output<Schema>),
  };
}

export interface EventDefinition<
  Type extends string = string,
  Schema extends z.ZodType = z.ZodType,
> {
  readonly type: Type;
  /** The version writers use today; older stored versions are upcast to it step by step. */
  readonly schemaVersion: number;
  /** The shape of `data`: strict (unknown members are refused), money and dates checked. */
  readonly schema: Schema;
  /** The streams it is appended to. */
  readonly streams: readonly StreamKind[];
  /** What happened, in the domain's words: the first paragraph of its entry in docs/events.md. */
  readonly meaning: string;
  /** `upcasters[i]` lifts version i + 1 to version i + 2. */
  readonly upcasters: readonly Upcaster[];
}

/** Checks that the upcasters chain from version 1 to the current one, one step each. */
export function defineEvent<Type extends string, Schema extends z.ZodType>(definition: {
  readonly type: Type;
  readonly schemaVersion?: number;
  readonly schema: Schema;
  readonly streams: readonly StreamKind[];
  readonly meaning: string;
  readonly upcasters?: readonly Upcaster[];
}): EventDefinition<Type, Schema> {
  const schemaVersion = definition.schemaVersion ?? 1;
  const upcasters = definition.upcasters ?? [];
  if (upcasters.length !== schemaVersion - 1) {
    throw new Error(
      `${definition.type} v${schemaVersion} needs ${schemaVersion - 1} upcasters, has ${upcasters.length}`,
    );
  }
  upcasters.forEach((upcaster, index) => {
    if (upcaster.fromVersion !== index + 1)
      throw new Error(`${definition.type}: upcaster ${index} must lift version ${index + 1}`);
  });
  return { ...definition, schemaVersion, upcasters };
}
