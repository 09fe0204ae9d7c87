// `/api-docs`: the API reference, Swagger UI (swagger-ui-dist) rendering `/api-docs/openapi.json`, served offline
// from this server: the page, Swagger UI's script and stylesheet and our start-up script (no inline script), all under
// a strict content-security policy. The renderer was chosen by measurement (issue 16), each candidate served from a
// loopback page in headless Chromium (1400x900) with every non-loopback request aborted, on this server's document:
//
//   renderer (npm version)            served JS+CSS     gzip -9   strict CSP¹          needs                      first render²  remote attempts
//   swagger-ui-dist 5.35.0            1,920,795 B      487,082 B  works, 0 violations  nothing more               0.7–2.5 s      0
//   redoc 2.5.4 (standalone)          1,103,471 B      327,767 B  blank, 10 violations style 'unsafe-inline'     1.0–2.5 s      1 (cdn.redoc.ly logo)
//   @scalar/api-reference 1.46.4      3,566,844 B      993,844 B  2/31 ops, 23 viol.   'unsafe-eval', inline      never³         2 (proxy.scalar.com)
//   @stoplight/elements 9.0.25        2,377,341 B      665,027 B  blank, 1 violation   style 'unsafe-inline'      –⁴             0
//
//   ¹ default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self';
//     connect-src 'self'; worker-src 'self' — no 'unsafe-inline', no 'unsafe-eval', no blob: workers.
//   ² page load until an operation summary is in the page text (a busy machine: the range of 2–3 runs).
//   ³ even with 'unsafe-inline' styles and blob: allowed it stays on 2 of 31 operations (it needs eval).
//   ⁴ with 'unsafe-inline' it renders, but tags start collapsed (0 of 31 operations in the page text).
//
// Auth, scopes, problems: Swagger UI shows the bearer scheme in its Authorize dialog (with the scheme's description,
// which lists the scopes) and a lock on each protected operation; `showExtensions` shows each operation's
// `x-flero-scope`; every response (401/403/404/429… application/problem+json) is listed with its schema. Redoc shows
// scopes inline ("bearer (workflows:read)") but needs inline styles and reaches for its CDN; Scalar needs eval and
// its proxy; Stoplight needs inline styles. Swagger UI is the only one that runs under the CSP as it is.
//
// The files come from beside the bundle (esbuild.mjs copies them into dist/, the npm package and the .vsix ship
// them), else from node_modules when running from source. Each is read once, source-map comment dropped, kept in
// memory with its gzip (made in the background); the page asks for `?v=<hash>` so a response can be cached for a
// year and an upgrade is still seen.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzip } from 'node:zlib';

export const ASSETS_PREFIX = '/api-docs/assets/';

/** The page's policy: our own origin only; no inline script or style, no eval, nothing framed, no forms posted. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // Swagger UI's stylesheet draws its icons as data: SVGs.
  "img-src 'self' data:",
  "font-src 'self'",
  // The document and "Try it out" (the server in `servers`, i.e. this origin).
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Our start-up script (served as a file: the CSP allows no inline script). */
const START_SCRIPT = `// Flero /api-docs: Swagger UI on this server's OpenAPI document.
SwaggerUIBundle({
  url: '/api-docs/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  // The default shows a badge fetched from validator.swagger.io.
  validatorUrl: null,
  // x-flero-scope: the scope each operation needs.
  showExtensions: true,
  showCommonExtensions: true,
  displayRequestDuration: true,
  // Never take a document URL or configuration from the page's query string.
  queryConfigEnabled: false,
  // A key typed into Authorize lives in this tab only.
  persistAuthorization: false,
});
`;

interface AssetSource {
  type: string;
  /** The file's name in dist/ (beside the bundle) and its module path in node_modules; or inline text. */
  dist?: string;
  module?: string;
  text?: string;
}

const SOURCES: Record<string, AssetSource> = {
  'swagger-ui-bundle.js': {
    type: 'text/javascript; charset=utf-8',
    dist: 'swagger-ui-bundle.js',
    module: 'swagger-ui-dist/swagger-ui-bundle.js',
  },
  'swagger-ui.css': {
    type: 'text/css; charset=utf-8',
    dist: 'swagger-ui.css',
    module: 'swagger-ui-dist/swagger-ui.css',
  },
  // The bundle's first line points here; in dist/ it also carries swagger-ui's Apache-2.0 LICENSE and NOTICE.
  'swagger-ui-bundle.js.LICENSE.txt': {
    type: 'text/plain; charset=utf-8',
    dist: 'swagger-ui-bundle.js.LICENSE.txt',
    module: 'swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt',
  },
  'flero-api-docs.js': { type: 'text/javascript; charset=utf-8', text: START_SCRIPT },
};

