// The CLI bundle is split per command (esbuild.mjs cliProgram, issue 17): what `flero lint`, `schema`, `help` and
// `--version` load statically — the entry chunk and the command's own chunk with everything they import, never a
// dynamic import — holds no module of the store (PGlite), the engine or sandbox (QuickJS) or the API server.
// Built in memory from the same options as dist/flero.mjs, read from esbuild's metafile. test/lsp/lint-loads.test.ts
// checks the same of the built dist/ by watching what a real `flero lint` process loads.
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(ROOT, 'test', '.tmp', 'cli-bundle-check');

/** The store, the engine and sandbox, the API server: what a lint must never evaluate. */
const HEAVY = [/^server\/src\/api\//, /^server\/src\/engine\//, /node_modules\/@electric-sql\/pglite\//, /quickjs/];

interface BuildScript {
  cliProgram(opts: { production?: boolean; outdir?: string }): esbuild.BuildOptions;
  CLI_CHUNKS: RegExp;
}

let metafile: esbuild.Metafile;
let script: BuildScript;

/** The output file built from the entry point `entry` (the CLI's main, or a command module main.ts imports). */
function outputOf(entry: string): string {
  const found = Object.entries(metafile.outputs).find(([, o]) => o.entryPoint === entry);
  assert.ok(found, `no output chunk for ${entry}`);
  return found[0];
}

/** Every input module in `start` and the chunks it imports statically, transitively (dynamic imports not followed). */
function staticInputs(...start: string[]): string[] {
  const seen = new Set<string>();
  const todo = [...start];
  while (todo.length) {
    const out = todo.pop()!;
    if (seen.has(out)) continue;
    seen.add(out);
    for (const i of metafile.outputs[out]!.imports) if (i.kind === 'import-statement' && !i.external) todo.push(i.path);
  }
  return [...seen].flatMap((o) => Object.keys(metafile.outputs[o]!.inputs));
}

const heavyIn = (inputs: string[]) => inputs.filter((i) => HEAVY.some((re) => re.test(i)));

describe('the split CLI bundle (dist/flero.mjs and its chunks)', () => {
  before(async () => {
    script = (await import(pathToFileURL(join(ROOT, 'esbuild.mjs')).href)) as BuildScript;
    const r = await esbuild.build({
      ...script.cliProgram({ production: true, outdir: OUT }),
      write: false,
      sourcemap: false,
      metafile: true,
    });
    // Paths in the metafile are relative to the working directory: make them relative to the checkout.
    const rel = (p: string) => relative(ROOT, join(process.cwd(), p)).replaceAll('\\', '/');
    const outputs = Object.fromEntries(
      Object.entries(r.metafile.outputs).map(([k, o]) => [
        rel(k),
        {
          ...o,
          entryPoint: o.entryPoint && rel(o.entryPoint),
          inputs: Object.fromEntries(Object.entries(o.inputs).map(([i, v]) => [rel(i), v])),
          imports: o.imports.map((i) => ({ ...i, path: i.external ? i.path : rel(i.path) })),
        },
      ]),
    );
    metafile = { inputs: r.metafile.inputs, outputs };
  });

  it('the chunks are named flero-<hash>.mjs and sit beside flero.mjs (where the WASM files are)', () => {
    const files = Object.keys(metafile.outputs).map((o) => relative('test/.tmp/cli-bundle-check', o));
    assert.ok(files.includes('flero.mjs'));
    assert.ok(files.includes('flero-lintWorker.mjs'), 'the lint worker pool’s thread (cli/lint/worker.ts)');
    const chunks = files.filter((f) => f !== 'flero.mjs' && f !== 'flero-lintWorker.mjs');
    assert.ok(chunks.length > 3, 'the bundle is split');
    for (const c of chunks) assert.match(c, script.CLI_CHUNKS);
  });

  it('the entry chunk (help, --version) loads none of the store, engine, sandbox or API', () => {
    const main = outputOf('server/src/cli/main.ts');
    const inputs = staticInputs(main);
    assert.ok(inputs.includes('server/src/cli/main.ts'));
    assert.deepEqual(heavyIn(inputs), []);
  });

  it('the lint worker, in either mode (what it imports dynamically too), loads none of them either', () => {
    const worker = outputOf('server/src/cli/lint/worker.ts');
    const modes = metafile.outputs[worker]!.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path);
    assert.ok(modes.length >= 2, 'files and code mode');
    const inputs = staticInputs(worker, ...modes);
    assert.ok(inputs.includes('server/src/lsp/service/diagnostics.ts'));
    assert.deepEqual(heavyIn(inputs), []);
  });

  for (const command of ['lint', 'schema']) {
    it(`flero ${command} loads none of them either`, () => {
      const inputs = staticInputs(outputOf('server/src/cli/main.ts'), outputOf(`server/src/cli/${command}.ts`));
      assert.ok(inputs.includes(`server/src/cli/${command}.ts`));
      assert.deepEqual(heavyIn(inputs), []);
    });
  }

  it('lint has the language server’s checks; serve loads the store, engine and API (the check can fail)', () => {
    const lint = staticInputs(outputOf('server/src/cli/main.ts'), outputOf('server/src/cli/lint.ts'));
    assert.ok(lint.includes('server/src/lsp/service/diagnostics.ts'));
    const serve = staticInputs(outputOf('server/src/cli/main.ts'), outputOf('server/src/cli/serve.ts'));
    // (QuickJS itself runs in dist/codeWorker.mjs, the worker thread the sandbox starts.)
    for (const re of HEAVY.slice(0, 3))
      assert.ok(
        serve.some((i) => re.test(i)),
        `serve should load ${re}`,
      );
  });
});
