// /api-docs over HTTP on the real server (`node dist/flero.mjs serve`): the HTML page and its CSP, and every file it
// references (Swagger UI from dist/, our start-up script) with its content type, caching, gzip and ETag. What the
// page looks like in a browser: api-docs-browser.test.ts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { REPO_ROOT, type RunningServer, startServer } from '../helpers/server';

let srv: RunningServer;
let html: string;
let page: Response;
before(async () => {
  srv = await startServer();
  page = await fetch(`${srv.url}/api-docs`);
  html = await page.text();
});
after(() => srv?.stop());

/** A GET with exactly these headers (fetch would add its own accept-encoding and decode). */
function get(path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    request(`${srv.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

/** The URLs the page references (src= and href=). */
const references = () => [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);

const TYPES: Record<string, RegExp> = {
  '.js': /^text\/javascript; charset=utf-8$/,
  '.css': /^text\/css; charset=utf-8$/,
  '.json': /^application\/json/,
};

describe('GET /api-docs', () => {
  test('200 HTML, not cached, under a CSP without eval, inline code or any other origin', () => {
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html; charset=utf-8$/);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /(^|; )default-src 'none'(;|$)/);
    assert.match(csp, /(^|; )script-src 'self'(;|$)/);
    assert.match(csp, /(^|; )style-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline|wasm-unsafe-eval|blob:|\*/);
    // Every source of every directive is a keyword or data: (images): no host, no scheme that reaches out.
    for (const directive of csp.split(/;\s*/)) {
      const [name, ...sources] = directive.split(/\s+/);
      assert.ok(name, csp);
      for (const s of sources) assert.match(s, /^('self'|'none'|data:)$/, `${name} ${s}`);
    }
  });

  test('no http(s):// URL outside 127.0.0.1/localhost; no inline script or style', () => {
    const remote = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)]
      .map((m) => m[0])
      .filter((u) => !/^https?:\/\/(127\.0\.0\.1|localhost)([:/]|$)/.test(u));
    assert.deepEqual(remote, []);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son\w+=/i);
  });

  test('references the renderer, its stylesheet, our start-up script and the document', () => {
    const paths = references().map((r) => r.replace(/\?.*$/, ''));
    assert.deepEqual(paths.sort(), [
      '/api-docs/assets/flero-api-docs.js',
      '/api-docs/assets/swagger-ui-bundle.js',
      '/api-docs/assets/swagger-ui.css',
      '/api-docs/openapi.json',
    ]);
  });

  test('every file it references answers 200 with its content type; assets are versioned and cached a year', async () => {
    for (const ref of references()) {
      const res = await fetch(`${srv.url}${ref}`);
      assert.equal(res.status, 200, ref);
      const ext = /(\.\w+)(\?|$)/.exec(ref)?.[1] ?? '';
      assert.match(res.headers.get('content-type') ?? '', TYPES[ext] ?? /^$/, ref);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', ref);
      const body = await res.text();
      assert.ok(body.length > 0, ref);
      if (!ref.startsWith('/api-docs/assets/')) continue;
      assert.match(ref, /\?v=[0-9a-f]{16}$/);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable', ref);
      assert.match(res.headers.get('etag') ?? '', new RegExp(`^"${ref.slice(-16)}(-gzip)?"$`), ref);
      assert.doesNotMatch(body, /sourceMappingURL/, `${ref}: the .map files are not served`);
    }
  });

  test('Swagger UI comes from dist/ (beside the bundle), byte for byte but for the source-map comment', async () => {
    for (const name of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
      const served = await (await fetch(`${srv.url}/api-docs/assets/${name}`)).text();
      const built = readFileSync(join(REPO_ROOT, 'dist', name), 'utf8');
      assert.equal(
        served.trimEnd(),
        built.replace(/(\/\/# sourceMappingURL=\S+|\/\*# sourceMappingURL=[^*]*\*\/)\s*$/, '').trimEnd(),
      );
    }
    const license = await fetch(`${srv.url}/api-docs/assets/swagger-ui-bundle.js.LICENSE.txt`);
    assert.equal(license.status, 200);
    assert.match(await license.text(), /Apache License[\s\S]*SmartBear/);
  });

  test('gzip when asked, ETag revalidation, HEAD; an unversioned URL revalidates', async () => {
    const ref = references().find((r) => r.includes('swagger-ui-bundle.js'))!;
    const plain = (await get(ref, { 'accept-encoding': 'identity' })).body;
    // The gzip is made in the background after the first load: poll (briefly) until it is served.
    let raw = await get(ref, { 'accept-encoding': 'gzip' });
    for (let i = 0; i < 100 && raw.headers['content-encoding'] !== 'gzip'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      raw = await get(ref, { 'accept-encoding': 'gzip' });
    }
    assert.equal(raw.status, 200);
    assert.equal(raw.headers['content-encoding'], 'gzip');
    assert.ok(raw.body.length < plain.length / 3, `gzip ${raw.body.length} of ${plain.length}`);
    assert.deepEqual(gunzipSync(raw.body), plain);

    const hash = ref.slice(-16);
    assert.equal(raw.headers.etag, `"${hash}-gzip"`, 'one ETag per representation');
    const again = await get(ref, { 'accept-encoding': 'identity', 'if-none-match': `"${hash}"` });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    assert.equal((await get(ref, { 'accept-encoding': 'gzip', 'if-none-match': `"${hash}-gzip"` })).status, 304);
    assert.equal((await get(ref, { 'accept-encoding': 'gzip', 'if-none-match': `"${hash}"` })).status, 200);
    const head = await fetch(`${srv.url}${ref}`, { method: 'HEAD', headers: { 'accept-encoding': 'identity' } });
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers.get('content-length')), plain.length);
    assert.equal((await head.arrayBuffer()).byteLength, 0);
    const unversioned = await fetch(`${srv.url}/api-docs/assets/swagger-ui-bundle.js`);
    assert.equal(unversioned.status, 200);
    assert.equal(unversioned.headers.get('cache-control'), 'no-cache');
    await unversioned.arrayBuffer();
  });

  test('nothing else under /api-docs/assets/: 404 problem; other methods are not served', async () => {
    for (const path of [
      '/api-docs/assets/swagger-ui-bundle.js.map',
      '/api-docs/assets/index.html',
      '/api-docs/assets/%2e%2e%2fpackage.json',
      '/api-docs/assets/constructor',
      '/api-docs/assets/',
    ]) {
      const res = await fetch(`${srv.url}${path}`);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/, path);
      await res.arrayBuffer();
    }
    const post = await fetch(`${srv.url}/api-docs/assets/swagger-ui.css`, { method: 'POST' });
    assert.equal(post.status, 404);
    await post.arrayBuffer();
  });

  test('GET /api-docs/openapi.json is unchanged: the OpenAPI 3.1 document as JSON', async () => {
    const res = await fetch(`${srv.url}/api-docs/openapi.json`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const doc = (await res.json()) as { openapi: string; servers: { url: string }[] };
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.servers[0]?.url, srv.url);
  });
});
