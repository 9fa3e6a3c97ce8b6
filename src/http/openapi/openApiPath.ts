export interface OpenApiPath {
  /** `/agreements/{agreementId}`. */
  readonly path: string;
  /** The path parameters, in order. */
  readonly params: readonly string[];
}

// Express 5 (path-to-regexp 8) also has optional groups `{...}` and wildcards `*name`, which an
// OpenAPI path template cannot express: refuse them rather than document a wrong path.
const UNSUPPORTED = /[*{}()[\]?+!\\]/;
const PARAM = /:([A-Za-z_$][A-Za-z0-9_$]*)/g;

/** `/agreements/:agreementId` (express) → `/agreements/{agreementId}` (OpenAPI). */
export function openApiPath(expressPath: string): OpenApiPath {
  if (!expressPath.startsWith('/') || UNSUPPORTED.test(expressPath)) {
    throw new Error(
      `cannot describe the express path ${expressPath} in OpenAPI: use literal segments and :name parameters only`,
    );
  }
  const params: string[] = [];
  const path = expressPath.replace(PARAM, (_match, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  if (path.includes(':')) {
    throw new Error(`cannot describe the express path ${expressPath}: a ':' names no parameter`);
  }
  return { path, params };
}
