/** The interactive API reference (Swagger UI, from the pinned `swagger-ui-dist`), reading /openapi.json. */
export function docsHtml(): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Atrium API reference</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="api-reference"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>`;
}

/** The files under /docs/ (built into the Worker's assets by scripts/build-assets.ts). */
export const DOCS_ASSETS = new Set(["swagger-ui-bundle.js", "swagger-ui.css", "init.js"]);

/**
 * Only this origin's scripts and styles (Swagger UI styles elements inline), calls to this
 * origin only (the spec and "Try it out"); no framing.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");
