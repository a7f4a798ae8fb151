/**
 * The interactive API reference: Swagger UI from the swagger-ui-dist package, served by this API
 * itself, so it works without reaching any other host (no CDN, and the online validator is off).
 * The page loads scripts from its own origin only, which the Content-Security-Policy allows.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The files of swagger-ui-dist the page loads, each with its media type. */
export const SWAGGER_UI_FILES: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** The page's own script: Swagger UI pointed at this API's document. */
export const DOCS_INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'BaseLayout',
  });
});
`;

/** Every asset below /v1/docs/, the page's script included. */
export const DOCS_ASSETS: readonly string[] = [...Object.keys(SWAGGER_UI_FILES), 'docs-init.js'];

// Absolute paths: the page is the same at /v1/docs and /v1/docs/.
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Collections engine API reference</title>
  <link rel="stylesheet" href="/v1/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/v1/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/v1/docs/swagger-ui-bundle.js"></script>
  <script src="/v1/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/v1/docs/docs-init.js"></script>
</body>
</html>
`;

/** Where swagger-ui-dist's files are on disk. */
export function swaggerUiDirectory(): string {
  return path.dirname(require.resolve('swagger-ui-dist/package.json'));
}

/** An asset's bytes and media type; undefined for a name that is no asset. */
export function docsAsset(name: string): { body: Buffer | string; type: string } | undefined {
  if (name === 'docs-init.js') return { body: DOCS_INIT_SCRIPT, type: 'text/javascript; charset=utf-8' };
  if (!Object.hasOwn(SWAGGER_UI_FILES, name)) return undefined;
  return { body: readFileSync(path.join(swaggerUiDirectory(), name)), type: SWAGGER_UI_FILES[name] };
}
