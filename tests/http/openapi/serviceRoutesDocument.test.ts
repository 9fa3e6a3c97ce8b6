import type { IdempotencyStore } from '../../../src/http/api/idempotency';
import type { EventStore } from '../../../src/eventstore/eventStore';
import type { ReadStore } from '../../../src/readstore/readStore';
import { API_INFO } from '../../../src/http/openapi/apiInfo';
import { openApiDocument } from '../../../src/http/openapi/openApiDocument';
import { openApiPath } from '../../../src/http/openapi/openApiPath';
import { commandRoutes } from '../../../src/http/routes/commandRoutes';
import { queryRoutes } from '../../../src/http/routes/queryRoutes';
import { compileEverySchema, validateOpenApi } from './validateOpenApi';

// The OpenAPI validator runs in a node of its own: about a second, more on a busy machine.
jest.setTimeout(30_000);

// Building the routes touches none of their dependencies; only handling a request would.
const unused = <T>(): T => ({}) as T;
const routes = [
  ...commandRoutes({ store: unused<EventStore>(), idempotency: unused<IdempotencyStore>() }),
  ...queryRoutes({ readStore: unused<ReadStore>() }),
];

describe('the OpenAPI document of the service’s route table', () => {
  const document = openApiDocument(routes, API_INFO);

  it('is valid OpenAPI 3.1', async () => {
    const result = await validateOpenApi(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('describes each route once', () => {
    const described = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => `${method} ${path} ${op.operationId}`),
    );
    expect(described.sort()).toEqual(
      routes.map((r) => `${r.method} ${openApiPath(r.path).path} ${r.operationId}`).sort(),
    );
  });

  it('has schemas that all compile as JSON Schema 2020-12', () => {
    expect(compileEverySchema(document)).toBeGreaterThan(routes.length);
  });
});
