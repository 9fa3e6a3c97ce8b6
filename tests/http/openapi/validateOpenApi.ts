import Ajv2020 from 'ajv/dist/2020';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface OpenApiValidation {
  readonly valid: boolean;
  readonly version?: string;
  readonly errors?: unknown;
}

// The validator is an ES module, which jest's CommonJS module system cannot load: it runs in a
// node of its own and reads the document on stdin.
const VALIDATE = `
import { Validator } from '@seriousme/openapi-schema-validator';
let text = '';
for await (const chunk of process.stdin) text += chunk;
const validator = new Validator();
const result = await validator.validate(JSON.parse(text));
process.stdout.write(JSON.stringify({ ...result, version: validator.version }));
`;

/** Checks a document against the OpenAPI JSON Schema of its version (3.1 here). */
export function validateOpenApi(document: object): Promise<OpenApiValidation> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', VALIDATE], {
      cwd: resolve(__dirname, '../../..'),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`the OpenAPI validator exited with ${code}`));
      else resolvePromise(JSON.parse(output) as OpenApiValidation);
    });
    child.stdin.end(JSON.stringify(document));
  });
}

/**
 * A JSON Schema 2020-12 validator that holds the document as `openapi`: compile
 * `{ $ref: 'openapi#/components/schemas/Problem' }` to validate against one of its schemas. The
 * OpenAPI schema validator does not look inside Schema Objects; compiling them checks them.
 * Formats (uuid, date) are annotations in JSON Schema 2020-12, as zod's own checks do the asserting.
 */
export function schemaValidator(document: object): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(document, 'openapi');
  return ajv;
}

/** Compiles every Schema Object of the document (throws on the first invalid one); answers how many. */
export function compileEverySchema(document: object): number {
  const ajv = schemaValidator(document);
  const pointers: string[] = [];
  const find = (value: unknown, pointer: string, inSchemas: boolean): void => {
    if (typeof value !== 'object' || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      const innerPointer = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (key === 'schema' || inSchemas) pointers.push(innerPointer);
      else find(inner, innerPointer, innerPointer === '#/components/schemas');
    }
  };
  find(document, '#', false);
  for (const pointer of pointers) ajv.compile({ $ref: `openapi${pointer}` });
  return pointers.length;
}
