// UI steps of issue 15, after the scenario's run (scenario.mjs appends them): Edit Code Node as JavaScript with the
// log-leak underlined there, the workflow graph with the run's statuses, the language status, and signing in from
// VS Code's Accounts menu. Each ends with its screenshot (runner.mjs).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '../lib/proc.mjs';
import { WORKFLOW_FILE } from './workspace.mjs';

/** The tutorial's copy of the example (README, "A five-minute tutorial", step 4). */
const TUTORIAL_FILE = 'deploy.flero.json';

/** Lines of the JavaScript view before the code (client/src/codeNodes/model.ts HEADER_LINES). */
const HEADER_LINES = 6;

async function openWorkflowTab(page) {
  const tab = page.locator(`.tab[data-resource-name="${WORKFLOW_FILE}"]`).first();
  if (await tab.isVisible()) await tab.click();
  else {
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').first().fill(WORKFLOW_FILE);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: WORKFLOW_FILE }).first().waitFor();
    await page.keyboard.press('Enter');
  }
  await page.locator(`.tab.active[data-resource-name="${WORKFLOW_FILE}"]`).first().waitFor({ timeout: 15_000 });
}

/** The workflow graph webview's inner document (VS Code nests the content in an iframe inside the webview frame). */
function graphFrame(page) {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

/** Puts the cursor at the start of `line` (1-based) in `editor`, with Go to Line. */
async function goToLine(page, editor, line) {
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').first().fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Home');
}

/**
 * Clicks a code lens until `started()` says its command ran: VS Code re-renders lenses when the language server asks
 * for a refresh, and a click that lands on a lens being replaced runs nothing.
 */
export async function clickLens(page, re, started, { tries = 4, waitMs = 6000 } = {}) {
  for (let i = 0; i < tries; i++) {
    const lens = page.locator('.codelens-decoration a', { hasText: re }).first();
    await lens.waitFor({ state: 'visible', timeout: 30_000 });
    await lens.click();
    const stale = page.locator('.notifications-toasts .notification-list-item', {
      hasText: /Actual command not found/,
    });
    const outcome = await pollUntil(
      'the lens command to start',
      async () => ((await started()) ? 'ok' : (await stale.first().isVisible()) ? 'stale' : undefined),
      { timeoutMs: waitMs },
    ).catch(() => 'nothing');
    if (outcome === 'ok') return;
    // A lens replaced under the click: close VS Code's error about it and click the new one.
    while (await stale.first().isVisible()) {
      await stale.first().hover();
      await stale.first().locator('.codicon-notifications-clear').first().click();
    }
  }
  throw new Error(`clicking the code lens ${re} ${tries} times ran nothing`);
}

/** A run's progress or result notification is showing. */
function runShowing(page) {
  return page
    .locator('.notifications-toasts .notification-list-item, .monaco-progress-container.active', {
      hasText: /Running|succeeded|failed|cancelled/,
    })
    .first()
    .isVisible();
}

export { runShowing };

/** Opens VS Code's Accounts menu and hovers the Flero session's entry (`account`), which opens its submenu. */
async function hoverAccount(ctx, waitFor, account) {
  const { page } = ctx;
  await page.locator('.activitybar [aria-label^="Accounts"]').first().click();
  const entry = page.locator('.context-view .action-item, .monaco-menu .action-item', { hasText: account });
  await waitFor(ctx, 'the Accounts menu to list the Flero session', () => entry.first().isVisible(), {
    timeoutMs: 15_000,
  });
  await entry.first().hover();
}

