// The Flero API on node:http: builds the App (keys, workflows, route modules), the server and its shutdown; each
// request goes through the pipeline (pipeline.ts: route table → auth → scope/allow-list → body → handler → JSON or
// problem+json). No framework: measured against fastify and hono (bench/framework-choice.ts), and the route table, problem bodies
// and RFC 6750 challenges are ours anyway. The hot path (GET /api/workflows/{id}) does no I/O on the embedded store.
import { createServer, type Server } from 'node:http';
import { ROUTES } from '../core/routes';
import { DEFAULT_RUN_TIME_LIMIT_MS } from '../engine/runner';
import type { CredentialResolver } from '../engine/types';
import { serveDocsAsset } from './apiDocs';
import type { App, RouteDef } from './context';
import { LeaseKeeper, type LeaseOptions } from './executionLeases';
import { KeyDirectory } from './keyDirectory';
import { FailedAuthLimiter } from './limiter';
import { answerClientError, fail, Pipeline, settle, start } from './pipeline';
import { Router } from './router';
import { MODULES } from './routes/index';
import { type AuditInput, insertAudit } from './store/audit';
import type { Db } from './store/db';
import { WorkflowDirectory } from './workflowDirectory';

export interface AppOptions {
  db: Db;
  dataDir: string | undefined;
  keyPrefix: string;
  /** Failed authentications from one address before 429 (default 20; `flero serve`: FLERO_AUTH_FAILURE_LIMIT). */
  authFailureLimit?: number;
  authFailureWindowMs?: number;
  /** Leaked-key reports from one address per minute before 429 (default 10; FLERO_LEAK_REPORT_LIMIT). */
  leakReportLimit?: number;
  /** lastUsedAt / key.used flush interval (default 5 s). */
  flushIntervalMs?: number;
  runWaitMs?: number;
  /** Retention (see App): default 10,000 executions, no age limit. */
  keepExecutions?: number;
  executionsMaxAgeMs?: number;
  maxKeyLifetimeMs?: number;
  /** Execution leases: ttl, heartbeat and sweep intervals (tests shorten them). */
  leases?: LeaseOptions;
  /** A run's time limit in ms (default 10 minutes): past it the run ends `failed`, its node in flight stopped. */
  runTimeLimitMs?: number;
  /** Service id → base-URL overrides handed to the engine (`flero serve`: FLERO_SERVICE_BASE_URLS). */
  serviceBaseUrls?: Record<string, string>;
  /** The credentials master key, base64 (`flero serve`: FLERO_MASTER_KEY); else the key file beside the data dir. */
  masterKey?: string;
}

export interface ApiServer {
  app: App;
  server: Server;
  /** Stops accepting, waits for requests in flight, flushes lastUsedAt, runs close hooks. Does not close the db. */
  close(): Promise<void>;
}

export async function createApiServer(opts: AppOptions): Promise<ApiServer> {
  const { db } = opts;
  const closers: (() => Promise<void> | void)[] = [];
  const audit = (e: AuditInput) => insertAudit(db, e);
  const keys = await KeyDirectory.load(db, (keyId, count, last) =>
    audit({ event: 'key.used', keyId, target: keyId, at: new Date(last).toISOString(), detail: { requests: count } }),
  );
  const noCredentials: CredentialResolver = async () => undefined;
  const defs = new Map<string, RouteDef>();
  for (const m of MODULES) for (const [op, def] of Object.entries(m.routes)) defs.set(op, def);
  const app: App = {
    db,
    dataDir: opts.dataDir,
    keyPrefix: opts.keyPrefix,
    baseUrl: 'http://127.0.0.1',
    keys,
    workflows: await WorkflowDirectory.load(db),
    audit,
    credentials: noCredentials,
    runWaitMs: opts.runWaitMs ?? 30_000,
    keepExecutions: opts.keepExecutions ?? 10_000,
    executionsMaxAgeMs: opts.executionsMaxAgeMs,
    maxKeyLifetimeMs: opts.maxKeyLifetimeMs,
    runTimeLimitMs: opts.runTimeLimitMs ?? DEFAULT_RUN_TIME_LIMIT_MS,
    serviceBaseUrls: opts.serviceBaseUrls,
    masterKey: opts.masterKey,
    leases: new LeaseKeeper(db, opts.leases),
    routes: defs,
    leakReportLimit: opts.leakReportLimit ?? 10,
    onClose: (fn) => closers.push(fn),
  };
  for (const m of MODULES) await m.init?.(app);

  const router = new Router(ROUTES);
  const limiter = new FailedAuthLimiter(opts.authFailureLimit ?? 20, opts.authFailureWindowMs ?? 60_000);

  const flushEvery = opts.flushIntervalMs ?? 5_000;
  // A failed flush keeps its entries for the next one and logs (KeyDirectory.flush): nothing to do here.
  const flushTimer = setInterval(() => void keys.flush().catch(() => {}), flushEvery);
  flushTimer.unref();

  const pipeline = new Pipeline(app, router, limiter);
  const inFlight = new Set<Promise<void>>();
  const server = createServer({ keepAliveTimeout: 5_000, requireHostHeader: false }, (req, res) => {
    // /api-docs/assets/*: the reference's static files (apiDocs.ts), not operations of the route table.
    try {
      if (serveDocsAsset(req, res)) return;
    } catch (err) {
      return fail(req, res, err);
    }
    const pending = start(pipeline, req, res);
    if (!pending) return settle(req, res);
    const p: Promise<void> = pending
      .catch((err: unknown) => fail(req, res, err))
      .finally(() => {
        inFlight.delete(p);
        settle(req, res);
      });
    inFlight.add(p);
  });
  server.on('clientError', answerClientError);

  let closing: Promise<void> | undefined;
  return {
    app,
    server,
    close() {
      closing ??= (async () => {
        clearInterval(flushTimer);
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => server.closeAllConnections(), 10_000);
          force.unref();
          server.close(() => {
            clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        });
        await Promise.allSettled([...inFlight]);
        await keys.flush().catch(() => {});
        for (const fn of closers.reverse()) await fn();
      })();
      return closing;
    },
  };
}
