import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';

export type JsonSchema = z.core.JSONSchema.BaseSchema;

/** Whether a schema describes what a request sends (defaults optional, before transforms) or what a response holds. */
export type SchemaIo = 'input' | 'output';

const COMPONENTS = '#/components/schemas/';
const COMPONENT_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Turns the zod schemas of one document into JSON Schemas (draft 2020-12, the dialect of OpenAPI
 * 3.1). The definitions zod extracts, schemas given an id with `.meta({ id })` and recursive ones,
 * become shared components: left as `#/$defs/...` inside an OpenAPI document, a reference would
 * point at the document's root.
 */
export class SchemaComponents {
  private readonly schemas = new Map<string, JsonSchema>();

  /** The components collected so far, by name. */
  all(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.schemas].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Registers `schema` as the component `name`; answers a reference to it. */
  define(name: string, schema: z.ZodType, io: SchemaIo): JsonSchema {
    const json = this.schemaOf(schema, io, name);
    if (json.$ref !== COMPONENTS + name) this.register(new Map([[name, json]]));
    return { $ref: COMPONENTS + name };
  }

  /**
   * The JSON Schema of `schema`; `name` names it if it refers to itself, and prefixes the
   * anonymous definitions zod makes for recursive parts.
   */
  schemaOf(schema: z.ZodType, io: SchemaIo, name: string): JsonSchema {
    const converted = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      // A bigint or a function has no JSON form; it is documented as "anything" rather than
      // keeping the whole document from being generated.
      unrepresentable: 'any',
    });
    const { $schema: _dialect, $defs: definitions = {}, ...root } = converted;
    // A shared schema accepts other input than it gives output (an object strips unknown keys, a
    // default makes a field optional): what requests send is its `Input` component.
    const suffix = io === 'input' ? 'Input' : '';
    const componentName = (definition: string): string =>
      definition.startsWith('__')
        ? `${name}.${definition.slice(2)}${suffix}`
        : `${definition}${suffix}`;
    let selfReferencing = false;
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite);
      if (typeof value !== 'object' || value === null) return value;
      return Object.fromEntries(
        Object.entries(value).map(([key, inner]) => {
          if (key !== '$ref' || typeof inner !== 'string') return [key, rewrite(inner)];
          if (inner === '#') {
            selfReferencing = true;
            return [key, COMPONENTS + name];
          }
          if (!inner.startsWith('#/$defs/')) return [key, inner];
          return [key, COMPONENTS + componentName(inner.slice('#/$defs/'.length))];
        }),
      );
    };
    const found = new Map<string, JsonSchema>();
    for (const [definition, body] of Object.entries(definitions)) {
      found.set(componentName(definition), rewrite(body) as JsonSchema);
    }
    const json = rewrite(root) as JsonSchema;
    if (selfReferencing) found.set(name, json);
    this.register(found);
    return selfReferencing ? { $ref: COMPONENTS + name } : json;
  }

  private register(found: ReadonlyMap<string, JsonSchema>): void {
    for (const [name, json] of found) {
      if (!COMPONENT_NAME.test(name)) {
        throw new Error(`${name} cannot name an OpenAPI component: use letters, digits, . _ -`);
      }
      const known = this.schemas.get(name);
      if (known !== undefined && !isDeepStrictEqual(known, json)) {
        throw new Error(`two different schemas are both named ${name}: give each its own id`);
      }
      this.schemas.set(name, json);
    }
  }
}
