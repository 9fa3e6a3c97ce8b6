import { dirname } from 'node:path';
import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../api/route';
import { httpProblem, sendProblem } from '../problemDetails';
import {
  DOCS_ASSETS_PATH,
  DOCS_CONTENT_SECURITY_POLICY,
  DOCS_INIT_SCRIPT,
  DOCS_PATH,
  docsInitScript,
  docsPage,
} from './docsPage';

export const OPENAPI_PATH = '/openapi.json';

// Only the files the page loads, never the whole package (its own index.html loads a demo API).
const SWAGGER_UI_FILES = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);

/**
 * `/openapi.json`, and `/docs`: Swagger UI from the swagger-ui-dist package this service depends
 * on, served by the service itself under a Content-Security-Policy that names no other origin.
 */
export function docsRoutes(getDocument: () => object): AnyRoute[] {
  const swaggerUiDirectory = dirname(require.resolve('swagger-ui-dist/package.json'));
  return [
    defineRoute({
      method: 'get',
      path: OPENAPI_PATH,
      operationId: 'getOpenApiDocument',
      summary: 'This description of the API (OpenAPI 3.1)',
      tags: ['documentation'],
      access: 'public',
      responses: {
        200: { description: 'The OpenAPI document.', contentTypes: ['application/json'] },
      },
      handler: ({ res }) => {
        res.json(getDocument());
      },
    }),
    defineRoute({
      method: 'get',
      path: DOCS_PATH,
      operationId: 'getDocsPage',
      summary: 'The API documentation, to read and try in a browser',
      tags: ['documentation'],
      access: 'public',
      responses: {
        200: {
          description: 'An HTML page rendering the OpenAPI document.',
          contentTypes: ['text/html'],
          headers: { 'Content-Security-Policy': 'Scripts, styles and requests: this origin only.' },
        },
      },
      handler: ({ res }) => {
        res
          .set('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY)
          .set('Referrer-Policy', 'no-referrer')
          .type('html')
          .send(docsPage(OPENAPI_PATH));
      },
    }),
    defineRoute({
      method: 'get',
      path: `${DOCS_ASSETS_PATH}/:file`,
      operationId: 'getDocsAsset',
      summary: 'A script, style sheet or icon of the documentation page',
      tags: ['documentation'],
      access: 'public',
      params: z.object({ file: z.string().describe('e.g. swagger-ui.css') }),
      responses: {
        200: {
          description: 'The file.',
          contentTypes: ['text/javascript', 'text/css', 'image/png'],
        },
        404: { description: 'The page uses no such file.' },
      },
      handler: ({ params, req, res }) => {
        if (params.file === DOCS_INIT_SCRIPT) {
          res.type('js').send(docsInitScript);
        } else if (SWAGGER_UI_FILES.has(params.file)) {
          res.sendFile(params.file, { root: swaggerUiDirectory, maxAge: '1h' });
        } else {
          sendProblem(req, res, httpProblem(404, `The docs page uses no file ${params.file}.`));
        }
      },
    }),
  ];
}
