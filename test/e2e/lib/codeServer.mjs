// code-server (the real VS Code workbench + extension host) run by the pinned Node 24, on 127.0.0.1.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, pollUntil, runToEnd, startDetached } from './proc.mjs';

/** Environment for everything VS Code runs: config and data under the run's temp dir, never the home folder. */
export function vscodeEnv(paths, tmp) {
  const env = { ...process.env };
  // The extension host inherits this environment; nothing of the test runner's node should leak into it.
  for (const k of Object.keys(env)) if (k.startsWith('npm_') || k === 'NODE_OPTIONS') delete env[k];
  return {
    ...env,
    PATH: `${join(paths.nodeDir, 'bin')}:${process.env.PATH}`,
    HOME: join(tmp, 'home'),
    XDG_CONFIG_HOME: join(tmp, 'xdg-config'),
    XDG_DATA_HOME: join(tmp, 'xdg-data'),
    XDG_CACHE_HOME: join(tmp, 'xdg-cache'),
    TMPDIR: join(tmp, 'tmp'),
    VSCODE_AGENT_FOLDER: join(tmp, 'vscode-agent'),
  };
}

export function prepareDirs(tmp) {
  for (const d of ['home', 'xdg-config', 'xdg-data', 'xdg-cache', 'tmp', 'logs'])
    mkdirSync(join(tmp, d), { recursive: true });
}

/**
 * `code-server --install-extension <vsix>` into extDir, as a user installs it. Returns the installed extension's
 * folder and its manifest.
 */
export async function installVsix(paths, tmp, { vsix, userDataDir, extDir }) {
  const res = await runToEnd(
    paths.node,
    [paths.csEntry, '--user-data-dir', userDataDir, '--extensions-dir', extDir, '--install-extension', vsix],
    { env: vscodeEnv(paths, tmp) },
  );
  if (res.code !== 0 || !/was successfully installed/.test(res.out)) {
    throw new Error(`code-server --install-extension failed (exit ${res.code}):\n${res.out}`);
  }
  const name = readdirSync(extDir).find((d) => d.startsWith('flero.flero-vscode-'));
  if (!name) throw new Error(`the .vsix installed no flero.flero-vscode-* folder in ${extDir}:\n${res.out}`);
  const dir = join(extDir, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (!existsSync(join(dir, 'dist', 'extension.js'))) throw new Error(`${dir} has no dist/extension.js`);
  return { out: res.out, dir, manifest };
}

/**
 * Packages test/e2e/consumer (a second extension that asks VS Code for a Flero session, as any extension may) with
 * vsce and installs it beside Flero. Returns the install's last line.
 */
export async function installConsumer(paths, tmp, { root, userDataDir, extDir }) {
  const src = join(tmp, 'consumer-src');
  cpSync(join(root, 'test', 'e2e', 'consumer'), src, { recursive: true });
  const vsix = join(tmp, 'flero-consumer.vsix');
  const vsce = join(root, 'node_modules', '.bin', 'vsce');
  const pack = await runToEnd(
    vsce,
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix],
    { cwd: src, env: { ...process.env, npm_config_yes: 'true' } },
  );
  if (pack.code !== 0) throw new Error(`vsce package of the consumer extension failed:\n${pack.out}`);
  const res = await runToEnd(
    paths.node,
    [paths.csEntry, '--user-data-dir', userDataDir, '--extensions-dir', extDir, '--install-extension', vsix],
    { env: vscodeEnv(paths, tmp) },
  );
  if (res.code !== 0 || !/was successfully installed/.test(res.out)) {
    throw new Error(`code-server --install-extension (consumer) failed (exit ${res.code}):\n${res.out}`);
  }
  return res.out.trim().split('\n').pop();
}

async function healthy(url) {
  const res = await fetch(url).catch(() => undefined);
  return res?.ok ?? false;
}

/** Starts code-server (UI suite): the workbench at http://127.0.0.1:PORT/?folder=WORKSPACE. */
export async function startCodeServer(paths, tmp, { userDataDir, extDir, workspace, logFile }) {
  const port = await freePort();
  const proc = startDetached(
    'code-server',
    paths.node,
    [
      paths.csEntry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--log',
      process.env.FLERO_E2E_LOG_LEVEL ?? 'trace',
      workspace,
    ],
    { env: vscodeEnv(paths, tmp), cwd: tmp, logFile },
  );
  const base = `http://127.0.0.1:${port}`;
  await pollUntil(
    `code-server /healthz on ${base} (log: ${logFile})`,
    async () => {
      if ((await Promise.race([proc.exited, Promise.resolve('running')])) !== 'running') {
        throw new Error(`code-server exited early:\n${proc.tail(40)}`);
      }
      return healthy(`${base}/healthz`);
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  return { proc, port, base, url: `${base}/?folder=${encodeURIComponent(workspace)}` };
}

/**
 * Starts the VS Code server inside code-server directly with the smoke-test driver (extension-host suite).
 * Returns the URL that loads the extension from extPath and runs the bundled tests at testsPath.
 */
export async function startVsCodeServer(
  paths,
  tmp,
  { userDataDir, serverDataDir, extDir, workspace, extPath, testsPath, logFile, env },
) {
  const port = await freePort();
  const serverMain = paths.serverMain;
  const proc = startDetached(
    'vscode-server',
    paths.node,
    [
      serverMain,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--enable-smoke-test-driver',
      '--disable-telemetry',
      '--user-data-dir',
      userDataDir,
      '--server-data-dir',
      serverDataDir,
      '--extensions-dir',
      extDir,
      '--log',
      process.env.FLERO_E2E_LOG_LEVEL ?? 'trace',
    ],
    { env: { ...vscodeEnv(paths, tmp), ...env }, cwd: tmp, logFile },
  );
  const base = `http://127.0.0.1:${port}`;
  await pollUntil(
    `VS Code server on ${base} (log: ${logFile})`,
    async () => {
      if ((await Promise.race([proc.exited, Promise.resolve('running')])) !== 'running') {
        throw new Error(`VS Code server exited early:\n${proc.tail(40)}`);
      }
      const res = await fetch(`${base}/version`).catch(() => undefined);
      return res !== undefined && res.status < 500;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(extPath)],
    ['extensionTestsPath', remote(testsPath)],
    ['skipWelcome', 'true'],
  ]);
  return {
    proc,
    port,
    base,
    url: `${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`,
  };
}
