// One build script, one context per program:
//   dist/extension.js        the VS Code extension (CJS, `vscode` external); never contains the test seam
//   dist/languageServer.mjs  the language server (ESM, fully bundled)
//   dist/flero.mjs           the CLI and the bundled Flero API server (ESM, fully bundled, split: flero-<hash>.mjs
//                            chunks beside it, so each command loads only what it needs; see cliProgram)
//   dist/codeWorker.mjs      the code-node worker thread both server bundles start (engine/workerEntry.ts finds it
//                            beside itself; ESM, fully bundled)
//   dist/graphView.js        the workflow graph webview's script (browser IIFE; client/src/graph/view/main.ts)
// and copies beside them the files the bundles read at run time (PGlite's and QuickJS's WASM, Swagger UI's bundle
// and stylesheet for /api-docs).
// `node esbuild.mjs --test-build [--production]` builds only the extension's TEST BUILD, dist-test/extension.js: the
// same extension with `__FLERO_TEST_BUILD__` defined true, i.e. with the scripted prompts and the test API the e2e
// suite drives (client/src/testBuild/). dist-test/ is never packaged (.vscodeignore is an allowlist); the e2e harness
// puts it into a .vsix of its own (test/e2e/lib/build.mjs). The default and --production builds define it false, so
// esbuild drops that code (test/unit/client-bundle.test.ts checks).
// Server bundles are ESM so that PGlite's and QuickJS's `new URL('x.wasm', import.meta.url)` resolve to the files we
// copy beside the bundle (in CJS output esbuild would leave `import.meta.url` empty and they fail at run time).
import { homedir } from 'node:os';
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
// `npm pack` and `npm publish` run the `prepare` script (after `prepack`): the npm package (the `flero` CLI, .npmignore)
// gets the production build, minified and without source maps, like the .vsix (`npm run package`).
const packing =
  ['pack', 'publish'].includes(process.env.npm_command ?? '') && process.env.npm_lifecycle_event === 'prepare';
const production = process.argv.includes('--production') || packing;
const watch = process.argv.includes('--watch');
const testBuild = process.argv.includes('--test-build');
const dist = join(root, 'dist');
const distTest = join(root, 'dist-test');

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

/**
 * The extension's build options. `testBuild` compiles the e2e test seam in (scripted prompts, test API); everything
 * else defines `__FLERO_TEST_BUILD__` false and esbuild drops that code. Exported for the bundle test.
 * @returns {esbuild.BuildOptions}
 */
export function extensionProgram({ production: prod = production, testBuild: test = false, outdir = dist } = {}) {
  return {
    ...common,
    sourcemap: prod ? false : 'linked',
    minify: prod,
    // Folds `if (__FLERO_TEST_BUILD__)` away in the dev build too (identifiers and whitespace stay readable).
    minifySyntax: true,
    entryPoints: { extension: join(root, 'client/src/extension.ts') },
    outdir,
    format: 'cjs',
    external: ['vscode'],
    define: { __FLERO_TEST_BUILD__: String(test) },
  };
}

/**
 * zod's `locales` namespace (`z.locales`, 360 KB of error messages in forty languages) reduced to English, the only
 * one anything uses (zod configures `en` itself): the bundle is that much smaller to compile on every cold start.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir)
        ? { path: join(args.resolveDir, '../locales/en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/** The CLI's chunks beside dist/flero.mjs: `flero-<hash>.mjs` (the allowlists ship `dist/flero-*.mjs`). */
export const CLI_CHUNKS = /^flero-[A-Z0-9]+\.mjs(\.map)?$/;

/**
 * The CLI and the bundled API server, split into chunks (ESM `splitting`): each command's module (main.ts imports
 * them dynamically) is a chunk of its own, with what it shares with the others in further chunks, so `flero lint`
 * loads and compiles the language-server checks and never the store (PGlite), the engine (QuickJS) or the API.
 * Chunks sit in dist/ itself, beside the WASM files their `new URL('x.wasm', import.meta.url)` looks for.
 * Exported for the bundle test.
 * @returns {esbuild.BuildOptions}
 */
export function cliProgram({ production: prod = production, outdir = dist } = {}) {
  return {
    ...common,
    sourcemap: prod ? false : 'linked',
    minify: prod,
    // flero-lintWorker.mjs: the thread `flero lint` checks many files on (cli/lint/pool.ts), sharing lint's chunks.
    entryPoints: {
      flero: join(root, 'server/src/cli/main.ts'),
      'flero-lintWorker': join(root, 'server/src/cli/lint/worker.ts'),
    },
    outdir,
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    splitting: true,
    chunkNames: 'flero-[hash]',
    banner: { js: esmBanner },
    plugins: [zodEnglishOnly],
    // pg's optional native binding is never used.
    external: ['pg-native'],
  };
}

