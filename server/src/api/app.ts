// The Flero API on node:http: route table → auth → scope/allow-list → body → handler → JSON or problem+json.
// No framework: measured against fastify and hono (bench/framework-choice.ts), and the route table, problem bodies
// and RFC 6750 challenges are ours anyway. The hot path (GET /api/workflows/{id}) does no I/O on the embedded store.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ROUTES, type RouteSpec } from '../core/routes';
import { DEFAULT_RUN_TIME_LIMIT_MS } from '../engine/runner';
import type { CredentialResolver } from '../engine/types';
import { authorize, bearerToken, resolveKey } from './auth';
import { readJson, validate } from './body';
import type { App, Ctx, Reply, RouteDef } from './context';
import { LeaseKeeper, type LeaseOptions } from './executionLeases';
import { type AuthKey, KeyDirectory } from './keyDirectory';
import { FailedAuthLimiter } from './limiter';
import { ApiError, validationError } from './problem';
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
  /** lastUsedAt / key.used flush interval (default 5 s). */
  flushIntervalMs?: number;
  runWaitMs?: number;
  /** Retention (see App): default 10,000 executions, no age limit. */
  keepExecutions?: number;
  executionsMaxAgeMs?: number;
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

const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };

/** The per-request context; `query` is parsed only if a handler reads it. */
class RequestCtx implements Ctx {
  key: AuthKey | undefined = undefined;
  body: unknown = undefined;
  private parsedQuery: URLSearchParams | undefined;
  constructor(
    readonly app: App,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly route: RouteSpec,
    readonly params: Record<string, string>,
    private readonly url: string,
    private readonly q: number,
    readonly ip: string,
  ) {}
  get query(): URLSearchParams {
    this.parsedQuery ??= new URLSearchParams(this.q < 0 ? '' : this.url.slice(this.q + 1));
    return this.parsedQuery;
  }
}

function send(res: ServerResponse, reply: Reply, head: boolean) {
  const headers: Record<string, string | number> = reply.headers
    ? { ...SECURITY_HEADERS, ...reply.headers }
    : { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };
  // Answered before the request body was read (an error, or a body the route ignores): a body of a declared,
  // bounded length is read and discarded by node:http after the answer, and the connection stays usable; any other
  // unread body ends the connection (`settle`), so say so and the client does not reuse it and get a reset.
  if (hasUnreadBody(res.req) && !drainable(res.req)) headers.connection = 'close';
  if (reply.status === 204 || (reply.raw === undefined && reply.body === undefined)) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const data = reply.raw ?? JSON.stringify(reply.body);
  headers['content-type'] = reply.contentType ?? 'application/json; charset=utf-8';
  headers['content-length'] = Buffer.byteLength(data);
  res.writeHead(reply.status, headers);
  res.end(head ? undefined : data);
}

/** Unread bodies up to this declared size are drained (discarded) rather than answered with a closed connection. */
const DRAIN_MAX_BYTES = 16 * 1024 * 1024;

/**
 * An unread body node:http discards by itself once the answer is sent: a Content-Length within DRAIN_MAX_BYTES and
 * not consumed yet. The client finishes sending, reads the answer (a 413 instead of a reset on write), and may reuse
 * the connection.
 */
function drainable(req: IncomingMessage): boolean {
  const declared = req.headers['content-length'];
  return (
    declared !== undefined &&
    req.headers['transfer-encoding'] === undefined &&
    Number(declared) <= DRAIN_MAX_BYTES &&
    !req.readableDidRead
  );
}

function hasUnreadBody(req: IncomingMessage): boolean {
  return (
    !req.complete && (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined)
  );
}

