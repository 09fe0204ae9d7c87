// /api-docs in a real browser: headless Chromium (playwright-core) against the real server, every request that would
// leave 127.0.0.1 aborted and counted. The reference must render under its own CSP with no console error and no CSP
// violation, show every tag and every operation of the OpenAPI document, the bearer scheme and each operation's scope
// and problem responses; then it is photographed: into a temp dir, or with FLERO_UPDATE_SCREENSHOTS=1 for the README
// (test/e2e/screenshots/api-docs.png). Without Chromium it fails in CI (CI=true, FLERO_REQUIRE_CHROMIUM=1) and skips
// with a banner elsewhere (test/helpers/chromium.ts).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumGate, type LoopbackPage, loopbackPage, screenshotPath } from '../helpers/chromium';
import { type RunningServer, startServer } from '../helpers/server';

const SCREENSHOT = screenshotPath('api-docs.png');
const skip = chromiumGate('/api-docs in Chromium (test/api/api-docs-browser.test.ts)');

interface Doc {
  tags?: { name: string }[];
  paths: Record<string, Record<string, { summary?: string; tags?: string[]; security?: unknown[] }>>;
}

describe('/api-docs in Chromium, offline', { skip }, () => {
  let srv: RunningServer;
  let browser: Browser;
  let page: Page;
  let doc: Doc;
  let b: LoopbackPage;

  before(async () => {
    srv = await startServer();
    doc = (await (await fetch(`${srv.url}/api-docs/openapi.json`)).json()) as Doc;
    b = await loopbackPage({ width: 1400, height: 900 });
    ({ browser, page } = b);
    await page.goto(`${srv.url}/api-docs`);
    const operations = Object.values(doc.paths).reduce((n, methods) => n + Object.keys(methods).length, 0);
    // Rendered: one operation block per operation of the document.
    // A locator, not waitForFunction: a string predicate is eval'ed in the page, which this page's CSP refuses.
    await page
      .locator('.opblock')
      .nth(operations - 1)
      .waitFor({ timeout: 60_000 });
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('renders under its CSP: no request leaves 127.0.0.1, no console error, no CSP violation', async () => {
    const violations = await b.violations();
    assert.deepEqual(b.escaped, [], 'requests that tried to leave loopback');
    assert.deepEqual(violations, [], 'securitypolicyviolation events');
    assert.deepEqual(b.consoleErrors, [], 'console errors');
  });

  test('shows every tag and every operation (summary or METHOD path) of the OpenAPI document', async () => {
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, what a person reads
    const text = await page.locator('body').innerText();
    const flat = text.replace(/[\u200b\s]+/g, ' ');
    const tags = new Set(doc.tags?.map((t) => t.name) ?? []);
    for (const methods of Object.values(doc.paths))
      for (const op of Object.values(methods)) for (const t of op.tags ?? []) tags.add(t);
    assert.ok(tags.size > 0, 'the document has tags');
    const missing: string[] = [];
    for (const t of tags) if (!flat.includes(t)) missing.push(`tag ${t}`);
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods)) {
        const line = `${method.toUpperCase()} ${path}`;
        if (!(op.summary && flat.includes(op.summary)) && !flat.includes(line)) missing.push(line);
      }
    assert.deepEqual(missing, [], 'not in the rendered page');
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    process.stderr.write(`screenshot: ${SCREENSHOT}\n`);
  });

  test('an operation shows its scope (x-flero-scope, the lock) and its problem responses', async () => {
    const block = page.locator('#operations-workflows-listWorkflows');
    await block.locator('.opblock-summary-control').click();
    await block.locator('.responses-wrapper').waitFor();
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, what a person reads
    const text = (await block.innerText()).replace(/[\u200b\s]+/g, ' ');
    assert.match(text, /x-flero-scope/);
    assert.match(text, /workflows:read/);
    for (const status of ['200', '401', '403', '429']) assert.match(text, new RegExp(`\\b${status}\\b`), status);
    assert.match(text, /application\/problem\+json/);
    assert.equal(await block.locator('.authorization__btn').count(), 1, 'the lock of a protected operation');
  });

  test('Authorize shows the bearer scheme and its scopes', async () => {
    await page.locator('.auth-wrapper .authorize').click();
    const dialog = page.locator('.modal-ux');
    await dialog.waitFor();
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, what a person reads
    const text = (await dialog.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /bearer \(http, Bearer\)/);
    assert.match(text, /workflows:read/);
    assert.deepEqual(b.escaped, [], 'requests that tried to leave loopback');
    assert.deepEqual(b.consoleErrors, [], 'console errors');
  });
});
