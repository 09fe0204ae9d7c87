// The UI scenario of issue 6, as a person does it in the real workbench (code-server + Chromium).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { activityBarContainer, allCommands, findCommand, hiddenFromPalette } from '../lib/manifest.mjs';
import { pollUntil } from '../lib/proc.mjs';
import { isFleroKey } from '../lib/sweep.mjs';
import { clickLens, editorSteps, runShowing } from './editorSteps.mjs';
import { CREDENTIAL_ID, WORKFLOW_FILE } from './workspace.mjs';

const KEY_NAME = 'e2e-ci-key';
const KEY_SCOPES = ['workflows:read', 'executions:write'];
const EXPIRING_KEY = 'e2e-expiring';
const KEY_RE = /[a-z][a-z0-9_]{0,30}_[0-9A-Za-z]{36}/g;

const T = {
  startServer: /^Start Local Server$/i,
  generateKey: /^Generate API Key$/i,
  revokeKey: /^Revoke API Key$/i,
  rollKey: /^Roll API Key$/i,
  addCredential: /^Add Credential$/i,
  testConnection: /^Test Connection$/i,
  runWorkflow: /^Run Workflow$/i,
  showLogs: /^Show Logs$/i,
};

/** Every file under dir (recursive). */
function files(dir) {
  const out = [];
  let names = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) out.push(...files(p));
    else if (st?.isFile()) out.push(p);
  }
  return out;
}

