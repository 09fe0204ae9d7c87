// The request pipeline, one small function per stage: match (route table) → authenticate (bearer key) → limiter
// (failed auth only) → authorize (scope, allow-list) → body (read, validate) → handler → send | fail → settle.
// It stays synchronous until something must wait (a PostgreSQL lookup, a body, an async handler): on the embedded
// store the hot path (GET /api/workflows/{id}) allocates no promise at all (`npm run bench -- auth`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RouteSpec } from '../core/routes';
import { authorize, bearerToken, resolveKey } from './auth';
import { readJson, validate } from './body';
import type { App, Ctx, Reply, RouteDef } from './context';
import type { AuthKey } from './keyDirectory';
import type { FailedAuthLimiter } from './limiter';
import { ApiError, validationError } from './problem';
import type { Router } from './router';

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

export function send(res: ServerResponse, reply: Reply, head: boolean) {
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

export function sendProblem(res: ServerResponse, err: ApiError, head = false) {
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

/** Stage 1, match: the route and its path parameters, or the 400/404/405 problem. Never echoes the path. */
export function matchRoute(router: Router, method: string, path: string) {
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
    throw new ApiError(405, 'method_not_allowed', `${method} is not allowed here; allowed: ${match.allow.join(', ')}`, {
      headers: { allow: match.allow.join(', ') },
    });
  return match;
}

/** The stages after `match`, bound to one App (its keys, audit, route definitions) and its failed-auth limiter. */
export class Pipeline {
  constructor(
    private readonly app: App,
    private readonly router: Router,
    private readonly limiter: FailedAuthLimiter,
  ) {}

  /** One request, from match to the handler's reply; a promise only if a stage had to wait. Throws ApiError. */
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const method = req.method ?? 'GET';
    const { route, params } = matchRoute(this.router, method, q < 0 ? url : url.slice(0, q));
    const ip = req.socket.remoteAddress ?? 'unknown';
    const ctx = new RequestCtx(this.app, req, res, route, params, url, q, ip);
    if (route.scope === 'none') return this.body(ctx);
    return this.authenticate(ctx);
  }

  /** Stage 2, authenticate: the key is resolved first, so a valid key always passes whatever failed before. */
  private authenticate(ctx: Ctx): void | Promise<void> {
    const now = Date.now();
    const token = bearerToken(ctx.req);
    if (token instanceof ApiError) throw this.blocked(ctx.ip, now) ?? token;
    const resolved = resolveKey(this.app.keys, token, now);
    if (resolved instanceof Promise) return resolved.then((r) => this.authorize(ctx, r, now));
    return this.authorize(ctx, resolved, now);
  }

  /** Stage 4, authorize: scope and allow-list from the route table; a failed key goes to the limiter (stage 3). */
  private authorize(ctx: Ctx, r: AuthKey | ApiError, now: number): void | Promise<void> {
    const { route } = ctx;
    if (r instanceof ApiError)
      // The route's template, never the request path (which could carry anything a client put there).
      return this.failAuth(r, ctx.ip, now, `${route.method} ${route.path}`).then((e) => {
        throw e;
      });
    const ua = ctx.req.headers['user-agent'];
    this.app.keys.markUsed(r.record.id, now, ctx.ip || null, typeof ua === 'string' ? ua : null);
    const denied = authorize(route, r, route.workflowScoped === 'param' ? ctx.params.id : undefined);
    ctx.key = r;
    if (denied) return refused(ctx, denied);
    return this.body(ctx);
  }

  /** Stage 5, body: read (size-checked) and validated against the route's schema, for routes that take one. */
  private body(ctx: Ctx): void | Promise<void> {
    const { route, req } = ctx;
    const def = this.app.routes.get(route.operationId);
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

  /**
   * Stage 3, the limiter: 429 when the address is blocked. The failed-auth limit slows failing attempts only: called
   * on failures only, so a valid key never reaches it (and the hot path never touches it). A refused attempt is
   * counted, not audited one by one (the `auth.blocked` entry written when the address crossed the limit covers them).
   */
  private blocked(ip: string, now: number): ApiError | undefined {
    const wait = this.limiter.retryAfter(ip, now);
    if (!wait) return undefined;
    this.limiter.fail(ip, now);
    return new ApiError(429, 'too_many_failed_auth', `too many failed authentications from ${ip}; retry later`, {
      headers: { 'retry-after': String(wait) },
    });
  }

  private async failAuth(err: ApiError, ip: string, now: number, path: string): Promise<ApiError> {
    const refused = this.blocked(ip, now);
    if (refused) return refused;
    if (err.status === 401 && err.code === 'invalid_token') {
      const { limiter } = this;
      const crossed = limiter.fail(ip, now);
      await this.app.audit({
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
}

/** Stage 6, handler → send. */
function respond(def: RouteDef, ctx: Ctx): void | Promise<void> {
  let reply: ReturnType<RouteDef['handler']>;
  try {
    reply = def.handler(ctx);
  } catch (err) {
    return refused(ctx, err);
  }
  const head = ctx.req.method === 'HEAD';
  if (reply instanceof Promise)
    return reply.then(
      (r) => send(ctx.res, r, head),
      (err: unknown) => refused(ctx, err),
    );
  send(ctx.res, reply, head);
}

/**
 * A 403 is audited (`auth.denied`: who, which route template, the problem code) before it is answered: refusals are
 * what a reviewer of a leaked or misused key looks for. Other errors pass through untouched.
 */
function refused(ctx: Ctx, err: unknown): Promise<never> | never {
  if (!(err instanceof ApiError) || err.status !== 403 || !ctx.key) throw err;
  const detail: Record<string, unknown> = { code: err.code };
  if (err.extra.scope) detail.scope = err.extra.scope;
  return ctx.app
    .audit({
      event: 'auth.denied',
      keyId: ctx.key.record.id,
      ip: ctx.ip,
      target: `${ctx.route.method} ${ctx.route.path}`,
      detail,
    })
    .catch(() => undefined)
    .then(() => {
      throw err;
    });
}

/** Any failure → problem+json. Never a stack trace or a value in the body; an internal error is logged without request data. */
export function fail(req: IncomingMessage, res: ServerResponse, err: unknown) {
  if (res.headersSent) return void res.destroy();
  if (err instanceof ApiError) sendProblem(res, err, req.method === 'HEAD');
  else {
    // The request path stays out (a client may put anything there); the store never holds a plaintext secret.
    process.stderr.write(`flero: internal error on a ${req.method} request: ${String(err).slice(0, 500)}\n`);
    sendProblem(res, new ApiError(500, 'internal_error', 'the server failed to handle this request'));
  }
}

/**
 * After the answer: a request body we did not read (e.g. after a 413) must not be parsed as the next request:
 * node:http discards a framed one (drainable); any other ends the connection.
 */
export function settle(req: IncomingMessage, res: ServerResponse) {
  if (!hasUnreadBody(req) || drainable(req)) return;
  const socket = req.socket;
  if (res.writableFinished) socket?.destroy();
  else res.once('finish', () => socket?.destroy());
}

/** Runs the pipeline for one request: undefined when it finished synchronously (answered or failed). */
export function start(pipeline: Pipeline, req: IncomingMessage, res: ServerResponse): Promise<void> | undefined {
  try {
    const r = pipeline.handle(req, res);
    return r instanceof Promise ? r : undefined;
  } catch (err) {
    fail(req, res, err);
    return undefined;
  }
}

/** HTTP that node:http cannot parse (the pipeline never sees it): 431 or 400 as problem+json, then the socket closes. */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket) {
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
}
