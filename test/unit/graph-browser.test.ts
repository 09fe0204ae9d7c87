// The workflow graph webview in a real browser: headless Chromium (playwright-core, Debian's chromium as in the e2e
// suite) loads the page the panel serves — graphHtml's strict CSP, the bundled webview script, media/graph.css —
// from 127.0.0.1. VS Code's webview host is the one thing stood in for: a nonce'd script that gives the page
// `acquireVsCodeApi` and records what it posts (the e2e suite covers the real host). What a user does here: sees the
// nodes, clicks one or uses Tab/arrows/Enter, reads its details (masked logs, problems), sees it follow an edit, and in
// high contrast gets the contrast borders; nothing may leave loopback or violate the CSP, and a node's name is text.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { graphHtml } from '../../client/src/graph/html';
import { graphFromText } from '../../client/src/graph/model';
import type { GraphModel } from '../../client/src/graph/types';
import { bundleGraphView } from '../helpers/graphView';
import { chromiumGate, type LoopbackPage, loopbackPage } from '../helpers/chromium';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CANARY = 'canary-graph-value-7Qm2xZ';
// CI installs Chromium (.ci/run); without it this fails in CI and is a loud skip elsewhere (test/helpers/chromium.ts).
const skip = chromiumGate('the graph webview in Chromium (test/unit/graph-browser.test.ts)');

const TEXT = JSON.stringify(
  {
    id: 'wf_graph_browser',
    name: 'Graph in a browser',
    nodes: [
      { id: 'start', type: 'trigger' },
      {
        id: 'fetch',
        type: 'http',
        method: 'GET',
        url: 'https://api.example.com/items',
        credential: 'cred_api',
        headers: { 'X-Trace': CANARY },
      },
      { id: 'shape', name: '<img src=x onerror="window.__pwned=1">', type: 'code', code: 'return 1;' },
    ],
    connections: [
      { from: 'start', to: 'fetch' },
      { from: 'fetch', to: 'shape' },
    ],
  },
  null,
  2,
);

function model(extraNode = false): GraphModel {
  const text = extraNode
    ? TEXT.replace('"connections"', '"connections_"')
        .replace(
          /\n {2}\],\n {2}"connections_"/,
          ',\n    { "id": "post", "type": "slack.postMessage" }\n  ],\n  "connections"',
        )
        .replace('"connections_"', '"connections"')
    : TEXT;
  const at = text.indexOf('"X-Trace"');
  return graphFromText(text, {
    diagnostics: [{ start: at, end: at + 9, severity: 'error', message: 'hard-coded secret in a header' }],
    credentialNames: new Map([['cred_api', 'Example API']]),
    where: 'local',
    run: {
      id: 'exe_1',
      workflowId: 'wf_graph_browser',
      status: 'succeeded',
      durationMs: 31,
      nodes: [
        { id: 'start', status: 'succeeded', durationMs: 0.4, logs: [] },
        {
          id: 'fetch',
          status: 'succeeded',
          durationMs: 27,
          logs: [{ level: 'info', message: 'GET api.example.com X-Trace: ****' }],
        },
        { id: 'shape', status: 'failed', durationMs: 2, error: 'TypeError: x is undefined', logs: [] },
      ],
    } as never,
  });
}

