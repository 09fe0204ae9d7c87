// Builds and packages the extension the way a release does — `node esbuild.mjs --production`, then
// `vsce package --no-dependencies` — in a staging copy of the checkout, so the shared working tree's dist/ (which
// other test suites use) is never wiped. Also bundles the extension-host test suite.
import { cpSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runToEnd } from './proc.mjs';

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

/**
 * @returns {Promise<{ stageDir: string, vsix: string, testsIndex: string, vsixBytes: number }>}
 */
export async function buildAndPackage(root, tmp, log) {
  const stageDir = join(tmp, 'stage');
  stage(root, stageDir);
  const t0 = Date.now();
  await must('node esbuild.mjs --production', process.execPath, ['esbuild.mjs', '--production'], { cwd: stageDir });
  log(`build: esbuild --production in ${Date.now() - t0} ms`);
  const vsix = join(tmp, 'flero.vsix');
  const t1 = Date.now();
  const vsce = join(stageDir, 'node_modules', '.bin', 'vsce');
  const out = await must(
    'vsce package',
    vsce,
    ['package', '--no-dependencies', '--no-rewrite-relative-links', '-o', vsix],
    {
      cwd: stageDir,
      env: { ...process.env, npm_config_yes: 'true' },
    },
  );
  log(`build: vsce package in ${Date.now() - t1} ms: ${out.trim().split('\n').pop()}`);
  // Extension-host tests: one CommonJS bundle, `vscode` left to the extension host.
  const testsIndex = join(tmp, 'ext-tests', 'index.js');
  const esbuild = await import(join(root, 'node_modules', 'esbuild', 'lib', 'main.js'));
  await (esbuild.default ?? esbuild).build({
    entryPoints: [join(root, 'test', 'e2e', 'ext', 'index.ts')],
    outfile: testsIndex,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  return { stageDir, vsix, testsIndex, vsixBytes: statSync(vsix).size };
}
