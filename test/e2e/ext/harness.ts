// A tiny test runner for the extension host (no mocha): tests run in order; each result goes to the browser console
// as one `E2E-RESULT {json}` line that the harness reads; `run()` rejects if any test failed.
import { readFileSync } from 'node:fs';

export interface E2eConfig {
  /** URL of the harness's own Flero server (`flero serve --port 0`); empty when it did not start. */
  fleroUrl: string;
  /** File holding that server's owner key (read when a test needs to sign in; never printed). */
  ownerKeyFile: string;
  /** Where tests append Flero keys they saw (one a line), so the harness's sweep looks for them too. */
  revealedKeysFile: string;
  /** The recording upstream HTTP server. */
  upstreamUrl: string;
  /** The canary credential value. */
  canary: string;
  workspace: string;
}

export function config(): E2eConfig {
  const file = process.env.FLERO_E2E_CONFIG;
  if (!file) throw new Error('FLERO_E2E_CONFIG is not set: the extension host was not started by test/e2e/run.mjs');
  return JSON.parse(readFileSync(file, 'utf8')) as E2eConfig;
}

export class Pending extends Error {}

interface Test {
  name: string;
  fn: () => Promise<void>;
}
const tests: Test[] = [];

export function test(name: string, fn: () => Promise<void>): void {
  tests.push({ name, fn });
}

/** Marks the current test pending (the feature it needs is not in the extension yet). */
export function pending(why: string): never {
  throw new Pending(why);
}

export async function runAll(redact: (s: string) => string): Promise<void> {
  let failed = 0;
  for (const t of tests) {
    const started = Date.now();
    let status: 'pass' | 'fail' | 'pending' = 'pass';
    let detail = '';
    try {
      await t.fn();
    } catch (e) {
      if (e instanceof Pending) {
        status = 'pending';
        detail = e.message;
      } else {
        status = 'fail';
        failed++;
        detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
      }
    }
    console.log(
      `E2E-RESULT ${JSON.stringify({ name: t.name, status, ms: Date.now() - started, detail: redact(detail) })}`,
    );
  }
  if (failed) throw new Error(`${failed} extension-host test(s) failed`);
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

export async function poll<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false && v !== null) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
