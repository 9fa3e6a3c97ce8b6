import type { z } from 'zod';
import type { AnyRoute, HeaderSpec, HttpMethod, ResponseSpec } from '../api/route';
import { PROBLEM_CONTENT_TYPE } from '../problemDetails';
import { openApiPath } from './openApiPath';
import { problemSchema } from './problemSchema';
import { SchemaComponents, type JsonSchema } from './schemaComponents';

/** What the document needs of a route: all but its handler (so probes mounted elsewhere fit too). */
export type OperationSpec = Omit<AnyRoute, 'handler'>;

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
}

export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly description?: string;
  readonly schema: JsonSchema;
}

export interface MediaType {
  readonly schema?: JsonSchema;
}

export interface ResponseObject {
  readonly description: string;
  readonly headers?: Record<string, { description: string; schema: JsonSchema }>;
  readonly content?: Record<string, MediaType>;
}

export interface Operation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** Empty for public operations; otherwise one requirement per role that may call (any of them). */
  readonly security: readonly Record<string, readonly string[]>[];
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { required: true; content: Record<string, MediaType> };
  readonly responses: Record<string, ResponseObject>;
}

export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: OpenApiInfo;
  readonly tags: readonly { name: string }[];
  readonly paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
  readonly components: {
    readonly schemas: Record<string, JsonSchema>;
    readonly securitySchemes: Record<string, Record<string, string>>;
  };
}

/** The security scheme of API keys, sent as `Authorization: Bearer <key>`. */
export const API_KEY_SCHEME = 'apiKey';
const PROBLEM = 'Problem';
const OPENAPI_VERSION = '3.1.1';

/**
 * The OpenAPI 3.1 description of the routes, generated from the same zod schemas that validate
 * their requests: request bodies, path and query parameters as the client sends them (zod's input
 * side), responses as the service writes them (the output side). The answers the route table
 * itself gives (401 and 403, 400, 413 and 415 for bodies, 422 for invalid input) and 500 are added
 * to each operation; every 4xx and 5xx is an RFC 9457 problem.
 */
export function openApiDocument(
  routes: readonly OperationSpec[],
  info: OpenApiInfo,
): OpenApiDocument {
  const components = new SchemaComponents();
  const problem = components.define(PROBLEM, problemSchema, 'output');
  const paths: Record<string, Partial<Record<HttpMethod, Operation>>> = {};
  const operationIds = new Set<string>();
  for (const route of routes) {
    if (operationIds.has(route.operationId)) {
      throw new Error(`two routes have the operationId ${route.operationId}`);
    }
    operationIds.add(route.operationId);
    const { path, params } = openApiPath(route.path);
    const item = (paths[path] ??= {});
    if (item[route.method] !== undefined) {
      throw new Error(`two routes answer ${route.method.toUpperCase()} ${route.path}`);
    }
    item[route.method] = operationOf(route, params, components, problem);
  }
  const tags = [...new Set(routes.flatMap((route) => route.tags))].sort();
  return {
    openapi: OPENAPI_VERSION,
    info,
    tags: tags.map((name) => ({ name })),
    paths,
    components: {
      schemas: components.all(),
      securitySchemes: {
        [API_KEY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API key of the service, sent as `Authorization: Bearer <key>`. Each key has one role: auditor, integration or admin.',
        },
      },
    },
  };
}

function operationOf(
  route: OperationSpec,
  pathParams: readonly string[],
  components: SchemaComponents,
  problem: JsonSchema,
): Operation {
  const name = route.operationId;
  const parameters = [
    ...pathParameters(route, pathParams, components),
    ...objectParameters(route.query, 'query', `${name}.query`, components),
    ...(route.headers ?? []).map(headerParameter),
  ];
  const roles = route.access === 'public' ? [] : route.access;
  const description = [
    route.description,
    roles.length > 0 ? `Needs an API key with the role ${roles.join(' or ')}.` : undefined,
  ].filter((part) => part !== undefined);
  return {
    operationId: name,
    summary: route.summary,
    ...(description.length > 0 && { description: description.join('\n\n') }),
    tags: route.tags,
    security: roles.map((role) => ({ [API_KEY_SCHEME]: [role] })),
    ...(parameters.length > 0 && { parameters }),
    ...(route.body !== undefined && {
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: components.schemaOf(route.body, 'input', `${name}.body`),
          },
        },
      },
    }),
    responses: Object.fromEntries(
      Object.entries({ ...automaticResponses(route), ...route.responses }).map(([status, spec]) => [
        status,
        responseOf(Number(status), spec, `${name}.${status}`, components, problem),
      ]),
    ),
  };
}

