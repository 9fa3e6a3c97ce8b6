/** Where the docs page and its assets live. */
export const DOCS_PATH = '/docs';
export const DOCS_ASSETS_PATH = `${DOCS_PATH}/assets`;
/** Our own start-up script for Swagger UI: a file, since the page allows no inline script. */
export const DOCS_INIT_SCRIPT = 'init.js';

/**
 * Everything the page loads comes from this service; nothing runs inline, nothing is fetched
 * from another origin (Swagger UI's styles embed their icons as data: URIs).
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function docsPage(openApiPath: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>obligations API</title>
    <link rel="stylesheet" href="${DOCS_ASSETS_PATH}/swagger-ui.css">
    <link rel="icon" type="image/png" href="${DOCS_ASSETS_PATH}/favicon-32x32.png">
  </head>
  <body>
    <div id="docs" data-openapi="${openApiPath}"></div>
    <script src="${DOCS_ASSETS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${DOCS_ASSETS_PATH}/${DOCS_INIT_SCRIPT}"></script>
  </body>
</html>
`;
}

/** Starts Swagger UI on the document named by the page; no validator badge (another origin). */
export const docsInitScript = `window.addEventListener('load', function () {
  var root = document.getElementById('docs');
  window.ui = SwaggerUIBundle({
    url: root.getAttribute('data-openapi'),
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;
