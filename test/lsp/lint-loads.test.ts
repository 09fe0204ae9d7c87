// What a real `flero lint` process loads from the built dist/ (issue 17): a module-loader hook
// (test/helpers/loadedModules.mjs) lists every ES module the process loads; none of the chunks lint, schema, help
// and --version load is one of the store (it names pglite.wasm), the sandbox (emscripten-module.wasm, codeWorker.mjs)
// or the API (swagger-ui-bundle.js); `flero serve --help` does load them, so the check can fail. These names are
// string literals, so they survive minification: the check holds for the production build too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tmpDir } from '../helpers/tmp';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(root, 'dist');
const fixture = join(root, 'test/fixtures/lsp/diagnostics/cycle.neg.flero.json');
const MARKERS = ['pglite.wasm', 'emscripten-module.wasm', 'codeWorker.mjs', 'swagger-ui-bundle.js'];

/** The dist/ files a `flero …` process loads, and its exit status. */
function loaded(args: string[]): { files: string[]; status: number | null } {
  const tmp = tmpDir('flero-loads');
  try {
    const list = join(tmp.path, 'loaded.txt');
    const r = spawnSync(
      process.execPath,
      ['--import', join(root, 'test/helpers/loadedModules.mjs'), join(dist, 'flero.mjs'), ...args],
      { encoding: 'utf8', cwd: root, env: { ...process.env, FLERO_LOADED_MODULES: list } },
    );
    const urls = readFileSync(list, 'utf8').trim().split('\n');
    const files = urls
      .filter((u) => u.startsWith('file:'))
      .map((u) => fileURLToPath(u))
      .filter((f) => f.startsWith(dist));
    return { files, status: r.status };
  } finally {
    tmp.remove();
  }
}

const heavy = (files: string[]) =>
  files.filter((f) => MARKERS.some((m) => readFileSync(f, 'utf8').includes(m))).map((f) => f.slice(dist.length + 1));

const QUICK: [string, string[]][] = [
  ['lint --format json', ['lint', '--format', 'json', fixture]],
  ['lint', ['lint', fixture]],
  ['schema', ['schema']],
  ['help', ['help']],
  ['--version', ['--version']],
];
for (const [name, args] of QUICK) {
  test(`flero ${name} loads no chunk of the store, sandbox or API`, () => {
    const r = loaded(args);
    assert.equal(r.status, 0);
    assert.ok(r.files.includes(join(dist, 'flero.mjs')), 'the hook saw the CLI load');
    assert.deepEqual(heavy(r.files), []);
  });
}

test('flero serve --help does load them (the check can fail)', () => {
  const r = loaded(['serve', '--help']);
  assert.equal(r.status, 0);
  assert.ok(heavy(r.files).length > 0);
});
