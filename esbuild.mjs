// One build script, one context per program:
//   dist/extension.js        the VS Code extension (CJS, `vscode` external)
//   dist/languageServer.mjs  the language server (ESM, fully bundled)
//   dist/flero.mjs           the CLI and the bundled Flero API server (ESM, fully bundled)
//   dist/codeWorker.mjs      the code-node worker thread both server bundles start (engine/sandbox.ts finds it
//                            beside itself; ESM, fully bundled)
// Server bundles are ESM so that PGlite's and QuickJS's `new URL('x.wasm', import.meta.url)` resolve to the files we
// copy beside the bundle (in CJS output esbuild would leave `import.meta.url` empty and they fail at run time).
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const dist = join(root, 'dist');

// CJS packages bundled into ESM still call require() for node built-ins: give them one.
// package.json's version, substituted for __FLERO_VERSION__ (server/src/globals.d.ts) in every program.
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

const esmBanner = [
  "import { createRequire as __flero_createRequire } from 'node:module';",
  'const require = __flero_createRequire(import.meta.url);',
].join('\n');

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  define: { __FLERO_VERSION__: JSON.stringify(version) },
};

const programs = [
  {
    ...common,
    entryPoints: { extension: join(root, 'client/src/extension.ts') },
    outdir: dist,
    format: 'cjs',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: { languageServer: join(root, 'server/src/lsp/main.ts') },
    outdir: dist,
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    banner: { js: esmBanner },
  },
  {
    ...common,
    entryPoints: { flero: join(root, 'server/src/cli/main.ts') },
    outdir: dist,
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    banner: { js: esmBanner },
    // pg's optional native binding is never used.
    external: ['pg-native'],
  },
  {
    ...common,
    entryPoints: { codeWorker: join(root, 'server/src/engine/codeWorker.ts') },
    outdir: dist,
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    banner: { js: esmBanner },
  },
];

/** WASM and data files the bundles load at run time from beside themselves. */
const assets = [
  ['node_modules/@electric-sql/pglite/dist/pglite.wasm', 'pglite.wasm'],
  ['node_modules/@electric-sql/pglite/dist/pglite.data', 'pglite.data'],
  ['node_modules/@electric-sql/pglite/dist/initdb.wasm', 'initdb.wasm'],
  ['node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm', 'emscripten-module.wasm'],
];

function copyAssets() {
  mkdirSync(dist, { recursive: true });
  for (const [from, to] of assets) {
    const src = join(root, from);
    if (!existsSync(src)) throw new Error(`build: missing runtime asset ${from} (run npm ci)`);
    cpSync(src, join(dist, to));
  }
}

/**
 * dist/workflow.schema.json — the extension's `jsonValidation` schema for `*.flero.json`, generated from the same zod
 * schema the server validates with (core/workflow.ts `workflowJsonSchema()`, like `flero schema`).
 */
async function writeWorkflowSchema() {
  const out = await esbuild.build({
    entryPoints: [join(root, 'server/src/core/workflow.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'warning',
  });
  const code = out.outputFiles[0].text;
  const mod = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  writeFileSync(join(dist, 'workflow.schema.json'), `${JSON.stringify(mod.workflowJsonSchema(), null, 2)}\n`);
}

/**
 * A tarball of a freshly initialised PGlite data dir (dist/pglite-seed.tar.gz): the server's first start on an empty
 * --data loads it instead of running initdb (several seconds faster). Made once per PGlite version and cached under
 * node_modules/.cache/flero/.
 */
async function pgliteSeed() {
  const { PGlite } = await import('@electric-sql/pglite');
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'));
  const cacheDir = join(root, 'node_modules/.cache/flero');
  const cached = join(cacheDir, `pglite-seed-${pkg.version}.tar.gz`);
  if (!existsSync(cached)) {
    const db = await PGlite.create();
    const blob = await db.dumpDataDir('gzip');
    await db.close();
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(`${cached}.tmp`, Buffer.from(await blob.arrayBuffer()));
    renameSync(`${cached}.tmp`, cached);
  }
  cpSync(cached, join(dist, 'pglite-seed.tar.gz'));
}

const present = programs.filter((p) => Object.values(p.entryPoints).every((f) => existsSync(f)));
if (production) rmSync(dist, { recursive: true, force: true });
copyAssets();
await writeWorkflowSchema();
await pgliteSeed();
if (watch) {
  for (const p of present) await (await esbuild.context(p)).watch();
  console.log('esbuild: watching');
} else {
  const started = Date.now();
  await Promise.all(present.map((p) => esbuild.build(p)));
  console.log(
    `esbuild: built ${present.length} program(s) in ${Date.now() - started} ms${production ? ' (production)' : ''}`,
  );
}
