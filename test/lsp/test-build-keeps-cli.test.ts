// `node esbuild.mjs --test-build` builds the extension's test build alone (the e2e harness runs it after the
// production build): it must leave the CLI's chunks in dist/ be. It once removed them, and the staged
// `flero serve` died at its first import (ERR_MODULE_NOT_FOUND) — every e2e test against the server failed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist');

test('the test build leaves the CLI whole: its chunks stay and `flero lint` still runs', (t) => {
  if (!existsSync(join(DIST, 'flero.mjs'))) return t.skip('build first (node esbuild.mjs)');
  const chunks = () =>
    readdirSync(DIST)
      .filter((f) => /^flero-[A-Z0-9]{8}\.mjs$/.test(f))
      .sort();
  const before = chunks();
  assert.ok(before.length > 1, `dist/ has ${before.length} CLI chunks`);
  const built = spawnSync(process.execPath, ['esbuild.mjs', '--test-build'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  assert.deepEqual(chunks(), before);
  const lint = spawnSync(
    process.execPath,
    [join(DIST, 'flero.mjs'), 'lint', '--format', 'json', join(ROOT, 'examples')],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(lint.status, 0, lint.stderr);
  assert.ok(Array.isArray(JSON.parse(lint.stdout)) || typeof JSON.parse(lint.stdout) === 'object');
});