function sendProblem(res: ServerResponse, err: ApiError, head = false) {
  send(
    res,
    {
      status: err.status,
      raw: JSON.stringify(err.toProblem()),
      contentType: 'application/problem+json',
      headers: err.extra.headers,
    },
    head,
  );
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
    runTimeLimitMs: opts.runTimeLimitMs ?? DEFAULT_RUN_TIME_LIMIT_MS,
    serviceBaseUrls: opts.serviceBaseUrls,
    masterKey: opts.masterKey,
    leases: new LeaseKeeper(db, opts.leases),
    routes: defs,
    onClose: (fn) => closers.push(fn),
  };
  for (const m of MODULES) await m.init?.(app);

  const router = new Router(ROUTES);
  const limiter = new FailedAuthLimiter(opts.authFailureLimit ?? 20, opts.authFailureWindowMs ?? 60_000);

  const flushEvery = opts.flushIntervalMs ?? 5_000;
  // A failed flush keeps its entries for the next one and logs (KeyDirectory.flush): nothing to do here.
  const flushTimer = setInterval(() => void keys.flush().catch(() => {}), flushEvery);
  flushTimer.unref();

  /**
   * 429 when the address is blocked: the failed-auth limit slows failing attempts only. Called on failures only, so
   * a valid key never reaches the limiter (and the hot path never touches it). A refused attempt is counted, not
   * audited one by one (the `auth.blocked` entry written when the address crossed the limit covers them).
   */
  function blocked(ip: string, now: number): ApiError | undefined {
    const wait = limiter.retryAfter(ip, now);
    if (!wait) return undefined;
    limiter.fail(ip, now);
    return new ApiError(429, 'too_many_failed_auth', `too many failed authentications from ${ip}; retry later`, {
      headers: { 'retry-after': String(wait) },
    });
  }

  async function failAuth(err: ApiError, ip: string, now: number, path: string): Promise<ApiError> {
    const refused = blocked(ip, now);
    if (refused) return refused;
    if (err.status === 401 && err.code === 'invalid_token') {
      const crossed = limiter.fail(ip, now);
      await audit({
        event: crossed ? 'auth.blocked' : 'auth.failed',
        ip,
        target: path,
        detail: crossed
          ? { reason: err.message, failures: limiter.limit, windowSeconds: Math.round(limiter.windowMs / 1000) }
          : { reason: err.message },
      });
    }
    return err;
  }

  // The request pipeline is synchronous until something must wait (a PostgreSQL lookup, a body, an async
  // handler): the embedded store's hot path (GET /api/workflows/{id}) allocates no promise at all.
  function handle(req: IncomingMessage, res: ServerResponse): void | Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    let match: ReturnType<Router['match']>;
    try {
      match = router.match(method, path);
    } catch {
      throw new ApiError(400, 'bad_path', 'the request path has invalid percent-encoding or a control character');
    }
    // Never the path itself: a client may paste anything there (a key, a secret). The method is one of Node's.
    if (match.kind === 'none')
      throw new ApiError(404, 'not_found', `no route matches ${method} on this path (see /api-docs)`);
    if (match.kind === 'method')
      throw new ApiError(
        405,
        'method_not_allowed',
        `${method} is not allowed here; allowed: ${match.allow.join(', ')}`,
        {
          headers: { allow: match.allow.join(', ') },
        },
      );
    const { route, params } = match;
    const ip = req.socket.remoteAddress ?? 'unknown';
    const ctx = new RequestCtx(app, req, res, route, params, url, q, ip);
    if (route.scope === 'none') return afterAuth(ctx);

    // The key is resolved first: a valid key always passes, whatever failed from its address before.
    const now = Date.now();
    const token = bearerToken(req);
    if (token instanceof ApiError) throw blocked(ip, now) ?? token;
    const resolved = resolveKey(keys, token, now);
    if (resolved instanceof Promise) return resolved.then((r) => authed(ctx, r, now));
    return authed(ctx, resolved, now);
  }

  function authed(ctx: Ctx, r: AuthKey | ApiError, now: number): void | Promise<void> {
    const { route } = ctx;
    if (r instanceof ApiError)
      // The route's template, never the request path (which could carry anything a client put there).
      return failAuth(r, ctx.ip, now, `${route.method} ${route.path}`).then((e) => {
        throw e;
      });
    keys.markUsed(r.record.id, now);
    const denied = authorize(route, r, route.workflowScoped === 'param' ? ctx.params.id : undefined);
    if (denied) throw denied;
    ctx.key = r;
    return afterAuth(ctx);
  }

  function afterAuth(ctx: Ctx): void | Promise<void> {
    const { route, req } = ctx;
    const def = defs.get(route.operationId);
    if (!def) throw new ApiError(404, 'not_found', `${route.method} ${route.path} is not available on this server`);
    const method = req.method;
    if (def.body || method === 'POST' || method === 'PUT' || method === 'PATCH')
      return readJson(req).then((raw) => {
        // Routes without a body schema still read (and size-check) what they are sent.
        if (def.body) {
          if (raw === undefined && !def.bodyOptional)
            throw validationError([{ field: '(body)', message: 'a JSON request body is required' }]);
          ctx.body = raw === undefined ? undefined : validate(def.body, raw);
        }
        return respond(def, ctx);
      });
    return respond(def, ctx);
  }

  function respond(def: RouteDef, ctx: Ctx): void | Promise<void> {
    const reply = def.handler(ctx);
    const head = ctx.req.method === 'HEAD';
    if (reply instanceof Promise) return reply.then((r) => send(ctx.res, r, head));
    send(ctx.res, reply, head);
  }

  function fail(req: IncomingMessage, res: ServerResponse, err: unknown) {
    if (res.headersSent) return void res.destroy();
    if (err instanceof ApiError) sendProblem(res, err, req.method === 'HEAD');
    else {
      // Never a stack trace or a value in the body; the message goes to stderr without request data.
      // The request path stays out (a client may put anything there); the store never holds a plaintext secret.
      process.stderr.write(`flero: internal error on a ${req.method} request: ${String(err).slice(0, 500)}\n`);
      sendProblem(res, new ApiError(500, 'internal_error', 'the server failed to handle this request'));
    }
  }

  function settle(req: IncomingMessage, res: ServerResponse) {
    // A request body we did not read (e.g. after a 413) must not be parsed as the next request: node:http discards a
    // framed one (drainable); any other ends the connection.
    if (!hasUnreadBody(req) || drainable(req)) return;
    const socket = req.socket;
    if (res.writableFinished) socket?.destroy();
    else res.once('finish', () => socket?.destroy());
  }

  function start(req: IncomingMessage, res: ServerResponse): Promise<void> | undefined {
    try {
      const r = handle(req, res);
      return r instanceof Promise ? r : undefined;
    } catch (err) {
      fail(req, res, err);
      return undefined;
    }
  }

  const inFlight = new Set<Promise<void>>();
  const server = createServer({ keepAliveTimeout: 5_000, requireHostHeader: false }, (req, res) => {
    const pending = start(req, res);
    if (!pending) return settle(req, res);
    const p: Promise<void> = pending
      .catch((err: unknown) => fail(req, res, err))
      .finally(() => {
        inFlight.delete(p);
        settle(req, res);
      });
    inFlight.add(p);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return void socket.destroy();
    const tooBig = err.code === 'HPE_HEADER_OVERFLOW';
    const e = tooBig
      ? new ApiError(431, 'headers_too_large', 'the request headers are too large')
      : new ApiError(400, 'bad_request', 'the request is not valid HTTP');
    const body = JSON.stringify(e.toProblem());
    socket.end(
      `HTTP/1.1 ${e.status} ${tooBig ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
        `content-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

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