/** The answers of the route table itself, documented unless a route says more about them. */
function automaticResponses(route: OperationSpec): Record<number, ResponseSpec> {
  const responses: Record<number, ResponseSpec> = {};
  if (route.body !== undefined) {
    responses[400] = { description: 'The body is not valid JSON.' };
    responses[413] = { description: 'The body is larger than the service accepts.' };
    responses[415] = { description: 'The body is not JSON (`Content-Type: application/json`).' };
  }
  if (route.access !== 'public') {
    responses[401] = {
      description: 'No valid API key: send one as `Authorization: Bearer <key>`.',
      headers: { 'WWW-Authenticate': 'The authentication scheme: `Bearer`.' },
    };
    responses[403] = { description: 'The key’s role may not call this operation.' };
  }
  if (route.body !== undefined || route.params !== undefined || route.query !== undefined) {
    responses[422] = {
      description: 'The input breaks its schema; `errors` points at every bad field.',
    };
  }
  responses[500] = { description: 'An unexpected error; it is logged under the requestId.' };
  return responses;
}

function responseOf(
  status: number,
  spec: ResponseSpec,
  name: string,
  components: SchemaComponents,
  problem: JsonSchema,
): ResponseObject {
  const isError = status >= 400;
  const headers: Record<string, string> = {
    // sendProblem sets it on every 503.
    ...(status === 503 && { 'Retry-After': 'Seconds to wait before retrying.' }),
    ...spec.headers,
  };
  const own = spec.schema && components.schemaOf(spec.schema, 'output', name);
  // An error's own schema adds the members of its problem type to the shared Problem.
  const schema = isError ? (own ? { allOf: [problem, own] } : problem) : own;
  const contentTypes =
    spec.contentTypes ?? (isError ? [PROBLEM_CONTENT_TYPE] : own ? ['application/json'] : []);
  return {
    description: spec.description,
    ...(Object.keys(headers).length > 0 && {
      headers: Object.fromEntries(
        Object.entries(headers).map(([header, description]) => [
          header,
          { description, schema: { type: 'string' } },
        ]),
      ),
    }),
    ...(contentTypes.length > 0 && {
      content: Object.fromEntries(
        contentTypes.map((type) => [type, schema === undefined ? {} : { schema }]),
      ),
    }),
  };
}

/** Every `:name` of the path, described by the params schema where it has the name. */
function pathParameters(
  route: OperationSpec,
  pathParams: readonly string[],
  components: SchemaComponents,
): Parameter[] {
  const described = objectParameters(
    route.params,
    'path',
    `${route.operationId}.params`,
    components,
  );
  const unknown = described.filter((parameter) => !pathParams.includes(parameter.name));
  if (unknown.length > 0) {
    throw new Error(
      `${route.operationId}: the params schema names ${unknown.map((p) => p.name).join(', ')}, which ${route.path} does not have`,
    );
  }
  return pathParams.map(
    (param) =>
      described.find((parameter) => parameter.name === param) ?? {
        name: param,
        in: 'path',
        required: true,
        schema: { type: 'string' },
      },
  );
}

/** One parameter per property of an object schema (path parameters are always required). */
function objectParameters(
  schema: z.ZodType | undefined,
  location: 'path' | 'query',
  name: string,
  components: SchemaComponents,
): Parameter[] {
  if (schema === undefined) return [];
  const json = components.schemaOf(schema, 'input', name);
  const properties = json.properties;
  if (json.type !== 'object' || properties === undefined) {
    throw new Error(`${name}: describe ${location} parameters with a z.object`);
  }
  const required = new Set(json.required ?? []);
  return Object.entries(properties).map(([property, propertySchema]) => {
    const { description, ...rest } = typeof propertySchema === 'object' ? propertySchema : {};
    return {
      name: property,
      in: location,
      required: location === 'path' || required.has(property),
      ...(description !== undefined && { description }),
      schema: rest,
    };
  });
}

function headerParameter(header: HeaderSpec): Parameter {
  return {
    name: header.name,
    in: 'header',
    required: header.required ?? false,
    description: header.description,
    schema: { type: 'string' },
  };
}