interface Asset {
  type: string;
  body: Buffer;
  /** Made in the background on first load (~50 ms for the bundle at -9): until then the body goes uncompressed. */
  gzip: Buffer | undefined;
  hash: string;
}

const loaded = new Map<string, Asset>();

/** Where a file may be: beside the ESM bundle (dist/), then the package in node_modules (a checkout). */
function candidates(src: AssetSource): string[] {
  const out: string[] = [];
  try {
    const here = import.meta.url;
    if (here && src.dist) out.push(fileURLToPath(new URL(src.dist, here)));
  } catch {
    // import.meta is empty when this file runs as CommonJS (tsx).
  }
  try {
    const req = typeof require === 'function' ? require : createRequire(import.meta.url);
    if (src.module) out.push(req.resolve(src.module));
  } catch {
    // Not in a checkout with node_modules.
  }
  return out;
}

function read(name: string, src: AssetSource): Buffer {
  if (src.text !== undefined) return Buffer.from(src.text);
  const looked = candidates(src);
  for (const file of looked) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    // The .map files are not served: drop the comment that would make a browser's devtools ask for them.
    return Buffer.from(text.replace(/\n?(\/\/# sourceMappingURL=\S+|\/\*# sourceMappingURL=[^*]*\*\/)\s*$/, '\n'));
  }
  throw new Error(
    `/api-docs cannot find ${name} (looked in: ${looked.join(', ') || 'nowhere'}); rebuild with \`node esbuild.mjs\``,
  );
}

function asset(name: string): Asset | undefined {
  if (!Object.hasOwn(SOURCES, name)) return undefined;
  let a = loaded.get(name);
  if (!a) {
    const src = SOURCES[name]!;
    const body = read(name, src);
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
    const made: Asset = { type: src.type, body, gzip: undefined, hash };
    gzip(body, { level: 9 }, (err, out) => {
      if (!err) made.gzip = out;
    });
    loaded.set(name, made);
    a = made;
  }
  return a;
}

const url = (name: string) => `${ASSETS_PREFIX}${name}?v=${asset(name)!.hash}`;

let page: string | undefined;

/** The `/api-docs` HTML: Swagger UI's files and our start-up script; the document is fetched by the browser. */
export function renderDocsPage(): string {
  page ??= `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Flero API reference</title>
<link rel="stylesheet" href="${url('swagger-ui.css')}">
</head><body>
<noscript><p>This reference needs JavaScript. The OpenAPI document itself: <a href="/api-docs/openapi.json">/api-docs/openapi.json</a>.</p></noscript>
<div id="swagger-ui"></div>
<script src="${url('swagger-ui-bundle.js')}"></script>
<script src="${url('flero-api-docs.js')}"></script>
</body></html>
`;
  return page;
}

/**
 * Answers GET/HEAD `/api-docs/assets/<file>` for the files above and returns true; false for anything else (the
 * pipeline answers it: 404/405 problems). Static files, not operations: they stay out of the route table and the
 * OpenAPI document. Throws when a file cannot be found (the caller answers 500).
 */
export function serveDocsAsset(req: IncomingMessage, res: ServerResponse): boolean {
  const target = req.url;
  if (!target?.startsWith(ASSETS_PREFIX) || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const q = target.indexOf('?');
  const name = target.slice(ASSETS_PREFIX.length, q < 0 ? undefined : q);
  const a = asset(name);
  if (!a) return false;
  const gzipped = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) ? a.gzip : undefined;
  // One ETag per representation (RFC 9110 8.8.3): the gzip one differs.
  const etag = gzipped ? `"${a.hash}-gzip"` : `"${a.hash}"`;
  const versioned = q >= 0 && new URLSearchParams(target.slice(q + 1)).get('v') === a.hash;
  const headers: Record<string, string | number> = {
    'content-type': a.type,
    // The page's URLs carry the content hash: those never change. Any other URL revalidates (ETag).
    'cache-control': versioned ? 'public, max-age=31536000, immutable' : 'no-cache',
    etag,
    vary: 'accept-encoding',
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'same-origin',
  };
  if (req.headers['if-none-match']?.split(/\s*,\s*/).some((t) => t === etag || t === `W/${etag}` || t === '*')) {
    res.writeHead(304, headers).end();
    return true;
  }
  const body = gzipped ?? a.body;
  if (gzipped) headers['content-encoding'] = 'gzip';
  headers['content-length'] = body.length;
  res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : body);
  return true;
}
