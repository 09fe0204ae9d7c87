// `flero serve`: the Flero API server on the embedded store (PGlite under --data) or PostgreSQL (--database-url).
import { chmodSync, writeFileSync } from 'node:fs';
import { generateKey } from '../core/keys';
import { createApiServer } from '../api/app';
import { DataDirLockedError } from '../api/store/lock';
import { openStore } from '../api/store/open';
import { redactUrl } from '../api/store/postgres';
import { configureSandbox } from '../engine/sandbox';
import { reportUsage, UsageError } from './parser';
import { ConfigError, loadServerConfig, type ServerConfig, serveHelp } from './config';

const err = (msg: string) => process.stderr.write(`flero serve: ${msg}\n`);

/** The configuration from flags and environment (the only place `serve` reads them), or an exit code. */
function configOrExit(argv: string[]): ServerConfig | number {
  try {
    const config = loadServerConfig(argv, process.env);
    if (config !== 'help') return config;
    process.stdout.write(serveHelp());
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return reportUsage(e, 'serve');
    if (e instanceof ConfigError) {
      err(`cannot start: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

type Api = Awaited<ReturnType<typeof createApiServer>>;

/** On an empty store, the owner key: written to `file` (mode 0600) or printed once. False if it could not be written. */
async function ownerKeyOnFirstStart(api: Api, keyPrefix: string, file: string | undefined): Promise<boolean> {
  const ownerKey = generateKey(keyPrefix);
  const owner = await api.app.keys.createOwnerIfEmpty(ownerKey);
  if (!owner) return true;
  await api.app.audit({ event: 'key.created', target: owner.id, detail: { name: 'owner', via: 'first start' } });
  if (!file) {
    process.stdout.write(
      `Owner key (all scopes, all workflows) — shown only this once, store it now:\n  ${ownerKey}\n`,
    );
    return true;
  }
  try {
    writeFileSync(file, `${ownerKey}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    process.stdout.write(`Owner key (all scopes, all workflows) written to ${file}\n`);
    return true;
  } catch (e) {
    err(`cannot write the owner key file ${file}: ${(e as Error).message}; revoking that key`);
    await api.app.keys.revoke(owner.id);
    return false;
  }
}

/** Resolves with the exit code once SIGINT or SIGTERM stopped the server gracefully (a second signal: exit now). */
function untilSignal(shutdown: () => Promise<void>): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        err(`${signal} again: exiting now`);
        process.exit(130);
      }
      stopping = true;
      process.stdout.write(`Stopping (${signal})…\n`);
      shutdown().then(
        () => resolve(0),
        (e: unknown) => {
          err(`error while stopping: ${(e as Error).message}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

export async function run(argv: string[]): Promise<number> {
  const config = configOrExit(argv);
  if (typeof config === 'number') return config;
  const { host, port, keyPrefix } = config;
  const target = { dataDir: config.dataDir, databaseUrl: config.databaseUrl };
  if (config.codeWorkers !== undefined) configureSandbox({ workers: config.codeWorkers });

  const t0 = performance.now();
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore(target, { logTiming: config.logTiming });
  } catch (e) {
    if (e instanceof DataDirLockedError) err(e.message);
    else
      err(
        `cannot open the store ${target.databaseUrl ? redactUrl(target.databaseUrl) : target.dataDir}: ${(e as Error).message}`,
      );
    return 1;
  }
  let api: Api;
  try {
    api = await createApiServer({
      db: store.db,
      dataDir: store.dataDir,
      keyPrefix,
      runWaitMs: config.runWaitMs,
      runTimeLimitMs: config.runTimeLimitMs,
      keepExecutions: config.keepExecutions,
      executionsMaxAgeMs: config.executionsMaxAgeMs,
      maxKeyLifetimeMs: config.maxKeyLifetimeMs,
      leases: { ttlMs: config.leaseMs },
      masterKey: config.masterKey,
      serviceBaseUrls: config.serviceBaseUrls,
      authFailureLimit: config.authFailureLimit,
      leakReportLimit: config.leakReportLimit,
      authFailureWindowMs: config.authFailureWindowMs,
    });
  } catch (e) {
    err(`cannot start: ${(e as Error).message}`);
    await store.close().catch(() => {});
    return 1;
  }
  const storeMs = performance.now() - t0;

  const shutdown = async () => {
    await api.close();
    await store.close();
  };

  const listening = await new Promise<true | Error>((resolve) => {
    api.server.once('error', (e) => resolve(e));
    api.server.listen(port, host, () => resolve(true));
  });
  if (listening !== true) {
    const code = (listening as NodeJS.ErrnoException).code;
    err(
      code === 'EADDRINUSE'
        ? `port ${port} on ${host} is already in use (try --port 0 or another port)`
        : `cannot listen on ${host}:${port}: ${listening.message}`,
    );
    await shutdown();
    return 1;
  }
  const addr = api.server.address();
  const realPort = typeof addr === 'object' && addr ? addr.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  api.app.baseUrl = `http://${shownHost}:${realPort}`;
  if (host === '0.0.0.0' || host === '::' || host === '[::]')
    err(`warning: listening on all interfaces (${host}): anyone who can reach this machine can reach the API`);
  // The owner key only once the server listens: a start that fails (a busy port) must not use up the one moment the
  // key is shown, leaving a store whose owner key nobody ever saw.
  if (!(await ownerKeyOnFirstStart(api, keyPrefix, config.ownerKeyFile))) {
    await shutdown();
    return 1;
  }
  if (config.logTiming) err(`store ready in ${Math.round(storeMs)} ms`);
  process.stdout.write(`Flero API listening on ${api.app.baseUrl}\n`);

  return untilSignal(shutdown);
}
