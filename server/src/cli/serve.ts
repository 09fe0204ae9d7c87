// `flero serve`: the Flero API server on the embedded store (PGlite under --data) or PostgreSQL (--database-url).
import { chmodSync, writeFileSync } from 'node:fs';
import { DURATION_FORMAT, parseDuration } from '../core/duration';
import { DEFAULT_KEY_PREFIX, generateKey, isValidPrefix, KEY_PREFIX_PATTERN } from '../core/keys';
import { createApiServer } from '../api/app';
import { parse, STORE_OPTIONS, storeTarget, UsageError } from '../api/cliArgs';
import { DataDirLockedError } from '../api/store/lock';
import { openStore } from '../api/store/open';
import { redactUrl } from '../api/store/postgres';

const HELP = `Usage: flero serve [options]

Runs the Flero API server. Prints "Flero API listening on http://HOST:PORT" when ready.

Options:
  --host HOST            interface to bind (default 127.0.0.1; 0.0.0.0 exposes it to the network)
  --port PORT            TCP port (default 8787; 0 = any free port, printed when ready)
  --data DIR             embedded store directory (default .flero); one server per directory
  --database-url URL     use PostgreSQL (postgres://user:pass@host:5432/db) instead of the embedded store;
                         several servers may share one database (or set FLERO_DATABASE_URL)
  --key-prefix PREFIX    prefix of new API keys (default ${DEFAULT_KEY_PREFIX}; must match ${KEY_PREFIX_PATTERN})
  --owner-key-file PATH  on first start, write the owner key here (mode 0600) instead of printing it
  --run-wait-ms N        how long POST /api/workflows/{id}/run waits for the run before answering 202 + Location
                         (default 30000; or FLERO_RUN_WAIT_MS)
  --run-time-limit D     a run still going after D is stopped and fails (${DURATION_FORMAT}; default 10m)
  --keep-executions N    keep the newest N finished executions, prune older ones (default 10000)
  --executions-max-age D prune finished executions started longer ago than D (${DURATION_FORMAT}; default: none)
  -h, --help             show this help

On first start with an empty store the server creates an owner key (all scopes, all workflows).
Stop with Ctrl-C (SIGINT) or SIGTERM: requests in flight finish, lastUsedAt is flushed.
`;

const err = (msg: string) => process.stderr.write(`flero serve: ${msg}\n`);

const OPTIONS = {
  ...STORE_OPTIONS,
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '8787' },
  'key-prefix': { type: 'string', default: DEFAULT_KEY_PREFIX },
  'owner-key-file': { type: 'string' },
  'run-wait-ms': { type: 'string' },
  'run-time-limit': { type: 'string', default: '10m' },
  'keep-executions': { type: 'string', default: '10000' },
  'executions-max-age': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse<typeof OPTIONS>>['values'];
  try {
    ({ values } = parse(argv, OPTIONS));
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${e.message}\n\n${HELP}`);
      return 2;
    }
    throw e;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = Number(values.port);
  if (!/^\d{1,5}$/.test(values.port) || port > 65535) {
    err(`--port must be a number from 0 to 65535 (got "${values.port}")`);
    return 2;
  }
  const keyPrefix = values['key-prefix'];
  if (!isValidPrefix(keyPrefix)) {
    err(`--key-prefix "${keyPrefix}" is invalid: it must match ${KEY_PREFIX_PATTERN} (e.g. acme_sk_)`);
    return 2;
  }
  const runWaitText = values['run-wait-ms'] ?? process.env.FLERO_RUN_WAIT_MS;
  let runWaitMs: number | undefined;
  if (runWaitText !== undefined && runWaitText !== '') {
    runWaitMs = Number(runWaitText);
    if (!/^\d{1,7}$/.test(runWaitText) || runWaitMs > 3_600_000) {
      err(`--run-wait-ms must be a whole number of milliseconds from 0 to 3600000 (got "${runWaitText}")`);
      return 2;
    }
  }
  const runTimeLimitMs = parseDuration(values['run-time-limit']);
  if (runTimeLimitMs === undefined) {
    err(`--run-time-limit must be a duration (${DURATION_FORMAT}); got "${values['run-time-limit']}"`);
    return 2;
  }
  const keepText = values['keep-executions'];
  const keepExecutions = Number(keepText);
  if (!/^\d{1,9}$/.test(keepText) || keepExecutions < 1) {
    err(`--keep-executions must be a whole number of at least 1 (got "${keepText}")`);
    return 2;
  }
  let executionsMaxAgeMs: number | undefined;
  if (values['executions-max-age'] !== undefined) {
    executionsMaxAgeMs = parseDuration(values['executions-max-age']);
    if (executionsMaxAgeMs === undefined) {
      err(`--executions-max-age must be a duration (${DURATION_FORMAT}); got "${values['executions-max-age']}"`);
      return 2;
    }
  }
  const host = values.host;
  if (!host) {
    err('--host must not be empty');
    return 2;
  }
  let target: ReturnType<typeof storeTarget>;
  try {
    target = storeTarget(values);
  } catch (e) {
    err((e as Error).message);
    return 2;
  }

  const t0 = performance.now();
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore(target);
  } catch (e) {
    if (e instanceof DataDirLockedError) err(e.message);
    else
      err(
        `cannot open the store ${target.databaseUrl ? redactUrl(target.databaseUrl) : target.dataDir}: ${(e as Error).message}`,
      );
    return 1;
  }
  const leaseMs = Number(process.env.FLERO_LEASE_MS) || undefined; // and the 15 s execution lease
  let api: Awaited<ReturnType<typeof createApiServer>>;
  try {
    api = await createApiServer({
      db: store.db,
      dataDir: store.dataDir,
      keyPrefix,
      runWaitMs,
      runTimeLimitMs,
      keepExecutions,
      executionsMaxAgeMs,
      leases: { ttlMs: leaseMs },
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

  // Owner key on an empty store.
  const ownerKey = generateKey(keyPrefix);
  const owner = await api.app.keys.createOwnerIfEmpty(ownerKey);
  if (owner) {
    await api.app.audit({ event: 'key.created', target: owner.id, detail: { name: 'owner', via: 'first start' } });
    const file = values['owner-key-file'];
    if (file) {
      try {
        writeFileSync(file, `${ownerKey}\n`, { mode: 0o600 });
        chmodSync(file, 0o600);
        process.stdout.write(`Owner key (all scopes, all workflows) written to ${file}\n`);
      } catch (e) {
        err(`cannot write the owner key file ${file}: ${(e as Error).message}; revoking that key`);
        await api.app.keys.revoke(owner.id);
        await shutdown();
        return 1;
      }
    } else {
      process.stdout.write(
        `Owner key (all scopes, all workflows) — shown only this once, store it now:\n  ${ownerKey}\n`,
      );
    }
  }

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
  if (process.env.FLERO_LOG_TIMING) err(`store ready in ${Math.round(storeMs)} ms`);
  process.stdout.write(`Flero API listening on ${api.app.baseUrl}\n`);

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
