// The shipped extension carries no test seam (issue 14): the scripted prompts and the test API exist only in the test
// build (`node esbuild.mjs --test-build`). Builds the extension bundle the way `node esbuild.mjs` (dev) and
// `--production` (npm run package → vsce) do, in memory, and checks that none of the test build's code or switches
// are in it; the test build of the same source must contain them (so the check can fail). The packaged .vsix is
// checked the same way by the e2e build (test/e2e/lib/build.mjs).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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

/** Every `from '…'` / `import('…')` specifier of a TypeScript file (type-only imports included). */
function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** What of server/src a client file may import: core (shared logic and API types), the typed API client, the LSP protocol. */
const ALLOWED_SERVER_PATHS = [/^core\//, /^apiClient\//, /^lsp\/protocol(\.ts)?$/];

describe('what the extension imports from the server tree (issue 11)', () => {
  it('client/src reaches server/src only through core, apiClient and lsp/protocol (no engine, api, cli, store…)', () => {
    const bad: string[] = [];
    let seen = 0;
    for (const file of tsFiles(join(ROOT, 'client', 'src'))) {
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = relative(join(ROOT, 'server', 'src'), resolve(dirname(file), spec)).replaceAll('\\', '/');
        if (target.startsWith('..')) continue;
        seen++;
        if (!ALLOWED_SERVER_PATHS.some((re) => re.test(target)))
          bad.push(`${relative(ROOT, file)} → server/src/${target}`);
      }
    }
    assert.ok(seen > 10, `found only ${seen} imports of server/src: is the scan broken?`);
    assert.deepEqual(bad, []);
  });

  it('the typed API client imports nothing of the server but core', () => {
    const bad: string[] = [];
    for (const file of tsFiles(join(ROOT, 'server', 'src', 'apiClient')))
      for (const spec of specifiers(readFileSync(file, 'utf8')))
        if (!/^\.\/|^\.\.\/core\//.test(spec)) bad.push(`${relative(ROOT, file)} → ${spec}`);
    assert.deepEqual(bad, []);
  });

  it('the bundle holds no engine, API server, CLI or store module, and no zod (API types are type-only)', async () => {
    const out = await esbuild.build({
      ...script.extensionProgram({ production: true, outdir: join(ROOT, 'test', '.tmp', 'bundle-check') }),
      write: false,
      sourcemap: false,
      metafile: true,
    });
    const inputs = Object.keys(out.metafile!.inputs).map((i) => i.replaceAll('\\', '/'));
    assert.ok(
      inputs.some((i) => i.includes('server/src/apiClient/client.ts')),
      'the extension uses the typed client',
    );
    assert.deepEqual(
      inputs.filter((i) => /server\/src\/(engine|api|cli|store|db)\//.test(i) || /node_modules\/zod\//.test(i)),
      [],
    );
  });
});
