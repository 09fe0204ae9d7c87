// The npm package as a user meets it: `packOnce()` packs this checkout (`npm pack`) once per test process, and
// `scratchProject()` installs that tarball into a fresh project in a temp dir outside the repo
// (`npm i -D ./flero-vscode-<version>.tgz --offline`: the package has no dependencies, so nothing is fetched), then
// runs `flero` there, through node_modules/.bin or through `npx --no-install flero`, which is what users type.
//
// packOnce() passes --ignore-scripts: `npm pack`'s own `prepare` rebuilds dist/ in place (--production, esbuild.mjs),
// which would pull dist/flero.mjs out from under the test files running beside this one. The tarball therefore holds
// the build the suite runs on (`npm test` builds first); its file list is the same (.npmignore).
// FLERO_TEST_PACK_SCRIPTS=1 packs exactly as a release does (npm's prepare: the production build, minified, no source
// maps), for running this file on its own: `FLERO_TEST_PACK_SCRIPTS=1 node --import tsx --test test/api/packed-cli.test.ts`.
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { REPO_ROOT } from './server';
import { tmpDir } from './tmp';

export interface Packed {
  /** Absolute path of the .tgz (in a temp dir removed when the process exits). */
  tarball: string;
  /** `npm pack --json`'s report: name, version, size (bytes), unpackedSize, files [{path, size, mode}]. */
  name: string;
  version: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
}

export interface ScratchProject {
  /** The project directory (cwd of every command). */
  dir: string;
  /** What `npm i -D <tarball>` printed. */
  install: RunResult;
  /** `node_modules/.bin/flero <args>` in `dir`. */
  flero(args: string[], opts?: RunOptions): Promise<RunResult>;
  /** `npx --no-install flero <args>` in `dir`. */
  npx(args: string[], opts?: RunOptions): Promise<RunResult>;
  remove(): void;
}

/**
 * The environment for npm and the installed CLI: this process's, without what `npm test` put there for the repo — its
 * npm_* lifecycle variables and the repo's node_modules/.bin on PATH (so `npx flero` cannot find the checkout's bin).
 */
export function scratchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  const repo = REPO_ROOT.replace(/\/+$/, '');
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((p) => p && p !== repo && !p.startsWith(`${repo}/`))
    .join(delimiter);
  return { ...env, ...extra };
}

/** Runs a command to completion, collecting its output; rejects on time-out. */
export function exec(command: string, args: string[], cwd: string, opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: scratchEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} timed out in ${cwd}\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

let packing: Promise<Packed> | undefined;

/** `npm pack` of this checkout, once per process; the tarball's temp dir goes when the process exits. */
export function packOnce(): Promise<Packed> {
  packing ??= (async () => {
    if (!existsSync(join(REPO_ROOT, 'dist', 'flero.mjs')))
      throw new Error('dist/flero.mjs is missing: run `node esbuild.mjs` before the tests');
    const dest = tmpDir('flero-pack');
    process.once('exit', () => dest.remove());
    const scripts = process.env.FLERO_TEST_PACK_SCRIPTS === '1' ? [] : ['--ignore-scripts'];
    const args = ['pack', '--json', ...scripts, '--pack-destination', dest.path];
    const r = await exec('npm', args, REPO_ROOT, { timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`npm pack failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    // With scripts, prepare's own output (esbuild's summary line) precedes npm's JSON on stdout.
    const at = r.stdout.search(/^\[/m);
    const [report] = JSON.parse(at < 0 ? r.stdout : r.stdout.slice(at)) as (Omit<Packed, 'tarball'> & {
      filename: string;
    })[];
    if (!report) throw new Error(`npm pack printed no report:\n${r.stdout}`);
    return {
      tarball: join(dest.path, report.filename),
      name: report.name,
      version: report.version,
      size: report.size,
      unpackedSize: report.unpackedSize,
      files: report.files.map((f) => ({ path: f.path, size: f.size })),
    };
  })();
  return packing;
}

/**
 * A new project in a temp dir with the packed tarball installed as a dev dependency (offline; falls back to
 * --prefer-offline should an npm refuse --offline for a local tarball).
 */
export async function scratchProject(label = 'flero-scratch'): Promise<ScratchProject> {
  const { tarball } = await packOnce();
  const tmp = tmpDir(label);
  const dir = tmp.path;
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'scratch-project', version: '1.0.0', private: true }, null, 2)}\n`,
  );
  const npmArgs = (mode: string) => ['i', '-D', tarball, '--no-audit', '--no-fund', mode];
  let install = await exec('npm', npmArgs('--offline'), dir, { timeoutMs: 120_000 });
  if (install.code !== 0) install = await exec('npm', npmArgs('--prefer-offline'), dir, { timeoutMs: 120_000 });
  if (install.code !== 0) {
    tmp.remove();
    throw new Error(`npm i -D ${tarball} failed (${install.code}):\n${install.stdout}\n${install.stderr}`);
  }
  const bin = join(dir, 'node_modules', '.bin', 'flero');
  return {
    dir,
    install,
    flero: (args, opts) => exec(bin, args, dir, opts),
    npx: (args, opts) => exec('npx', ['--no-install', 'flero', ...args], dir, opts),
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
