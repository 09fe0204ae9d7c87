// Where the browser tests find Chromium, what they do when it is missing, and where their screenshots go.
//
// - Missing Chromium skips the test loudly (a banner on stderr) on a developer's machine, and FAILS it in CI
//   (`CI=true`, as GitHub Actions and GitLab CI set it) or with FLERO_REQUIRE_CHROMIUM=1: a check that never runs
//   must not look green.
// - Screenshots go to a temp dir, so `npm test` leaves the tracked pictures alone; FLERO_UPDATE_SCREENSHOTS=1
//   writes them into test/e2e/screenshots/ (the ones the README shows).
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './server';

type Env = Record<string, string | undefined>;

export const chromiumPath = (env: Env = process.env): string => env.FLERO_E2E_CHROMIUM ?? '/usr/bin/chromium';

const truthy = (v: string | undefined) => !!v && !/^(0|false|no)$/i.test(v);

/**
 * What a browser test does about Chromium: run; skip (with the reason); or fail (with the reason) because this
 * environment requires Chromium.
 */
export function chromiumPlan(
  env: Env = process.env,
  exists: (path: string) => boolean = existsSync,
): { run: true } | { run: false; fail: boolean; reason: string } {
  const path = chromiumPath(env);
  if (exists(path)) return { run: true };
  const required = truthy(env.CI) || truthy(env.FLERO_REQUIRE_CHROMIUM);
  const why = `no Chromium at ${path} (install it, e.g. apt-get install chromium, or set FLERO_E2E_CHROMIUM)`;
  return required
    ? {
        run: false,
        fail: true,
        reason: `${why}; required here (${truthy(env.CI) ? 'CI=true' : 'FLERO_REQUIRE_CHROMIUM'})`,
      }
    : { run: false, fail: false, reason: why };
}

/** A banner for a skipped browser test, impossible to miss in `npm test`'s output. */
export function skipBanner(what: string, reason: string): string {
  const line = '!'.repeat(100);
  return `\n${line}\n!! SKIPPED: ${what}\n!! ${reason}\n!! (CI=true or FLERO_REQUIRE_CHROMIUM=1 turn this into a failure)\n${line}\n\n`;
}

/** Where a screenshot `name` goes: the tracked test/e2e/screenshots/ with FLERO_UPDATE_SCREENSHOTS=1, else a temp dir. */
export function screenshotPath(name: string, env: Env = process.env): string {
  return truthy(env.FLERO_UPDATE_SCREENSHOTS)
    ? join(REPO_ROOT, 'test', 'e2e', 'screenshots', name)
    : join(tmpdir(), 'flero-screenshots', name);
}

/** A headless Chromium page that may reach loopback only, recording what a check of a page needs. */
export interface LoopbackPage {
  browser: import('playwright-core').Browser;
  page: import('playwright-core').Page;
  /** Requests that tried to leave 127.0.0.1 (aborted). */
  escaped: string[];
  /** Console errors and uncaught exceptions. */
  consoleErrors: string[];
  /** The page's securitypolicyviolation events so far. */
  violations(): Promise<string[]>;
}

/**
 * Launches Chromium (chromiumPath) headless and opens a page whose every request off 127.0.0.1 is aborted and
 * counted, with CSP violations, console errors and uncaught exceptions recorded.
 */
export async function loopbackPage(viewport: { width: number; height: number }): Promise<LoopbackPage> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
  const context = await browser.newContext({ viewport });
  const escaped: string[] = [];
  const consoleErrors: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).hostname === '127.0.0.1') return route.continue();
    escaped.push(url);
    return route.abort('blockedbyclient');
  });
  // Browser-side code as text: this project type-checks without the DOM library.
  await context.addInitScript(`window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__violations.push(e.effectiveDirective + ' ' + e.blockedURI + ' (' + e.sourceFile + ':' + e.lineNumber + ')'));`);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
  return {
    browser,
    page,
    escaped,
    consoleErrors,
    violations: async () => (await page.evaluate('window.__violations')) as string[],
  };
}

/**
 * What a browser test file does about Chromium, at its top: returns the `skip` for its describe (false: run). Without
 * Chromium where it is required, it adds a failing test saying so; elsewhere it prints the skip banner.
 */
export function chromiumGate(what: string): string | false {
  const plan = chromiumPlan();
  if (plan.run) return false;
  if (plan.fail)
    test(`Chromium is installed (required here: ${what} must not pass by not running)`, () => {
      throw new Error(plan.reason);
    });
  else process.stderr.write(skipBanner(what, plan.reason));
  return plan.reason;
}