describe('the workflow graph webview in Chromium', { skip }, () => {
  let server: Server;
  let origin = '';
  let browser: Browser;
  let page: Page;
  let b: LoopbackPage;
  const nonce = randomBytes(18).toString('base64');

  before(async () => {
    const bundle = await bundleGraphView();
    const script = bundle.outputFiles[0]!.text;
    const css = readFileSync(join(ROOT, 'media/graph.css'), 'utf8');
    // VS Code's webview host, stood in for: acquireVsCodeApi, state, and a record of the page's messages.
    const host = `window.__posted = []; let state;
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => state, setState: (s) => { state = s; } });`;
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const send = (type: string, body: string) => res.writeHead(200, { 'content-type': type }).end(body);
      if (path === '/graphView.js') return send('text/javascript', script);
      if (path === '/host.js') return send('text/javascript', host);
      if (path === '/graph.css') return send('text/css', css);
      if (path !== '/') return res.writeHead(404).end();
      const html = graphHtml({
        cspSource: origin,
        nonce,
        scriptUri: `${origin}/graphView.js`,
        styleUri: `${origin}/graph.css`,
        title: 'Graph: w.flero.json',
      }).replace('<script nonce=', `<script nonce="${nonce}" src="${origin}/host.js"></script>\n<script nonce=`);
      return send('text/html', html);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    b = await loopbackPage({ width: 1000, height: 700 });
    ({ browser, page } = b);
    await page.goto(`${origin}/`);
    await page.locator('#graph .message').waitFor();
    await post(model());
    await page.locator('g.node').nth(2).waitFor();
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
  });

  /** The extension's message to the page, as panel.ts posts it. */
  async function post(m: GraphModel): Promise<void> {
    await page.evaluate(
      `window.postMessage(${JSON.stringify({ type: 'graph', model: m, file: 'w.flero.json' })}, '*')`,
    );
  }
  const posted = async () =>
    (await page.evaluate('window.__posted')) as { type: string; nodeId?: string; labels?: string[] }[];
  const reveals = async () => (await posted()).filter((m) => m.type === 'reveal').map((m) => m.nodeId);

  test('draws each node with its kind, the credential by name, the run status and the problems; names are text', async () => {
    const drawn = (await posted()).filter((m) => m.type === 'drawn').at(-1)?.labels;
    assert.deepEqual(drawn, [
      'start (trigger) — succeeded in 0.4 ms',
      'fetch (http) — succeeded in 27 ms, 1 error, credential Example API (cred_api)',
      '<img src=x onerror="window.__pwned=1"> (code) — failed in 2 ms',
    ]);
    const fetch = page.locator('g.node[data-key="fetch"]');
    assert.match((await fetch.getAttribute('class')) ?? '', /\bkind-http\b.*\bsev-error\b/);
    assert.equal(await fetch.locator('text.credential').textContent(), 'Example API');
    assert.equal(await fetch.locator('text.problems').textContent(), '✕ 1');
    assert.equal(await fetch.locator('.badge text').textContent(), '✓');
    assert.match((await page.locator('g.node[data-key="shape"]').getAttribute('class')) ?? '', /status-failed/);
    assert.equal(await page.locator('img').count(), 0, "a node's name became markup");
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    assert.match((await page.locator('#banner').textContent()) ?? '', /Last run \(local\): succeeded in 31 ms/);
    assert.ok(!(await page.content()).includes(CANARY), 'the header value reached the page');
  });

  test('click a node: it is selected, the extension is asked to reveal it, its details show masked logs and problems', async () => {
    await page.locator('g.node[data-key="fetch"]').click();
    assert.deepEqual(await reveals(), ['fetch']);
    assert.equal(await page.locator('g.node[data-key="fetch"]').getAttribute('aria-pressed'), 'true');
    const details = (await page.locator('#details').textContent()) ?? '';
    assert.match(details, /Credential\s*Example API \(cred_api\)/);
    assert.match(details, /Status\s*succeeded in 27 ms/);
    assert.match(details, /Problems: 1 error/);
    assert.match(details, /hard-coded secret in a header/);
    assert.match(details, /Logs \(1\).*GET api\.example\.com X-Trace: \*\*\*\*/s);
    await page.locator('#details button.reveal').click();
    assert.deepEqual(await reveals(), ['fetch', 'fetch']);
  });

  test('keyboard: one tab stop; arrows follow the connections; Enter reveals', async () => {
    const tabStops = await page.locator('g.node[tabindex="0"]').count();
    assert.equal(tabStops, 1, 'roving tabindex: exactly one node is in the tab order');
    await page.locator('g.node[data-key="start"]').focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate('document.activeElement.dataset.key'), 'fetch');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate('document.activeElement.dataset.key'), 'shape');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.evaluate('document.activeElement.dataset.key'), 'fetch');
    await page.keyboard.press('Home');
    assert.equal(await page.evaluate('document.activeElement.dataset.key'), 'start');
    const before = (await reveals()).length;
    await page.keyboard.press('Enter');
    assert.deepEqual((await reveals()).slice(before), ['start']);
    assert.match((await page.locator('#details').textContent()) ?? '', /Type\s*trigger/);
  });

  test('follows an edit: a new node appears, the selection stays', async () => {
    await page.locator('g.node[data-key="shape"]').click();
    await post(model(true));
    await page.locator('g.node[data-key="post"]').waitFor();
    assert.equal(await page.locator('g.node').count(), 4);
    assert.equal(await page.locator('g.node[data-key="shape"]').getAttribute('aria-pressed'), 'true');
    await post({
      nodes: [],
      edges: [],
      diagnostics: [],
      error: 'This file is not valid JSON: ValueExpected at line 3, column 1.',
    });
    assert.match((await page.locator('#graph').textContent()) ?? '', /not valid JSON: ValueExpected at line 3/);
    await post(model());
    await page.locator('g.node').nth(2).waitFor();
  });

  test('high contrast: boxes get the contrast border, the selected node a 3 px active border', async () => {
    const stroke = () =>
      page.evaluate(
        `[...document.querySelectorAll('g.node .box')].map((b) => getComputedStyle(b).strokeWidth + ' ' + getComputedStyle(b).stroke)`,
      ) as Promise<string[]>;
    await page.evaluate(`document.body.style.setProperty('--vscode-contrastBorder', 'rgb(111, 195, 223)');
      document.body.style.setProperty('--vscode-contrastActiveBorder', 'rgb(243, 133, 51)')`);
    const normal = await stroke();
    await page.evaluate(`document.body.classList.add('vscode-high-contrast')`);
    await page.locator('g.node[data-key="fetch"]').click();
    const contrast = await stroke();
    assert.notDeepEqual(contrast, normal, 'high contrast changed no border');
    assert.ok(contrast.includes('1px rgb(111, 195, 223)'), contrast.join(' | '));
    assert.ok(contrast.includes('3px rgb(243, 133, 51)'), contrast.join(' | '));
    await page.evaluate(`document.body.classList.remove('vscode-high-contrast')`);
  });

  test('fits a narrow panel: the graph scales down instead of cutting off the last node', async () => {
    await page.setViewportSize({ width: 640, height: 600 });
    const fits = (await page.evaluate(`(() => {
      const g = document.querySelector('#graph'), svg = g.querySelector('svg');
      return svg.getBoundingClientRect().right <= g.getBoundingClientRect().right + 1;
    })()`)) as boolean;
    assert.ok(fits, 'the graph overflows the panel');
    // "Actual size" shows it as drawn (the panel scrolls); pressed again, it fits again. Keyboard: Enter on the button.
    const size = page.locator('#banner button.size');
    assert.equal(await size.textContent(), 'Actual size');
    await size.focus();
    await page.keyboard.press('Enter');
    const drawn = (await page.evaluate(`(() => {
      const svg = document.querySelector('#graph svg');
      return [svg.getBoundingClientRect().width, Number(svg.getAttribute('width'))];
    })()`)) as [number, number];
    assert.ok(Math.abs(drawn[0] - drawn[1]) < 1, `actual size: drawn ${drawn[0]} px of ${drawn[1]}`);
    assert.equal(await size.getAttribute('aria-pressed'), 'true');
    assert.equal(await size.textContent(), 'Fit to panel');
    await post(model());
    await page.locator('g.node').nth(2).waitFor();
    assert.equal(await page.locator('#banner button.size').textContent(), 'Fit to panel', 'a redraw forgot the size');
    await page.locator('#banner button.size').click();
    assert.equal(await page.locator('#graph.actual-size').count(), 0);
    await page.setViewportSize({ width: 1000, height: 700 });
  });

  test('under its CSP: nothing left 127.0.0.1, no violation, no console error', async () => {
    assert.deepEqual(b.escaped, []);
    assert.deepEqual(await b.violations(), []);
    assert.deepEqual(b.consoleErrors, []);
  });
});
