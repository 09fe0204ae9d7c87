// The shipped extension carries no test seam (issue 14): the scripted prompts and the test API exist only in the test
// build (`node esbuild.mjs --test-build`). Builds the extension bundle the way `node esbuild.mjs` (dev) and
// `--production` (npm run package → vsce) do, in memory, and checks that none of the test build's code or switches
// are in it; the test build of the same source must contain them (so the check can fail). The packaged .vsix is
// checked the same way by the e2e build (test/e2e/lib/build.mjs).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface BuildScript {
  extensionProgram(opts: { production?: boolean; testBuild?: boolean; outdir?: string }): esbuild.BuildOptions;
}
interface TestSeam {
  TEST_BUILD_MARKERS: string[];
  testSeamIn(text: string): string[];
}

let script: BuildScript;
let seam: TestSeam;

async function bundle(opts: { production: boolean; testBuild: boolean }): Promise<string> {
  const out = await esbuild.build({
    ...script.extensionProgram({ ...opts, outdir: join(ROOT, 'test', '.tmp', 'bundle-check') }),
    write: false,
    sourcemap: false,
  });
  const js = out.outputFiles.find((f) => f.path.endsWith('extension.js'));
  assert.ok(js, 'esbuild produced no extension.js');
  return js.text;
}

describe('the extension bundle', () => {
  before(async () => {
    script = (await import(pathToFileURL(join(ROOT, 'esbuild.mjs')).href)) as BuildScript;
    seam = (await import(pathToFileURL(join(ROOT, 'test', 'e2e', 'lib', 'testSeam.mjs')).href)) as TestSeam;
  });

  it('--production (what vsce packages) has no scripted prompts, no test API, no FLERO_TEST_HOOKS', async () => {
    const text = await bundle({ production: true, testBuild: false });
    assert.deepEqual(seam.testSeamIn(text), []);
    assert.match(text, /flero\.generateApiKey/, 'not the extension bundle');
  });

  it('the default (dev) build has none of it either', async () => {
    assert.deepEqual(seam.testSeamIn(await bundle({ production: false, testBuild: false })), []);
  });

  it('the test build has the scripted prompts and the test API (the check above can fail)', async () => {
    for (const production of [false, true]) {
      const text = await bundle({ production, testBuild: true });
      for (const m of seam.TEST_BUILD_MARKERS)
        assert.ok(text.includes(m), `test build (production=${production}) lacks "${m}"`);
    }
  });

  it('dist/extension.js, when built, has none of it', (t) => {
    const file = join(ROOT, 'dist', 'extension.js');
    if (!existsSync(file)) return t.skip('dist/extension.js not built');
    assert.deepEqual(seam.testSeamIn(readFileSync(file, 'utf8')), []);
  });
});