export function editorSteps({ waitFor }) {
  return [
    {
      name: 'edit-code-node',
      title: '"Edit as JavaScript" opens the Code node as JavaScript; a logged header is underlined there after saving',
      deps: ['run-workflow'],
      timeoutMs: 90_000,
      async run(ctx) {
        const { page } = ctx;
        await openWorkflowTab(page);
        const jsTab = page.locator('.tab.active[data-resource-name="shape.js"]').first();
        await clickLens(page, /^Edit as JavaScript$/, () => jsTab.isVisible());
        const editor = page
          .locator('.editor-group-container', { has: page.locator('.tab.active[data-resource-name="shape.js"]') })
          .locator('.monaco-editor')
          .first();
        await waitFor(
          ctx,
          'the function around the code',
          async () => /export\s+default\s+async\s+function/.test(await editor.locator('.view-lines').textContent()),
          { timeoutMs: 15_000 },
        );
        // Below the code's first line (`const res = $node.forecast;`), paste a line that logs a header, and save.
        await goToLine(page, editor, HEADER_LINES + 2);
        await page.evaluate(() => navigator.clipboard.writeText("console.log('leaked?', res.headers['x-api-key']);\n"));
        await page.keyboard.press('Control+V');
        await page.keyboard.press('Control+S');
        const saved = await waitFor(
          ctx,
          'the workflow file to hold the new line',
          () => {
            const t = readFileSync(join(ctx.workspace, WORKFLOW_FILE), 'utf8');
            return t.includes("console.log('leaked?', res.headers['x-api-key']);\\n") ? t : undefined;
          },
          { timeoutMs: 20_000 },
        );
        JSON.parse(saved);
        const squiggle = editor.locator('.squiggly-warning');
        await waitFor(
          ctx,
          'the log-leak underline in the JavaScript editor',
          async () => (await squiggle.count()) > 0,
          {
            timeoutMs: 30_000,
          },
        );
        await page.keyboard.press('Control+Shift+M');
        const problem = page.locator('.markers-panel .monaco-list-row', { hasText: /log-leak/ }).first();
        await waitFor(ctx, 'the log-leak in Problems', () => problem.isVisible(), { timeoutMs: 20_000 });
        await page
          .locator('.markers-panel .monaco-list-row', { hasText: 'shape.js' })
          .first()
          .waitFor({ timeout: 10_000 });
        // For the picture: back to the start of the pasted line in the JavaScript editor, then the warning's hover.
        await goToLine(page, editor, HEADER_LINES + 2);
        await squiggle
          .first()
          .hover({ force: true, timeout: 3000 })
          .catch(() => {});
        await page
          .locator('.monaco-hover', { hasText: /log-leak|header/ })
          .first()
          .waitFor({ timeout: 10_000 })
          .catch(() => {});
        return (await problem.textContent()).replace(/\s+/g, ' ');
      },
    },
    {
      name: 'workflow-graph',
      title: 'Show Workflow Graph: the nodes and connections beside the file; after a run, each node says it succeeded',
      deps: ['run-workflow'],
      timeoutMs: 120_000,
      async run(ctx) {
        const { wb, page } = ctx;
        await openWorkflowTab(page);
        await wb.runCommand('Flero: Show Workflow Graph');
        const frame = graphFrame(page);
        const node = (id) => frame.locator(`[role="button"][aria-label^="${id} "]`).first();
        for (const id of ['start', 'forecast', 'shape']) {
          await waitFor(ctx, `the graph node "${id}"`, () => node(id).isVisible(), { timeoutMs: 30_000 });
        }
        await openWorkflowTab(page);
        await wb.runCommand('Flero: Run Workflow');
        await wb.waitNotification(/succeeded/, 60_000);
        // The execution opens beside the workflow, over the graph's tab (a moment after the notification): bring the
        // graph back whenever it is hidden.
        const graphTab = page.locator('.tab', { hasText: 'Graph: ' }).first();
        const labels = await waitFor(
          ctx,
          'every node to show the run status',
          async () => {
            if (!(await node('start').isVisible())) {
              await graphTab.click();
              return undefined;
            }
            const l = await Promise.all(
              ['start', 'forecast', 'shape'].map((id) => node(id).getAttribute('aria-label', { timeout: 2000 })),
            );
            return l.every((x) => /succeeded/.test(x ?? '')) ? l : undefined;
          },
          { timeoutMs: 30_000, intervalMs: 500 },
        );
        // Clicking a node reveals it in the file: the workflow editor selects the node's object.
        await node('forecast').click();
        const selection = await waitFor(
          ctx,
          'the click to select the node in the workflow editor',
          async () => {
            const t = (await page.locator('.statusbar-item').allInnerTexts()).find((x) => /\(\d+ selected\)/.test(x));
            return t && (await page.locator(`.tab.active[data-resource-name="${WORKFLOW_FILE}"]`).count())
              ? t
              : undefined;
          },
          { timeoutMs: 15_000 },
        );
        await page.keyboard.press('Escape');
        return `${labels.join(' | ')}; click → ${selection.trim()}`;
      },
    },
    {
      name: 'language-status',
      title: 'the language status of a workflow file shows Flero: the key in use, the credentials known, the checks',
      deps: ['start-local-server'],
      async run(ctx) {
        const { page } = ctx;
        await openWorkflowTab(page);
        const item = page.locator('.statusbar-item[id="status.languageStatus"]').first();
        await waitFor(ctx, 'the language status item', () => item.isVisible(), { timeoutMs: 15_000 });
        await item.locator('a').first().click();
        const hover = page
          .locator('.hover-language-status, .language-status-hover, .monaco-hover')
          .filter({ hasText: /Flero/ });
        const text = await waitFor(
          ctx,
          'the Flero entries in the language status hover',
          async () => {
            const t =
              (await hover
                .first()
                .textContent()
                .catch(() => '')) ?? '';
            return /known to the checks/.test(t) ? t.replace(/\s+/g, ' ') : undefined;
          },
          { timeoutMs: 15_000 },
        );
        return text;
      },
    },
    {
      name: 'accounts-sign-in',
      title:
        'signed out, the Accounts menu offers "Sign in with Flero"; it asks for the key in a password box and signs in',
      deps: ['roll-key'],
      timeoutMs: 90_000,
      async run(ctx) {
        const { wb, page } = ctx;
        const key = ctx.state.rolledKey;
        if (!key) throw new Error('the roll-key step left no key to sign in with');
        await wb.runCommand('Flero: Sign Out');
        await wb.waitNotification(/Signed out of/, 30_000);
        const accounts = page.locator('.activitybar [aria-label^="Accounts"]').first();
        await accounts.click();
        const signIn = page.locator('.context-view .action-item, .monaco-menu .action-item', {
          hasText: /Sign in with Flero/,
        });
        await waitFor(ctx, 'the Accounts menu to offer "Sign in with Flero"', () => signIn.first().isVisible(), {
          timeoutMs: 20_000,
        });
        await ctx.shot('menu');
        await signIn.first().click();
        const input = page.locator('.quick-input-widget input').first();
        await input.waitFor({ state: 'visible', timeout: 15_000 });
        if ((await input.getAttribute('type')) !== 'password') throw new Error('the key box is not a password box');
        await input.fill(key);
        await page.keyboard.press('Enter');
        const signed = await wb.waitNotification(/Signed in to .* as "e2e-expiring"/, 30_000);
        await pollUntil(
          'the status bar to show the key',
          async () => {
            const t = await page.locator('.statusbar-item').allInnerTexts();
            return t.some((x) => /Flero: local · e2e-expiring/.test(x)) ? true : undefined;
          },
          { timeoutMs: 20_000 },
        );
        await hoverAccount(ctx, waitFor, /e2e-expiring \(local\)/);
        await page.keyboard.press('Escape');
        return signed.replace(/\s+/g, ' ');
      },
    },
    {
      name: 'accounts-other-extension',
      title:
        'another extension (test/e2e/consumer) asks VS Code for a Flero session: once allowed it gets the signed-in key for a scope the key has; a scope it lacks and a non-Flero scope are refused by name; Sign Out from the Accounts menu',
      deps: ['accounts-sign-in'],
      timeoutMs: 150_000,
      async run(ctx) {
        const { wb, page } = ctx;
        const key = ctx.state.rolledKey;
        /** VS Code's own question to the user (access to the account, or signing in): answered with `button`. */
        const answerVsCode = async (what, button, { shot } = {}) => {
          const dialog = wb.dialog().first();
          await dialog.waitFor({ state: 'visible', timeout: 20_000 });
          const text = ((await dialog.textContent()) ?? '').replace(/\s+/g, ' ');
          if (!/Flero Consumer/.test(text) || !/Flero/.test(text)) throw new Error(`${what}: VS Code asked "${text}"`);
          if (shot) await ctx.shot(shot);
          await wb.clickDialogButton(button);
          await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
          return text;
        };
        /** Closes a toast this step expects (an error the consumer shows), so later checks see only new errors. */
        const dismiss = async (re) => {
          const toast = wb.notifications().filter({ hasText: re }).first();
          while (await toast.isVisible().catch(() => false)) {
            await toast.hover();
            await toast.locator('.codicon-notifications-clear').first().click();
          }
        };
        const consumer = async (scope) => {
          await wb.waitToastsSettled();
          await wb.runCommand(`Flero Consumer: Get Session (${scope})`);
        };

        // A scope the signed-in key has: VS Code asks once whether the consumer may use the Flero account.
        await consumer('workflows:read');
        const asked = await answerVsCode('access to the Flero account', 'Allow', { shot: 'allow' });
        const got = await wb.waitNotification(/Flero Consumer got a Flero session/, 30_000);
        if (!/e2e-expiring \(local\) · scopes workflows:read · token: a Flero API key/.test(got))
          throw new Error(`the consumer got: ${got}`);
        // Asked again: no question, the same session.
        await consumer('workflows:read');
        await wb.waitNotification(/Flero Consumer got a Flero session: e2e-expiring/, 30_000);

        // A scope the key lacks: VS Code asks to sign in; Flero asks for a key and refuses this one by the scope.
        await consumer('executions:write');
        await answerVsCode('signing in with Flero', 'Allow');
        const input = page.locator('.quick-input-widget input').first();
        await input.waitFor({ state: 'visible', timeout: 15_000 });
        if ((await input.getAttribute('type')) !== 'password') throw new Error('the key box is not a password box');
        await input.fill(key);
        await page.keyboard.press('Enter');
        const refused = await wb.waitNotification(
          /Flero Consumer got no Flero session: .*lacks the scope "executions:write"/,
          30_000,
        );
        await dismiss(/Flero Consumer got no Flero session/);
        // Not a Flero scope at all: refused by name before any key is asked for.
        await consumer('repo');
        await answerVsCode('signing in with Flero', 'Allow');
        const bogus = await wb.waitNotification(
          /Flero Consumer got no Flero session: Not a Flero scope: "repo"/,
          30_000,
        );
        await dismiss(/Flero Consumer got no Flero session/);
        const bar = await page.locator('.statusbar-item').allInnerTexts();
        if (!bar.some((x) => /Flero: local · e2e-expiring/.test(x)))
          throw new Error(`a refused request changed the sign-in: ${bar.join(' | ')}`);

        // Sign Out from the Accounts menu: the account's submenu, then VS Code's confirmation naming the consumer.
        await wb.waitToastsSettled();
        await hoverAccount(ctx, waitFor, /e2e-expiring \(local\)/);
        const signOut = page.locator('.context-view .action-item, .monaco-menu .action-item', {
          hasText: /^\s*Sign Out\s*$/,
        });
        await waitFor(ctx, 'the account submenu to offer Sign Out', () => signOut.first().isVisible(), {
          timeoutMs: 15_000,
        });
        await signOut.first().click();
        const confirm = wb.dialog().first();
        if (await confirm.isVisible().catch(() => false)) await wb.clickDialogButton('Sign Out');
        else {
          await confirm.waitFor({ state: 'visible', timeout: 10_000 }).catch(() => {});
          if (await confirm.isVisible().catch(() => false)) await wb.clickDialogButton('Sign Out');
        }
        await pollUntil(
          'the status bar to show signed out',
          async () => {
            const t = await page.locator('.statusbar-item').allInnerTexts();
            return t.some((x) => /Flero: local · signed out/.test(x)) ? true : undefined;
          },
          { timeoutMs: 20_000 },
        );
        return [asked, got, refused, bogus].map((t) => t.replace(/\s+/g, ' ')).join(' / ');
      },
    },
    {
      name: 'tutorial-example',
      title:
        "the README tutorial's example (examples/ci-deploy-notification.flero.json, copied as deploy.flero.json) with step 5's leak: log-leak in Problems, and its graph",
      deps: ['workbench-opens'],
      timeoutMs: 90_000,
      async run(ctx) {
        const { wb, page } = ctx;
        // Tutorial step 5: the last Code node logs Slack's response headers.
        const example = readFileSync(join(ctx.repoRoot, 'examples', 'ci-deploy-notification.flero.json'), 'utf8');
        const leaky = example.replace(
          'const slack = $node.post.body;\\n',
          'const slack = $node.post.body;\\nconsole.log($node.post.headers);\\n',
        );
        if (leaky === example) throw new Error('the example no longer has the line tutorial step 5 edits');
        writeFileSync(join(ctx.workspace, TUTORIAL_FILE), leaky);
        await page.keyboard.press('Control+P');
        await page.locator('.quick-input-widget input').first().fill(TUTORIAL_FILE);
        await page.locator('.quick-input-list .monaco-list-row', { hasText: TUTORIAL_FILE }).first().waitFor();
        await page.keyboard.press('Enter');
        await page.locator(`.tab.active[data-resource-name="${TUTORIAL_FILE}"]`).first().waitFor({ timeout: 15_000 });
        await page.keyboard.press('Control+Shift+M');
        const problem = page
          .locator('.markers-panel .monaco-list-row', { hasText: /log-leak/ })
          .filter({ hasText: /header/ })
          .first();
        await waitFor(ctx, 'the log-leak of step 5 in Problems', () => problem.isVisible(), { timeoutMs: 45_000 });
        const text = (await problem.textContent()).replace(/\s+/g, ' ');
        // The picture: the underlined line in view, no toasts over the Problems view.
        const line = Number(/\[Ln (\d+),/.exec(text)?.[1] ?? 1);
        const editor = page
          .locator('.editor-group-container', {
            has: page.locator(`.tab.active[data-resource-name="${TUTORIAL_FILE}"]`),
          })
          .locator('.monaco-editor')
          .first();
        await goToLine(page, editor, line);
        await wb.runCommand('Notifications: Clear All Notifications');
        await ctx.shot('leak');
        await wb.runCommand('Flero: Show Workflow Graph');
        const frame = graphFrame(page);
        // Nodes are labelled by their names.
        for (const label of ['start', 'Compose the message', 'Post to Slack', 'Message id']) {
          const n = frame.locator(`[role="button"][aria-label^="${label} ("]`).first();
          await waitFor(ctx, `the graph node "${label}"`, () => n.isVisible(), { timeoutMs: 30_000 });
        }
        const result = await frame
          .locator('[role="button"][aria-label^="Message id ("]')
          .first()
          .getAttribute('aria-label');
        if (!/1 warning/.test(result ?? '')) throw new Error(`the graph does not show the leak on "result": ${result}`);
        return `${text}; graph: ${result}`;
      },
    },
  ];
}
