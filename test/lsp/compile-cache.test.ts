// V8's compile cache (issue 17): where Node offers module.enableCompileCache (≥ 22.1), `flero` turns it on, in Node's
// default place under the OS temp dir (TMPDIR here, a scratch dir) unless NODE_COMPILE_CACHE says otherwise, and
// NODE_DISABLE_COMPILE_CACHE=1 turns it off. On Node 20 there is no such API and the test is skipped.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tmpDir } from '../helpers/tmp';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = join(root, 'test/fixtures/lsp/diagnostics/cycle.neg.flero.json');
const supported = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';

function lintWith(env: NodeJS.ProcessEnv) {
  const clean = { ...process.env };
  delete clean.NODE_COMPILE_CACHE;
  delete clean.NODE_DISABLE_COMPILE_CACHE;
  return spawnSync(process.execPath, [join(root, 'bin/flero.js'), 'lint', fixture], {
    encoding: 'utf8',
    env: { ...clean, ...env },
  });
}

test('the compile cache goes under the OS temp dir, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 stops it', (t) => {
  if (!supported) return t.skip(`Node ${process.version} has no module.enableCompileCache`);
  const tmp = tmpDir('flero-compile-cache');
  try {
    assert.equal(lintWith({ TMPDIR: tmp.path, TMP: tmp.path, TEMP: tmp.path }).status, 0);
    assert.ok(existsSync(join(tmp.path, 'node-compile-cache')), 'Node’s default place under the temp dir');
    const own = join(tmp.path, 'own');
    assert.equal(lintWith({ NODE_COMPILE_CACHE: own }).status, 0);
    assert.ok(readdirSync(own).length > 0);
    const off = tmpDir('flero-compile-cache-off');
    try {
      assert.equal(lintWith({ TMPDIR: off.path, NODE_DISABLE_COMPILE_CACHE: '1' }).status, 0);
      assert.ok(!existsSync(join(off.path, 'node-compile-cache')));
    } finally {
      off.remove();
    }
  } finally {
    tmp.remove();
  }
});