/** The extension's "Flero" log channel file(s) in VS Code's logs folder. */
export function fleroLogText(userDataDir) {
  return files(join(userDataDir, 'logs'))
    .filter((f) => /[/\\]Flero\.log$/.test(f))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

/** Polls `check` like pollUntil, but fails at once when the UI shows an error (toast or dialog). */
async function waitFor(ctx, what, check, opts) {
  return pollUntil(
    what,
    async () => {
      const err = await ctx.wb.errorShown();
      if (err) throw new UiError(`the UI shows an error: ${err}`);
      return check();
    },
    { ...opts, failFast: (e) => e instanceof UiError },
  );
}

class UiError extends Error {}

/** @type {import('./runner.mjs').UiStep[]} */
export const steps = [
  {
    name: 'workbench-opens',
    title: 'the VS Code workbench opens on the workspace',
    timeoutMs: 120_000,
    async run({ wb, page, codeServer }) {
      await page.goto(codeServer.url);
      await wb.waitReady(110_000);
      // The explorer shows the workspace's workflow file: the folder really opened.
      await page
        .locator('.explorer-folders-view .monaco-list-row', { hasText: '.flero.json' })
        .first()
        .waitFor({ timeout: 60_000 });
    },
  },
  {
    name: 'flero-activity-bar',
    title: 'the Flero icon is in the activity bar and opens the Flero sidebar with its views',
    deps: ['workbench-opens'],
    needs: { extra: (m) => (activityBarContainer(m) ? undefined : 'an activity-bar view container') },
    async run({ page, manifest }) {
      const container = activityBarContainer(manifest);
      const icon = page.locator(`.activitybar [aria-label^="${container.title}"]`).first();
      await icon.waitFor({ state: 'visible', timeout: 30_000 });
      await icon.click();
      await page
        .locator('.sidebar .composite.title', { hasText: new RegExp(container.title, 'i') })
        .first()
        .waitFor({ timeout: 15_000 });
      const want = container.views.map((v) => v.name);
      const headers = await pollUntil(
        `sidebar view headers ${want.join(', ')}`,
        async () => {
          const got = await page.locator('.sidebar .pane-header').allInnerTexts();
          const norm = got.map((t) => t.replace(/\s+/g, ' ').trim().toLowerCase());
          return want.every((w) => norm.some((g) => g.startsWith(w.toLowerCase()))) ? got : undefined;
        },
        { timeoutMs: 20_000 },
      );
      return `views: ${headers.map((h) => h.split('\n')[0]).join(' | ')}`;
    },
  },
  {
    name: 'command-palette',
    title: 'the command palette lists the Flero commands',
    deps: ['workbench-opens'],
    needs: { commands: [T.startServer] },
    async run(ctx) {
      const { wb, page, manifest } = ctx;
      await wb.openPalette('Flero:');
      const hidden = hiddenFromPalette(manifest);
      const expected = allCommands(manifest).filter((c) => !hidden.has(c.id) && c.palette.startsWith('Flero:'));
      const rows = await pollUntil(
        'Flero commands in the palette',
        async () => {
          const labels = await wb.quickPickLabels();
          return labels.length > 0 && labels.every((l) => /Flero/i.test(l)) ? labels : undefined;
        },
        { timeoutMs: 15_000 },
      );
      await ctx.shot('list');
      // The list is virtualised: check each expected command by filtering for it.
      const notFound = [];
      for (const want of [T.startServer, T.generateKey, T.addCredential, T.runWorkflow]) {
        const c = findCommand(manifest, want);
        if (!c) continue;
        await page.locator('.quick-input-widget input').first().fill(`>${c.palette}`);
        const ok = await page
          .locator('.quick-input-list .monaco-list-row', { hasText: c.palette })
          .first()
          .waitFor({ timeout: 5000 })
          .then(() => true)
          .catch(() => false);
        if (!ok) notFound.push(c.palette);
      }
      await page.locator('.quick-input-widget input').first().fill('>Flero:');
      await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
      if (notFound.length) throw new Error(`not in the palette: ${notFound.join(', ')}`);
      await page.keyboard.press('Escape');
      return `${rows.length} rows visible for "Flero:", ${expected.length} Flero commands contributed`;
    },
  },
  {
    name: 'start-local-server',
    title: 'Flero: Start Local Server starts the bundled server and the extension connects',
    deps: ['workbench-opens'],
    needs: { commands: [T.startServer] },
    timeoutMs: 120_000,
    async run(ctx) {
      const { wb, page, manifest, userDataDir } = ctx;
      await wb.runCommand(findCommand(manifest, T.startServer).palette);
      // Progress while it starts (notification or status bar); take a picture of it if we catch it.
      await ctx.shot('starting');
      const url = await waitFor(
        ctx,
        'the local server to announce "Flero API listening on" in the Flero log',
        () => /Flero API listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(fleroLogText(userDataDir))?.[1],
        { timeoutMs: 100_000, intervalMs: 250 },
      );
      const health = await fetch(`${url}/healthz`).then((r) => r.json());
      if (health.status !== 'ok') throw new Error(`${url}/healthz answered ${JSON.stringify(health)}`);
      ctx.state.localUrl = url;
      // The status bar tells the user it is connected (the owner key went into SecretStorage).
      const status = await waitFor(
        ctx,
        'a Flero status bar item that shows the connection',
        async () => {
          const items = await page
            .locator('.statusbar-item')
            .evaluateAll((els) =>
              els.map((e) =>
                `${e.textContent ?? ''} ${e.getAttribute('aria-label') ?? ''}`.replace(/\s+/g, ' ').trim(),
              ),
            );
          // Connected: "Flero: local · <key name>" (not starting, signed out, error or no server).
          return items.find((t) => /Flero: local · /.test(t) && !/signed out|error|starting|no server/i.test(t));
        },
        { timeoutMs: 60_000 },
      );
      return `local server ${url}; status bar: "${status}"`;
    },
  },
];

/** Status and WWW-Authenticate of GET <base><path> with a bearer key. */
async function callWithKey(base, path, key) {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${key}` } });
  await res.arrayBuffer();
  return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate') ?? '' };
}

/** Waits for the quick input whose title matches `re` (the steps of a multi-step input). */
async function waitStep(ctx, re) {
  const title = ctx.page.locator('.quick-input-widget .quick-input-title', { hasText: re }).first();
  await waitFor(ctx, `the quick input "${re}"`, () => title.isVisible(), { timeoutMs: 20_000 });
  await ctx.page.locator('.quick-input-widget input').first().waitFor({ state: 'visible' });
}

/**
 * Checks the scope's row in the Scopes pick until the pick itself counts `selected` (its "N Selected" badge) and
 * stays so: a click while the pick is still being filled (the rows are set again as it opens) can be undone by that
 * refill, though the row said aria-checked for a moment.
 */
async function checkScope(ctx, scope, selected) {
  const { page } = ctx;
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: scope }).first();
  const count = page.locator('.quick-input-widget .quick-input-count').first();
  const counted = async () =>
    new RegExp(`^\\s*${selected} Selected`).test((await count.textContent().catch(() => '')) ?? '');
  for (let i = 0; i < 4; i++) {
    await row.waitFor({ state: 'visible' });
    if ((await row.getAttribute('aria-checked')) !== 'true')
      await row.locator('.quick-input-list-checkbox, input[type=checkbox], .monaco-checkbox').first().click();
    const ok = await waitFor(ctx, `${scope} to be checked`, async () => ((await counted()) ? true : undefined), {
      timeoutMs: 3000,
    }).catch(() => false);
    if (!ok) continue;
    await new Promise((r) => setTimeout(r, 300));
    if ((await counted()) && (await row.getAttribute('aria-checked')) === 'true') return;
  }
  throw new Error(
    `could not check ${scope} in the Scopes pick (it counts: ${await count.textContent().catch(() => '?')})`,
  );
}

async function clipboard(page) {
  return page.evaluate(() => navigator.clipboard.readText());
}

steps.push(
  {
    name: 'generate-key',
    title: 'Generate API Key: name → scopes → workflows → expiry, then the key is shown once and copied',
    deps: ['start-local-server'],
    needs: { commands: [T.generateKey] },
    timeoutMs: 90_000,
    async run(ctx) {
      const { wb, page, manifest } = ctx;
      await wb.runCommand(findCommand(manifest, T.generateKey).palette);
      await waitStep(ctx, /Name/);
      await page.locator('.quick-input-widget input').first().fill(KEY_NAME);
      await ctx.shot('1-name');
      await page.keyboard.press('Enter');
      await waitStep(ctx, /Scopes/);
      for (const [i, scope] of KEY_SCOPES.entries()) await checkScope(ctx, scope, i + 1);
      await ctx.shot('2-scopes');
      await page.keyboard.press('Enter');
      await waitStep(ctx, /Workflows/);
      await wb.pick('All workflows');
      await waitStep(ctx, /Expiry/);
      await ctx.shot('3-expiry');
      await wb.pick('30 days');
      const dialog = wb.dialog();
      await waitFor(ctx, 'the "shown only once" dialog', async () => /only once/i.test(await dialog.textContent()), {
        timeoutMs: 30_000,
      });
      const text = await dialog.textContent();
      const key = [...text.matchAll(KEY_RE)].map((m) => m[0]).find(isFleroKey);
      if (!key) throw new Error(`the dialog shows no well-formed Flero key: ${text.replace(KEY_RE, '<key>')}`);
      ctx.revealedKey(key);
      ctx.state.key = key;
      // The picture documents the dialog; the key itself is masked in it.
      await ctx.shot('4-shown-once');
      await wb.clickDialogButton('Copy');
      await dialog.waitFor({ state: 'hidden' });
      const copiedNote = await wb.waitNotification(/copied to the clipboard/);
      if (/kept/i.test(copiedNote)) throw new Error(`"Copy" also kept the key: ${copiedNote}`);
      await waitFor(ctx, '"Copy" to put the key on the clipboard', async () => (await clipboard(page)) === key, {
        timeoutMs: 10_000,
      });
      await page.evaluate(() => navigator.clipboard.writeText(''));
      // Shown once: nothing on screen holds it any more.
      const body = await page.evaluate(() => document.body.textContent);
      if (body.includes(key)) throw new Error('the key is still visible after the dialog closed');
      // The key works, with exactly its scopes.
      const ok = await callWithKey(ctx.state.localUrl, '/api/workflows', key);
      const forbidden = await callWithKey(ctx.state.localUrl, '/api/api-keys', key);
      if (ok.status !== 200) throw new Error(`GET /api/workflows with the new key answered ${ok.status}, expected 200`);
      if (forbidden.status !== 403)
        throw new Error(`GET /api/api-keys (scope not granted) answered ${forbidden.status}, expected 403`);
      return `key shown once (${key.slice(0, 13)}…); GET /api/workflows → 200, GET /api/api-keys → 403 insufficient_scope`;
    },
  },
  {
    name: 'key-in-tree',
    title: 'the new key is in the API Keys tree with its scopes',
    deps: ['generate-key'],
    needs: { views: [/^API Keys$/] },
    async run(ctx) {
      const { wb } = ctx;
      await wb.expandPane('API Keys');
      const row = wb.treeRow('API Keys', KEY_NAME);
      await waitFor(ctx, `a "${KEY_NAME}" row in API Keys`, () => row.isVisible(), { timeoutMs: 20_000 });
      if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
      const scopesRow = ctx.page
        .locator('.sidebar .pane .monaco-list-row', { hasText: /^\s*Scopes/ })
        .filter({ hasText: KEY_SCOPES[0] })
        .first();
      await waitFor(ctx, 'the key\'s "Scopes" row', () => scopesRow.isVisible(), { timeoutMs: 10_000 });
      if ((await scopesRow.getAttribute('aria-expanded')) === 'false') await scopesRow.click();
      const rows = await waitFor(
        ctx,
        `scope rows ${KEY_SCOPES.join(', ')} under the key`,
        async () => {
          const r = await wb.treeRows('API Keys');
          return KEY_SCOPES.every((sc) => r.some((t) => t.startsWith(sc))) ? r : undefined;
        },
        { timeoutMs: 10_000 },
      );
      return rows.filter((r) => r.includes(KEY_NAME) || KEY_SCOPES.some((sc) => r.startsWith(sc))).join(' | ');
    },
  },
  {
    name: 'revoke-key',
    title: 'revoke the key from its context menu (modal confirmation); the server answers 401 for it',
    deps: ['key-in-tree'],
    needs: { commands: [T.revokeKey] },
    async run(ctx) {
      const { wb, manifest } = ctx;
      const row = wb.treeRow('API Keys', KEY_NAME);
      await wb.contextMenu(row, findCommand(manifest, T.revokeKey).title);
      const dialog = wb.dialog();
      await waitFor(ctx, 'the revoke confirmation', async () => /Revoke the API key/.test(await dialog.textContent()), {
        timeoutMs: 10_000,
      });
      await ctx.shot('confirm');
      await wb.clickDialogButton('Revoke');
      await wb.waitNotification(/was revoked/);
      const after = await callWithKey(ctx.state.localUrl, '/api/workflows', ctx.state.key);
      if (after.status !== 401) throw new Error(`after revoke the server answered ${after.status}, expected 401`);
      if (!/invalid_token/.test(after.wwwAuthenticate)) throw new Error(`WWW-Authenticate: ${after.wwwAuthenticate}`);
      await waitFor(ctx, 'the key row to show "revoked"', async () => /revoked/i.test(await row.textContent()), {
        timeoutMs: 15_000,
      });
      return `401 ${after.wwwAuthenticate}`;
    },
  },
  {
    name: 'add-credential',
    title: 'Add Credential: service → auth type → value in a password box → header → test URL → id → tested → saved',
    deps: ['start-local-server'],
    needs: { commands: [T.addCredential] },
    timeoutMs: 90_000,
    async run(ctx) {
      const { wb, page, manifest, upstream, canary } = ctx;
      const before = upstream.authorized().length;
      await wb.runCommand(findCommand(manifest, T.addCredential).palette);
      await waitStep(ctx, /Service/);
      await wb.pick('Generic HTTP service');
      await waitStep(ctx, /Auth Type/);
      await wb.pick('API key');
      await waitStep(ctx, /Value/);
      const input = page.locator('.quick-input-widget input').first();
      const type = await input.getAttribute('type');
      if (type !== 'password') throw new Error(`the value box is type="${type}", expected a password box`);
      await input.fill(canary);
      await ctx.shot('1-password');
      await page.keyboard.press('Enter');
      await waitStep(ctx, /Placement/);
      await wb.pick('Header');
      await waitStep(ctx, /Header Name/);
      const prefilled = await input.inputValue();
      if (prefilled !== 'X-API-Key') throw new Error(`header name pre-filled with "${prefilled}", expected X-API-Key`);
      await page.keyboard.press('Enter');
      await waitStep(ctx, /Header Prefix/);
      await page.keyboard.press('Enter');
      await waitStep(ctx, /Test URL/);
      await wb.typeAndEnter(`${upstream.url}/`);
      await waitStep(ctx, /Credential ID/);
      await wb.typeAndEnter(CREDENTIAL_ID);
      // The connection test runs against the real upstream; then where to save.
      await waitStep(ctx, /Save To/);
      if (upstream.authorized().length <= before) throw new Error('the upstream never received the credential');
      const last = upstream.authorized().at(-1);
      if (last.headers['x-api-key'] !== canary) throw new Error('the test call did not carry the key in X-API-Key');
      await ctx.shot('2-save-to');
      await wb.pick('Both');
      const note = await wb.waitNotification(/Saved the credential/);
      await wb.expandPane('Credentials');
      const rows = await waitFor(
        ctx,
        `${CREDENTIAL_ID} in the Credentials view`,
        async () => {
          const r = await wb.treeRows('Credentials');
          return r.filter((t) => t.includes(CREDENTIAL_ID)).length >= 2 ? r : undefined;
        },
        { timeoutMs: 15_000 },
      );
      return `${note}; rows: ${rows.filter((t) => t.includes(CREDENTIAL_ID)).join(' | ')}`;
    },
  },
  {
    name: 'test-connection',
    title: "Test Connection from the credential's context menu reaches the upstream with the key",
    deps: ['add-credential'],
    needs: { commands: [T.testConnection] },
    async run(ctx) {
      const { wb, manifest, upstream } = ctx;
      const before = upstream.authorized().length;
      const row = wb.page
        .locator('.sidebar .pane .monaco-list-row', { hasText: CREDENTIAL_ID })
        .filter({ hasText: 'SecretStorage' })
        .first();
      await wb.contextMenu(row, findCommand(manifest, T.testConnection).title);
      const note = await wb.waitNotification(/Connection OK/);
      if (upstream.authorized().length <= before) throw new Error('the upstream received no authorized request');
      return note;
    },
  },
  {
    name: 'workflow-problems',
    title: 'open the workflow: the Code node that logs a header is a warning in Problems',
    deps: ['workbench-opens'],
    async run(ctx) {
      const { page } = ctx;
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').first().fill(WORKFLOW_FILE);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: WORKFLOW_FILE }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: WORKFLOW_FILE }).waitFor({ timeout: 15_000 });
      await page.keyboard.press('Control+Shift+M');
      const problem = page.locator('.markers-panel .monaco-list-row', { hasText: /x-api-key|header/i }).first();
      await waitFor(ctx, 'a log-leak warning in Problems', () => problem.isVisible(), { timeoutMs: 45_000 });
      const text = (await problem.textContent()).replace(/\s+/g, ' ');
      if (!/log-leak/.test(text)) throw new Error(`the problem is not the log-leak check: ${text}`);
      ctx.state.problemText = text;
      return text;
    },
  },
  {
    name: 'quick-fix',
    title: 'apply the quick fix: the header is no longer logged and the warning goes away',
    deps: ['workflow-problems'],
    async run(ctx) {
      const { page } = ctx;
      const problem = page.locator('.markers-panel .monaco-list-row', { hasText: /log-leak/ }).first();
      // The light bulb on the problem's row offers the fixes (as in the screenshot of the previous step).
      await problem.hover();
      await problem.locator('[class*="light-bulb"], [class*="lightbulb"]').first().click();
      const fix = page
        .locator('.context-view .action-item, .monaco-menu .action-item, .action-widget .monaco-list-row', {
          hasText: /redacted/,
        })
        .first();
      await waitFor(ctx, 'the "Log \'[redacted]\'" quick fix', () => fix.isVisible(), { timeoutMs: 15_000 });
      await ctx.shot('menu');
      await fix.click();
      await waitFor(
        ctx,
        'the log-leak warning to disappear',
        async () => (await page.locator('.markers-panel .monaco-list-row', { hasText: /log-leak/ }).count()) === 0,
        { timeoutMs: 30_000 },
      );
      // Save, as a person would: focus the editor, Ctrl+S, until the file on disk has the fix.
      const saved = await waitFor(
        ctx,
        'the fixed workflow saved to disk',
        async () => {
          const text = readFileSync(join(ctx.workspace, WORKFLOW_FILE), 'utf8');
          if (text.includes('[redacted]')) return text;
          await page.locator('.tab', { hasText: WORKFLOW_FILE }).first().click();
          await page.keyboard.press('Control+S');
          return undefined;
        },
        { timeoutMs: 15_000, intervalMs: 500 },
      );
      if (/console\.log\('api key header:', res\.headers\['x-api-key'\]\)/.test(saved))
        throw new Error('the header is still logged');
    },
  },
  {
    name: 'run-workflow',
    title: 'click "Run workflow": the run succeeds and the execution shows masked logs',
    deps: ['quick-fix', 'add-credential'],
    needs: { commands: [T.runWorkflow] },
    timeoutMs: 90_000,
    async run(ctx) {
      const { wb, page, upstream, canary } = ctx;
      await page.locator('.tab', { hasText: WORKFLOW_FILE }).first().click();
      // The lenses sit above the workflow's first line.
      await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+Home');
      const lens = page.locator('.codelens-decoration a', { hasText: /Run workflow/ }).first();
      await waitFor(ctx, 'the "Run workflow" code lens', () => lens.isVisible(), { timeoutMs: 30_000 });
      const before = upstream.authorized().filter((r) => r.url.startsWith('/forecast')).length;
      await clickLens(page, /Run workflow/, () => runShowing(page));
      await ctx.shot('running');
      const note = await wb.waitNotification(/succeeded|failed|cancelled/, 60_000);
      if (!/succeeded/.test(note)) throw new Error(`the run did not succeed: ${note}`);
      const calls = upstream.authorized().filter((r) => r.url.startsWith('/forecast')).length;
      if (calls <= before) throw new Error('the run never called the upstream with the credential');
      // The execution document opens beside the workflow: copy its text as a person would.
      const execTab = page
        .locator('.tab', { hasText: /execution|exec_|\.json/i })
        .filter({ hasNotText: WORKFLOW_FILE });
      await waitFor(ctx, 'the execution document tab', () => execTab.first().isVisible(), { timeoutMs: 15_000 });
      await execTab.first().click();
      await page.locator('.editor-instance .monaco-editor .view-lines').last().click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Control+C');
      const text = await waitFor(ctx, 'the execution text on the clipboard', async () => {
        const t = await clipboard(page);
        return t.includes('succeeded') ? t : undefined;
      });
      await page.evaluate(() => navigator.clipboard.writeText(''));
      if (text.includes(canary)) throw new Error('the execution document contains the credential value');
      if (!text.includes('***')) throw new Error('the execution shows no masked (***) value');
      if (!text.includes('[redacted]')) throw new Error('the execution does not show the quick-fixed log line');
      // The verbose LSP trace of this run is in the Flero log, so the sweep checks what crossed the wire too.
      const trace = fleroLogText(ctx.userDataDir);
      if (!/Sending request 'flero\/runWorkflow/.test(trace))
        throw new Error('no LSP trace of the run in the Flero log: the sweep could not check the language-server wire');
      const logLine = text.split('\n').find((l) => l.includes('service said'));
      // Bring the masked log line into view for the screenshot (Find moves the editor to it).
      await page.keyboard.press('Control+F');
      await page.locator('.find-widget textarea, .find-widget input').first().fill('service said');
      await page.keyboard.press('Enter');
      await page.keyboard.press('Escape');
      return `${note}; log: ${logLine?.trim() ?? '(no "service said" line)'}`;
    },
  },
  {
    name: 'expiry-warning',
    title: 'a key generated with an expiry 2 days away gets a warning with "Roll now"; its row says "expiring"',
    deps: ['start-local-server'],
    needs: { commands: [T.generateKey, T.rollKey] },
    timeoutMs: 90_000,
    async run(ctx) {
      const { wb, page, manifest } = ctx;
      await wb.runCommand(findCommand(manifest, T.generateKey).palette);
      await waitStep(ctx, /Name/);
      await wb.typeAndEnter(EXPIRING_KEY);
      await waitStep(ctx, /Scopes/);
      await checkScope(ctx, 'workflows:read', 1);
      await page.keyboard.press('Enter');
      await waitStep(ctx, /Workflows/);
      await wb.pick('All workflows');
      await waitStep(ctx, /Expiry/);
      await wb.pick('Custom date');
      await waitStep(ctx, /Expiry Date/);
      const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
      await wb.typeAndEnter(day);
      const dialog = wb.dialog();
      await waitFor(ctx, 'the "shown only once" dialog', async () => /only once/i.test(await dialog.textContent()), {
        timeoutMs: 30_000,
      });
      const key = [...(await dialog.textContent()).matchAll(KEY_RE)].map((m) => m[0]).find(isFleroKey);
      if (!key) throw new Error('the dialog shows no well-formed Flero key');
      ctx.revealedKey(key);
      ctx.state.expiringKey = key;
      await wb.clickDialogButton('Copy');
      await dialog.waitFor({ state: 'hidden' });
      await page.evaluate(() => navigator.clipboard.writeText(''));
      const warning = await wb.waitNotification(new RegExp(`"${EXPIRING_KEY}" expires in [23] days`), 30_000);
      const toast = wb
        .notifications()
        .filter({ hasText: `"${EXPIRING_KEY}" expires in` })
        .first();
      const roll = toast.locator('.monaco-button', { hasText: /^\s*Roll now\s*$/ }).first();
      if (!(await roll.isVisible())) throw new Error(`the warning has no "Roll now" button: ${warning}`);
      await wb.expandPane('API Keys');
      const keyRow = wb.treeRow('API Keys', EXPIRING_KEY);
      await waitFor(
        ctx,
        `the "${EXPIRING_KEY}" row to say expiring`,
        async () => /expiring/.test(await keyRow.textContent()),
        {
          timeoutMs: 15_000,
        },
      );
      const icon = await keyRow.locator('.codicon-warning, [class*="codicon-warning"]').count();
      if (!icon) throw new Error(`the expiring key's row has no warning icon: ${await keyRow.innerHTML()}`);
      return warning.replace(/\s+/g, ' ');
    },
  },
  {
    name: 'roll-now',
    title: '"Roll now" on the warning starts Roll API Key for that key (overlap pick)',
    deps: ['expiry-warning'],
    async run(ctx) {
      const { wb, page } = ctx;
      let toast = wb
        .notifications()
        .filter({ hasText: `"${EXPIRING_KEY}" expires in` })
        .first();
      if (!(await toast.isVisible())) {
        // The toast timed out: the notification center still holds it.
        await page.locator('#status\\.notifications .statusbar-item-label').first().click();
        toast = page
          .locator('.notifications-center .notification-list-item', { hasText: `"${EXPIRING_KEY}" expires in` })
          .first();
        await toast.waitFor({ state: 'visible', timeout: 10_000 });
      }
      await toast.hover();
      await toast
        .locator('.monaco-button', { hasText: /^\s*Roll now\s*$/ })
        .first()
        .click();
      await waitStep(ctx, new RegExp(`Roll API Key "${EXPIRING_KEY}": Overlap`));
      const labels = await wb.quickPickLabels();
      for (const want of ['None', '1 hour', '24 hours', '7 days'])
        if (!labels.some((l) => l.startsWith(want)))
          throw new Error(`the overlap pick lacks "${want}": ${labels.join(' | ')}`);
      await page.keyboard.press('Escape');
      await wb.waitQuickInputClosed();
      return `overlap choices: ${labels.join(' | ')}`;
    },
  },
  {
    name: 'roll-key',
    title:
      'Roll API Key from the tree: overlap 1 hour → the new key shown once; both keys work; the old one expires in an hour',
    deps: ['expiry-warning'],
    timeoutMs: 90_000,
    async run(ctx) {
      const { wb, manifest, page } = ctx;
      await wb.expandPane('API Keys');
      const row = wb.treeRow('API Keys', EXPIRING_KEY);
      await wb.contextMenu(row, findCommand(manifest, T.rollKey).title);
      await waitStep(ctx, new RegExp(`Roll API Key "${EXPIRING_KEY}": Overlap`));
      await wb.pick('1 hour');
      const dialog = wb.dialog();
      await waitFor(
        ctx,
        'the "shown only once" dialog of the roll',
        async () => /rolled.*only once/is.test(await dialog.textContent()),
        {
          timeoutMs: 30_000,
        },
      );
      const text = await dialog.textContent();
      const key = [...text.matchAll(KEY_RE)].map((m) => m[0]).find(isFleroKey);
      if (!key) throw new Error('the roll dialog shows no well-formed Flero key');
      if (key === ctx.state.expiringKey) throw new Error('the roll dialog shows the old key');
      ctx.revealedKey(key);
      ctx.state.rolledKey = key;
      await ctx.shot('shown-once');
      await wb.clickDialogButton('Copy');
      await dialog.waitFor({ state: 'hidden' });
      await waitFor(ctx, '"Copy" to put the new key on the clipboard', async () => (await clipboard(page)) === key, {
        timeoutMs: 10_000,
      });
      await page.evaluate(() => navigator.clipboard.writeText(''));
      const body = await page.evaluate(() => document.body.textContent);
      if (body.includes(key)) throw new Error('the new key is still visible after the dialog closed');
      const fresh = await callWithKey(ctx.state.localUrl, '/api/workflows', key);
      const old = await callWithKey(ctx.state.localUrl, '/api/workflows', ctx.state.expiringKey);
      if (fresh.status !== 200) throw new Error(`the new key answered ${fresh.status}`);
      if (old.status !== 200) throw new Error(`the old key answered ${old.status} during the overlap`);
      const rows = await waitFor(
        ctx,
        `two "${EXPIRING_KEY}" rows (old and new)`,
        async () => {
          const r = (await wb.treeRows('API Keys')).filter((t) => t.includes(EXPIRING_KEY));
          return r.length >= 2 ? r : undefined;
        },
        { timeoutMs: 15_000 },
      );
      return rows.join(' | ');
    },
  },
);

steps.push(...editorSteps({ waitFor }));
