// Runs UI steps in order: each ends with a screenshot test/e2e/screenshots/<nn>-<name>.png; a failure prints what the
// screen showed (screenshot, notifications, quick input, dialog, status bar) and the last lines of code-server's log.
import { join } from 'node:path';
import { visibleUiText } from '../lib/browser.mjs';
import { missing } from '../lib/manifest.mjs';

/**
 * @typedef {{ name: string, title: string, deps?: string[], timeoutMs?: number,
 *   needs?: { commands?: RegExp[], views?: RegExp[], extra?: (m: any) => string | undefined },
 *   run: (ctx: any) => Promise<void | string> }} UiStep
 */

/**
 * @param {UiStep[]} steps
 * @param {any} ctx  { wb, page, manifest, report, redactor, shotsDir, codeServer, extraLogs() }
 */
export async function runUiSteps(steps, ctx) {
  let nn = 1;
  for (const step of steps) {
    const started = Date.now();
    const num = String(nn++).padStart(2, '0');
    const shot = join(ctx.shotsDir, `${num}-${step.name}.png`);
    const rel = `test/e2e/screenshots/${num}-${step.name}.png`;
    const failedDep = (step.deps ?? []).find((d) => ctx.report.status(d) !== 'pass');
    if (failedDep) {
      ctx.report.add({
        suite: 'ui',
        name: step.name,
        status: ctx.report.status(failedDep) === 'pending' ? 'pending' : 'skipped',
        ms: 0,
        detail: `${step.title} — needs step "${failedDep}" (${ctx.report.status(failedDep) ?? 'not run'})`,
      });
      continue;
    }
    const why = step.needs ? missing(ctx.manifest, step.needs) : undefined;
    if (why) {
      ctx.report.add({ suite: 'ui', name: step.name, status: 'pending', ms: 0, detail: `${step.title} — ${why}` });
      continue;
    }
    ctx.stepShotPrefix = `${num}-${step.name}`;
    ctx.shot = async (sub) => {
      await ctx.wb.screenshot(join(ctx.shotsDir, `${num}-${step.name}-${sub}.png`)).catch(() => {});
    };
    try {
      // Start from a settled UI: the previous step's notifications must not share VS Code's toast window with this
      // step's (a fourth notification within 800 ms is not shown as a toast at all).
      await ctx.wb.waitToastsSettled().catch(() => {});
      const note = await withTimeout(step.run(ctx), step.timeoutMs ?? 60_000, step.title);
      await ctx.wb.screenshot(shot);
      ctx.report.add({
        suite: 'ui',
        name: step.name,
        status: 'pass',
        ms: Date.now() - started,
        detail: note ? ctx.redactor.redact(note) : '',
        shot: rel,
      });
    } catch (err) {
      await ctx.wb.screenshot(shot).catch(() => {});
      const ui = await visibleUiText(ctx.page);
      const center = await ctx.wb.notificationCenterTexts();
      const detail = [
        `${step.title}: ${err instanceof Error ? err.message : String(err)}`,
        `screen: ${rel}`,
        `visible UI: ${JSON.stringify(ui, null, 1)}`,
        `notification center: ${JSON.stringify(center, null, 1)}`,
        `code-server log (last lines):`,
        ctx.codeServer.proc.tail(15),
        ...(ctx.extraLogs ? [ctx.extraLogs()] : []),
      ].join('\n');
      ctx.report.add({
        suite: 'ui',
        name: step.name,
        status: 'fail',
        ms: Date.now() - started,
        detail: ctx.redactor.redact(detail),
        shot: rel,
      });
      // Leave the UI in a neutral state for the next independent step.
      for (let i = 0; i < 3; i++) await ctx.page.keyboard.press('Escape').catch(() => {});
    }
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`step timed out after ${ms / 1000} s: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
