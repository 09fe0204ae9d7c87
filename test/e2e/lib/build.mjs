// Builds and packages the extension the way a release does — `node esbuild.mjs --production`, then
// `vsce package --no-dependencies` — in a staging copy of the checkout, so the shared working tree's dist/ (which
// other test suites use) is never wiped, and checks that this production .vsix holds no test seam. Then packages the
// TEST BUILD the same way (`node esbuild.mjs --production --test-build` → dist-test/extension.js, put in dist/ of the
// stage, vsce again → flero-test.vsix): the only difference is the extension bundle with the scripted prompts and the
// test API the extension-host suite drives. Also bundles the extension-host suites (full + production smoke).
import { copyFileSync, cpSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runToEnd } from './proc.mjs';
import { FORBIDDEN_IN_PRODUCTION, TEST_BUILD_MARKERS, testSeamIn } from './testSeam.mjs';
import { zipEntries } from './zip.mjs';

const SKIP = new Set(['node_modules', '.git', 'dist', '.flero', 'BENCHMARKS.md']);

/** Copies the checkout (minus node_modules, .git, dist, caches) to stageDir and links node_modules. */
function stage(root, stageDir) {
  mkdirSync(stageDir, { recursive: true });
  for (const name of readdirSync(root)) {
    if (SKIP.has(name) || name.endsWith('.vsix')) continue;
    cpSync(join(root, name), join(stageDir, name), {
      recursive: true,
      filter: (src) => !/[/\\](\.cache|\.tmp|screenshots|node_modules)([/\\]|$)/.test(src.slice(root.length)),
    });
  }
  symlinkSync(join(root, 'node_modules'), join(stageDir, 'node_modules'), 'dir');
}

async function must(what, cmd, args, opts) {
  const res = await runToEnd(cmd, args, opts);
  if (res.code !== 0)
    throw new Error(`${what} failed (exit ${res.code}):\n${res.out.split('\n').slice(-40).join('\n')}`);
  return res.out;
}

const BINARY = /\.(wasm|data|gz|png|jpg|svg)$/;

/** The test-seam markers in a .vsix's text files, as `file: marker` strings; and its extension.js text. */
function seamInVsix(vsix) {
  const found = [];
  let extensionJs = '';
  const entries = zipEntries(vsix);
  for (const e of entries) {
    if (/(^|\/)dist-test\//.test(e.name)) found.push(`${e.name}: a dist-test/ file`);
    if (BINARY.test(e.name)) continue;
    const text = e.data.toString('utf8');
    if (e.name === 'extension/dist/extension.js') extensionJs = text;
    for (const m of testSeamIn(text)) found.push(`${e.name}: ${m}`);
  }
  if (!extensionJs) throw new Error(`${vsix} has no extension/dist/extension.js`);
  return { found, extensionJs, files: entries.length };
}

async function vscePackage(stageDir, vsix) {
  const vsce = join(stageDir, 'node_modules', '.bin', 'vsce');
  const args = [
    'package',
    '--no-dependencies',
    '--no-rewrite-relative-links',
    '--readme-path',
    'docs/extension-page.md',
  ];
  return must('vsce package', vsce, [...args, '-o', vsix], {
    cwd: stageDir,
    env: { ...process.env, npm_config_yes: 'true' },
  });
}

/**
 * @returns {Promise<{ stageDir: string, vsix: string, testVsix: string, testsIndex: string, smokeIndex: string,
 *   vsixBytes: number }>} `vsix` is the production package, `testVsix` the test build's.
 */
export async function buildAndPackage(root, tmp, log) {
  const stageDir = join(tmp, 'stage');
  stage(root, stageDir);
  const t0 = Date.now();
  await must('node esbuild.mjs --production', process.execPath, ['esbuild.mjs', '--production'], { cwd: stageDir });
  log(`build: esbuild --production in ${Date.now() - t0} ms`);
  const vsix = join(tmp, 'flero.vsix');
  const t1 = Date.now();
  const out = await vscePackage(stageDir, vsix);
  log(`build: vsce package in ${Date.now() - t1} ms: ${out.trim().split('\n').pop()}`);
  const prod = seamInVsix(vsix);
  if (prod.found.length) throw new Error(`the production .vsix contains the e2e test seam:\n${prod.found.join('\n')}`);
  log(
    `build: production .vsix checked: ${prod.files} files, none holds the test seam (${FORBIDDEN_IN_PRODUCTION.join(', ')})`,
  );

  const page = pageInVsix(vsix);
  if (page.broken.length) throw new Error(`the .vsix README links files it does not ship: ${page.broken.join(', ')}`);
  log(
    `build: the extension page's ${page.images} pictures are in the package; CHANGELOG ${page.changelog ? 'too' : 'MISSING'}`,
  );
  if (!page.changelog) throw new Error('the .vsix has no CHANGELOG.md');

  // The test build: the same package with the test build's extension bundle.
  const t2 = Date.now();
  await must(
    'node esbuild.mjs --production --test-build',
    process.execPath,
    ['esbuild.mjs', '--production', '--test-build'],
    {
      cwd: stageDir,
    },
  );
  const prodJs = join(tmp, 'extension.production.js');
  copyFileSync(join(stageDir, 'dist', 'extension.js'), prodJs);
  copyFileSync(join(stageDir, 'dist-test', 'extension.js'), join(stageDir, 'dist', 'extension.js'));
  const testVsix = join(tmp, 'flero-test.vsix');
  try {
    await vscePackage(stageDir, testVsix);
  } finally {
    copyFileSync(prodJs, join(stageDir, 'dist', 'extension.js'));
  }
  const missing = TEST_BUILD_MARKERS.filter((m) => !seamInVsix(testVsix).extensionJs.includes(m));
  if (missing.length) throw new Error(`the test build's .vsix lacks the test seam (${missing.join(', ')})`);
  log(`build: test build packaged in ${Date.now() - t2} ms: ${testVsix}`);

  // Extension-host tests: one CommonJS bundle per suite, `vscode` left to the extension host.
  const esbuild = await import(join(root, 'node_modules', 'esbuild', 'lib', 'main.js'));
  const bundleTests = (name, outName) =>
    (esbuild.default ?? esbuild).build({
      entryPoints: [join(root, 'test', 'e2e', 'ext', `${name}.ts`)],
      outfile: join(tmp, 'ext-tests', outName),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      logLevel: 'warning',
    });
  await Promise.all([bundleTests('index', 'index.js'), bundleTests('smoke', 'smoke.js')]);
  return {
    stageDir,
    vsix,
    testVsix,
    testsIndex: join(tmp, 'ext-tests', 'index.js'),
    smokeIndex: join(tmp, 'ext-tests', 'smoke.js'),
    vsixBytes: statSync(vsix).size,
  };
}

/** The packaged README's image links (relative to the package root) that are not files of the package. */
function pageInVsix(vsix) {
  const entries = zipEntries(vsix);
  const names = new Set(entries.map((e) => e.name));
  const readme = entries.find((e) => e.name.toLowerCase() === 'extension/readme.md');
  if (!readme) return { broken: ['extension/readme.md itself'], images: 0, changelog: false };
  const links = [...readme.data.toString('utf8').matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  const broken = links.filter((l) => /^[a-z]+:/i.test(l) || !names.has(`extension/${l.replace(/^\.\//, '')}`));
  return {
    broken,
    images: links.length,
    changelog: entries.some((e) => e.name.toLowerCase() === 'extension/changelog.md'),
  };
}