const programs = [
  extensionProgram(),
  {
    ...common,
    entryPoints: { languageServer: join(root, 'server/src/lsp/main.ts') },
    outdir: dist,
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    banner: { js: esmBanner },
    plugins: [zodEnglishOnly],
  },
  cliProgram(),
  {
    ...common,
    entryPoints: { codeWorker: join(root, 'server/src/engine/codeWorker.ts') },
    outdir: dist,
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    banner: { js: esmBanner },
  },
  {
    ...common,
    entryPoints: { graphView: join(root, 'client/src/graph/view/main.ts') },
    outdir: dist,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

/** WASM and data files the bundles load at run time from beside themselves. */
const assets = [
  ['node_modules/@electric-sql/pglite/dist/pglite.wasm', 'pglite.wasm'],
  ['node_modules/@electric-sql/pglite/dist/pglite.data', 'pglite.data'],
  ['node_modules/@electric-sql/pglite/dist/initdb.wasm', 'initdb.wasm'],
  ['node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm', 'emscripten-module.wasm'],
  // /api-docs (server/src/api/apiDocs.ts): Swagger UI's browser bundle and stylesheet, nothing else of the package.
  ['node_modules/swagger-ui-dist/swagger-ui-bundle.js', 'swagger-ui-bundle.js'],
  ['node_modules/swagger-ui-dist/swagger-ui.css', 'swagger-ui.css'],
];

/**
 * dist/swagger-ui-bundle.js.LICENSE.txt: swagger-ui's Apache-2.0 LICENSE and NOTICE (the license asks that they go
 * with every copy) followed by the notices of what its bundle contains (the file the bundle's first line names).
 */
function writeSwaggerUiLicense() {
  const pkg = join(root, 'node_modules/swagger-ui-dist');
  const parts = ['LICENSE', 'NOTICE', 'swagger-ui-bundle.js.LICENSE.txt'].map((f) =>
    readFileSync(join(pkg, f), 'utf8'),
  );
  writeFileSync(join(dist, 'swagger-ui-bundle.js.LICENSE.txt'), `${parts.map((p) => p.trimEnd()).join('\n\n')}\n`);
}

function copyAssets() {
  mkdirSync(dist, { recursive: true });
  for (const [from, to] of assets) {
    const src = join(root, from);
    if (!existsSync(src)) throw new Error(`build: missing runtime asset ${from} (run npm ci)`);
    cpSync(src, join(dist, to));
  }
  writeSwaggerUiLicense();
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
 * dist/pglite-seed.tar.gz: a PGlite data dir made at build time with every migration applied (server/src/api/store/
 * seedBuild.ts, seed.ts): the server's first start on an empty --data unpacks it instead of running initdb and the
 * migrations. Its inputs are the PGlite version and the migrations; it is cached under both (a hash of the
 * migrations, the same one the seed's manifest records and the server checks) outside node_modules, which every
 * `npm ci` wipes: $FLERO_BUILD_CACHE, else ~/.cache/flero-build, else node_modules/.cache/flero. A change to
 * migrations.ts therefore makes a new seed on the next build (test/unit/seed.test.ts fails on a stale one).
 */
async function pgliteSeed() {
  const builder = join(dist, `.seed-build-${process.pid}.mjs`);
  await esbuild.build({
    entryPoints: [join(root, 'server/src/api/store/seedBuild.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: builder,
    external: ['@electric-sql/pglite'],
    logLevel: 'warning',
  });
  let mod;
  try {
    mod = await import(pathToFileURL(builder).href);
  } finally {
    rmSync(builder, { force: true });
  }
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'));
  const name = `pglite-seed-${pkg.version}-${mod.migrationsHash().slice(0, 16)}.tar.gz`;
  const dirs = [
    process.env.FLERO_BUILD_CACHE,
    join(homedir(), '.cache', 'flero-build'),
    join(root, 'node_modules/.cache/flero'),
  ].filter(Boolean);
  const hit = dirs.map((d) => join(d, name)).find((f) => existsSync(f));
  if (hit) return cpSync(hit, join(dist, 'pglite-seed.tar.gz'));
  const bytes = await mod.buildSeed();
  writeFileSync(join(dist, 'pglite-seed.tar.gz'), bytes);
  for (const dir of dirs) {
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.${process.pid}.tmp`), bytes);
      renameSync(join(dir, `${name}.${process.pid}.tmp`), join(dir, name));
      return;
    } catch {
      // not writable here: try the next place (the seed in dist/ is written either way)
    }
  }
}

async function main() {
  const present = testBuild
    ? [extensionProgram({ testBuild: true, outdir: distTest })]
    : programs.filter((p) => Object.values(p.entryPoints).every((f) => existsSync(f)));
  if (testBuild) rmSync(distTest, { recursive: true, force: true });
  else {
    if (production) rmSync(dist, { recursive: true, force: true });
    copyAssets();
    await writeWorkflowSchema();
    await pgliteSeed();
  }
  if (watch) {
    for (const p of present) await (await esbuild.context(p)).watch();
    console.log('esbuild: watching');
  } else {
    const started = Date.now();
    // A rebuild names its chunks anew (content hashes): the previous build's must not linger (and be packaged).
    // Only when the CLI is built: `--test-build` builds the extension alone and must leave the CLI's chunks be.
    if (!testBuild && existsSync(dist))
      for (const f of readdirSync(dist)) if (CLI_CHUNKS.test(f)) rmSync(join(dist, f));
    await Promise.all(present.map((p) => esbuild.build(p)));
    console.log(
      `esbuild: built ${testBuild ? 'the TEST BUILD of the extension (dist-test/)' : `${present.length} program(s)`}` +
        ` in ${Date.now() - started} ms${production ? ' (production)' : ''}`,
    );
  }
}

// Imported (by the bundle tests) it only exports extensionProgram, cliProgram and CLI_CHUNKS; run, it builds.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
