import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { httpProblem, problemType, sendProblem } from '../problemDetails';
import { ValidationError } from '../validationError';
import type { Principal, Role } from './principal';
import { requireText } from './requestText';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A documented response of a route: what the OpenAPI document says it answers. */
export interface ResponseSpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Defaults to application/json (problem+json for 4xx and 5xx). */
  readonly contentTypes?: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
}

/** A request header the route reads, for the documentation. */
export interface HeaderSpec {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
}

export interface RouteInput<Params, Query, Body> {
  readonly params: Params;
  readonly query: Query;
  readonly body: Body;
  /** The caller; undefined only on public routes. */
  readonly principal: Principal | undefined;
  readonly req: Request;
  readonly res: Response;
}

/**
 * One HTTP operation: how it is documented (OpenAPI is generated from these), who may call it,
 * how its inputs are validated, and what it does. Paths use express syntax (`/agreements/:id`).
 */
export interface RouteSpec<Params = unknown, Query = unknown, Body = unknown> {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** `public`: no key needed; otherwise the roles whose keys may call it. */
  readonly access: 'public' | readonly Role[];
  readonly params?: z.ZodType<Params>;
  readonly query?: z.ZodType<Query>;
  readonly body?: z.ZodType<Body>;
  readonly headers?: readonly HeaderSpec[];
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  readonly handler: (input: RouteInput<Params, Query, Body>) => Promise<void> | void;
}

/** Any route, whatever its input types: what routers and the OpenAPI generator take. */
export type AnyRoute = RouteSpec<never, never, never>;

/** Keeps the inference of `Params`, `Query` and `Body` from the schemas. */
export const defineRoute = <Params = unknown, Query = unknown, Body = unknown>(
  spec: RouteSpec<Params, Query, Body>,
): AnyRoute => spec as unknown as AnyRoute;

/** Finds the caller of a request from its `Authorization` header; null when there is none or it is wrong. */
export type Authenticator = (req: Request) => Promise<Principal | null>;

export interface ApiRouterOptions {
  readonly routes: readonly AnyRoute[];
  readonly authenticate: Authenticator;
  /** The largest JSON body accepted; larger ones get 413. */
  readonly bodyLimit?: string;
}

export const DEFAULT_BODY_LIMIT = '1mb';

/**
 * Mounts the routes: authentication and roles first (401 without a valid key, 403 for a role
 * that may not), then the body (415 unless JSON, 413 over the limit), then each input validated
 * against its schema (422 naming every bad field with a JSON pointer), then the handler.
 */
export function apiRouter({
  routes,
  authenticate,
  bodyLimit = DEFAULT_BODY_LIMIT,
}: ApiRouterOptions): Router {
  const router = Router();
  const json = express.json({ limit: bodyLimit, type: () => true });
  for (const route of routes) {
    const handlers: RequestHandler[] = [authorise(route, authenticate)];
    if (route.body !== undefined) handlers.push(requireJson(), json);
    handlers.push(run(route));
    router[route.method](route.path, ...handlers);
  }
  return router;
}

function authorise(route: AnyRoute, authenticate: Authenticator): RequestHandler {
  return async (req, res, next) => {
    if (route.access === 'public') {
      next();
      return;
    }
    const principal = await authenticate(req);
    if (principal === null) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="obligations"');
      sendProblem(req, res, {
        type: problemType('unauthenticated'),
        title: 'An API key is needed',
        status: 401,
        detail: 'Send a valid, unrevoked API key as `Authorization: Bearer <key>`.',
      });
      return;
    }
    if (!route.access.includes(principal.role)) {
      sendProblem(req, res, {
        type: problemType('forbidden'),
        title: 'This key may not do that',
        status: 403,
        detail: `${route.operationId} needs one of the roles ${route.access.join(', ')}; this key has the role ${principal.role}.`,
      });
      return;
    }
    req.principal = principal;
    next();
  };
}

function requireJson(): RequestHandler {
  return (req, res, next) => {
    if (!req.is('application/json') && !req.is('application/*+json')) {
      sendProblem(
        req,
        res,
        httpProblem(
          415,
          `The body must be JSON (Content-Type: application/json), not ${req.headers['content-type'] ?? 'untyped'}.`,
        ),
      );
      return;
    }
    next();
  };
}

function run(route: AnyRoute): RequestHandler {
  return async (req, res) => {
    requireText(req.params, '/params');
    requireText(req.query, '/query');
    if (route.body !== undefined) requireText(req.body, '');
    const params = parse(route.params, req.params, '/params');
    const query = parse(route.query, req.query, '/query');
    const body = parse(route.body, req.body, '');
    await route.handler({
      params: params as never,
      query: query as never,
      body: body as never,
      principal: req.principal,
      req,
      res,
    });
  };
}

/** Path and query errors point into `/params` and `/query`; body errors into the body itself. */
function parse(schema: z.ZodType | undefined, value: unknown, basePointer: string): unknown {
  if (schema === undefined) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationError.fromZod(result.error, basePointer);
  return result.data;
}
