// The UI scenario of issue 6, as a person does it in the real workbench (code-server + Chromium).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { activityBarContainer, allCommands, findCommand, hiddenFromPalette } from '../lib/manifest.mjs';
import { pollUntil } from '../lib/proc.mjs';

const T = {
  startServer: /^Start Local Server$/i,
  generateKey: /^Generate API Key$/i,
  revokeKey: /^Revoke API Key$/i,
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
    .filter((f) => /Flero\.log$/i.test(f) || /flero/i.test(f))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
}

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
    async run({ wb, page, manifest }) {
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
    async run({ wb, page, manifest }) {
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
      await wb.shot('list');
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
      const url = await pollUntil(
        'the local server to announce "Flero API listening on" in the Flero log',
        () => /Flero API listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(fleroLogText(userDataDir))?.[1],
        { timeoutMs: 100_000, intervalMs: 250 },
      );
      const health = await fetch(`${url}/healthz`).then((r) => r.json());
      if (health.status !== 'ok') throw new Error(`${url}/healthz answered ${JSON.stringify(health)}`);
      ctx.state.localUrl = url;
      // The status bar tells the user it is connected.
      const port = new URL(url).port;
      const status = await pollUntil(
        'a Flero status bar item that shows the connection',
        async () => {
          const items = await page
            .locator('.statusbar-item')
            .evaluateAll((els) =>
              els.map((e) =>
                `${e.textContent ?? ''} ${e.getAttribute('aria-label') ?? ''}`.replace(/\s+/g, ' ').trim(),
              ),
            );
          const mine = items.filter((t) => /flero/i.test(t));
          return mine.find((t) => !/start|stopped|not running|sign in|error|connecting/i.test(t) || t.includes(port));
        },
        { timeoutMs: 60_000 },
      );
      return `local server ${url}; status bar: "${status}"`;
    },
  },
];
