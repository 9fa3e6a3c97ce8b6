import type { ApiKeyRegistry } from '../../src/auth/apiKeyRegistry';
import { apiKeyRoutes } from '../../src/auth/apiKeyRoutes';
import { API_INFO } from '../../src/http/openapi/apiInfo';
import { openApiDocument } from '../../src/http/openapi/openApiDocument';
import type { SqlExecutor } from '../../src/readstore/readStore';
import { compileEverySchema, validateOpenApi } from '../http/openapi/validateOpenApi';

// Building the routes touches none of their dependencies; only handling a request would.
const unused = <T>(): T => ({}) as T;
const routes = apiKeyRoutes({
  registry: unused<ApiKeyRegistry>(),
  readStore: unused<SqlExecutor>(),
});

describe('the OpenAPI description of the API key routes', () => {
  const document = openApiDocument(routes, API_INFO);

  it('is valid OpenAPI 3.1 with schemas that compile', async () => {
    const result = await validateOpenApi(document);
    expect(result.errors).toBeUndefined();
    expect(compileEverySchema(document)).toBeGreaterThan(routes.length);
  });

  it('needs an admin key for every operation', () => {
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    expect(operations).toHaveLength(4);
    for (const operation of operations) expect(operation.security).toEqual([{ apiKey: ['admin'] }]);
  });

  it('describes no secret hash in any answer', () => {
    expect(JSON.stringify(document)).not.toMatch(/secretHash/);
    expect(JSON.stringify(document.components)).toContain('CreatedApiKey');
  });
});
