// THE typed Flero API client. Every call is named by the route table's operationId (core/routes.ts: method, path,
// scope) and typed by the operation's zod schemas (core/operations.ts: body, query, response), so a renamed field
// or route fails to compile in every caller: the CLI, the extension and the tests. HTTP only; imports `core` only.
//
//   const api = new FleroClient({ baseUrl, key });
//   const me = await api.call('whoami');                                   // ApiKey
//   const wf = await api.call('getWorkflow', { params: { id: 'deploy' } });  // Workflow
//   for await (const page of api.pages('listExecutions', { query: { status: 'failed' } })) …
import type { OperationId, OperationPath, RouteSpec } from '../core/routes';
import { ROUTE_BY_ID } from '../core/routes';
import type { ExecutionView, RequestBody, RequestQuery, ResponseBody } from '../core/operations';
import { FleroApiError, type RawResponse, type SendOptions, Transport, type TransportOptions } from './transport';

type ParamNames<P extends string> = P extends `${string}{${infer N}}${infer Rest}` ? N | ParamNames<Rest> : never;

type ParamsPart<O extends OperationId> = [ParamNames<OperationPath<O>>] extends [never]
  ? { params?: undefined }
  : { params: Record<ParamNames<OperationPath<O>>, string> };
type BodyPart<O extends OperationId> = [RequestBody<O>] extends [never]
  ? { body?: undefined }
  : { body: RequestBody<O> };
type QueryPart<O extends OperationId> = [RequestQuery<O>] extends [never]
  ? { query?: undefined }
  : { query?: RequestQuery<O> };

export type CallOptions<O extends OperationId> = ParamsPart<O> &
  BodyPart<O> &
  QueryPart<O> & {
    signal?: AbortSignal;
    timeoutMs?: number;
    /** Statuses besides 2xx that are an answer, not an error (e.g. 404 for "does it exist?"). */
    accept?: number[];
  };

type NeedsOptions<O extends OperationId> = [ParamNames<OperationPath<O>>] extends [never]
  ? [RequestBody<O>] extends [never]
    ? false
    : true
  : true;

export interface ApiResponse<O extends OperationId> {
  status: number;
  body: ResponseBody<O>;
  headers: Headers;
}

/** What each operation does, as the verb phrase of "Could not …" (`{id}`: the path id). */
const ACTIONS: Record<OperationId, string> = {
  health: 'check the server',
  apiDocs: 'open the API reference',
  openapi: 'read the OpenAPI document',
  listWorkflows: 'list workflows',
  createWorkflow: 'create the workflow',
  getWorkflow: 'read the workflow {id}',
  putWorkflow: 'upload the workflow {id}',
  deleteWorkflow: 'delete the workflow {id}',
  runWorkflow: 'run the workflow {id}',
  listExecutions: 'list executions',
  getExecution: 'read the execution {id}',
  deleteExecution: 'delete the execution {id}',
  cancelExecution: 'cancel the execution {id}',
  listCredentials: 'list credentials',
  createCredential: 'create the credential',
  getCredential: 'read the credential {id}',
  updateCredential: 'update the credential {id}',
  deleteCredential: 'delete the credential {id}',
  testCredential: 'test the credential {id}',
  rollbackCredential: 'roll back the credential {id}',
  authorizeOAuth2Credential: 'start the OAuth2 consent of the credential {id}',
  oauth2Callback: 'complete the OAuth2 consent',
  whoami: 'check the API key',
  listServices: 'read the service catalog',
  listApiKeys: 'list API keys',
  createApiKey: 'create the API key',
  getApiKey: 'read the API key {id}',
  revokeApiKey: 'revoke the API key {id}',
  rollApiKey: 'roll the API key {id}',
  listAudit: 'read the audit log',
  reportLeakedKeys: 'report leaked keys',
};

function actionOf(route: RouteSpec, params?: Record<string, string>): string {
  const phrase = ACTIONS[route.operationId as OperationId] ?? route.summary.toLowerCase();
  return phrase.replace('{id}', params?.id ?? '').trimEnd();
}

function fillPath(template: string, params: Record<string, string> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined) throw new TypeError(`missing path parameter "${name}" for ${template}`);
    return encodeURIComponent(v);
  });
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The `rel="next"` target of a `Link` header, if any. */
export function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) if (/;\s*rel="?next"?/i.test(part)) return /<([^>]+)>/.exec(part)?.[1];
  return undefined;
}

export class FleroClient {
  readonly transport: Transport;

  constructor(opts: TransportOptions) {
    this.transport = new Transport(opts);
  }

  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  /** The raw layer: any method and path, every status resolves (tests send hostile requests through it). */
  send(method: string, path: string, opts?: SendOptions): Promise<RawResponse> {
    return this.transport.send(method, path, opts);
  }

  /** Calls one operation and returns its typed answer; a non-2xx status rejects with a FleroApiError. */
  async request<O extends OperationId>(
    op: O,
    ...[opts]: NeedsOptions<O> extends true ? [CallOptions<O>] : [CallOptions<O>?]
  ): Promise<ApiResponse<O>> {
    const route = ROUTE_BY_ID.get(op);
    if (!route) throw new TypeError(`unknown operation ${op}`);
    const o = (opts ?? {}) as CallOptions<O> & { params?: Record<string, string>; query?: Record<string, unknown> };
    const action = actionOf(route, o.params);
    const path = fillPath(route.path, o.params) + queryString(o.query);
    const res = await this.transport.send(
      route.method,
      path,
      { body: o.body, signal: o.signal, timeoutMs: o.timeoutMs },
      action,
    );
    return this.#answer(route, action, res, o.accept) as ApiResponse<O>;
  }

  /** The success body of one operation (see `request`). */
  async call<O extends OperationId>(
    op: O,
    ...args: NeedsOptions<O> extends true ? [CallOptions<O>] : [CallOptions<O>?]
  ): Promise<ResponseBody<O>> {
    return (await this.request(op, ...args)).body;
  }

  /** Every page of a listing that pages with `Link: rel="next"` (executions), one array per page. */
  async *pages<O extends 'listExecutions'>(
    op: O,
    opts: CallOptions<O> = {} as CallOptions<O>,
  ): AsyncGenerator<ResponseBody<O>> {
    let res = await this.request(op, opts);
    yield res.body;
    const route = ROUTE_BY_ID.get(op)!;
    for (let next = nextLink(res.headers.get('link')); next; next = nextLink(res.headers.get('link'))) {
      const raw = await this.transport.send('GET', next, { signal: opts.signal }, actionOf(route));
      res = this.#answer(route, actionOf(route), raw) as ApiResponse<O>;
      yield res.body;
    }
  }

  /**
   * Runs a workflow on the server and waits for its end: the server answers 200 with the finished execution, or 202
   * with `Location` while it runs; then this polls every `pollMs` (1 s) until it has finished, `signal` aborts or
   * `maxWaitMs` (30 min) has passed (then the execution so far, still `running`).
   */
  async runAndWait(
    id: string,
    input: Record<string, unknown> | undefined,
    opts: { signal?: AbortSignal; pollMs?: number; maxWaitMs?: number; onWaiting?: (e: ExecutionView) => void } = {},
  ): Promise<ExecutionView> {
    const first = await this.request('runWorkflow', {
      params: { id },
      body: input === undefined ? {} : { input },
      timeoutMs: 120_000,
      signal: opts.signal,
    });
    let execution = first.body;
    if (first.status !== 202 && execution.status !== 'running') return execution;
    opts.onWaiting?.(execution);
    const deadline = Date.now() + (opts.maxWaitMs ?? 30 * 60_000);
    while (execution.status === 'running' && Date.now() < deadline) {
      await sleep(opts.pollMs ?? 1_000, opts.signal);
      execution = await this.call('getExecution', { params: { id: execution.id }, signal: opts.signal });
    }
    return execution;
  }

  #answer(route: RouteSpec, action: string, res: RawResponse, accept: number[] = []): ApiResponse<OperationId> {
    const ok = (res.status >= 200 && res.status < 300) || accept.includes(res.status);
    if (!ok) throw errorOf(this.baseUrl, action, res);
    if (res.status !== 204 && res.body === undefined && res.text && route.path.startsWith('/api/'))
      throw new FleroApiError(
        `Could not ${action}: ${this.baseUrl} did not answer like a Flero server (HTTP ${res.status}, ${res.headers.get('content-type') ?? 'no content type'})`,
        'protocol',
        action,
        res.status,
      );
    return { status: res.status, body: res.body, headers: res.headers };
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new FleroApiError('Cancelled: waiting for the run', 'cancelled', 'wait'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new FleroApiError('Cancelled: waiting for the run', 'cancelled', 'wait'));
      },
      { once: true },
    );
  });
}

/** A FleroApiError for an error status: the API's own words (problem `detail`), never the request's key. */
export function errorOf(baseUrl: string, action: string, res: RawResponse): FleroApiError {
  const p = res.body && typeof res.body === 'object' && !Array.isArray(res.body) ? res.body : undefined;
  const problem = p
    ? {
        status: res.status,
        ...(typeof p.title === 'string' ? { title: p.title } : {}),
        ...(typeof p.detail === 'string' ? { detail: p.detail } : {}),
        ...(typeof p.code === 'string' ? { code: p.code } : {}),
        ...(typeof p.scope === 'string' ? { scope: p.scope } : {}),
        ...(Array.isArray(p.errors) ? { errors: p.errors } : {}),
        ...(p.verdict && typeof p.verdict === 'object' && typeof p.verdict.detail === 'string'
          ? { verdict: { ok: p.verdict.ok === true, status: Number(p.verdict.status) || 0, detail: p.verdict.detail } }
          : {}),
      }
    : undefined;
  const wwwAuthenticate = res.headers.get('www-authenticate') ?? undefined;
  if (res.status >= 300 && res.status < 400)
    return new FleroApiError(
      `Could not ${action}: ${baseUrl} redirects (HTTP ${res.status}${res.headers.get('location') ? ` to ${res.headers.get('location')}` : ''}); use the final URL as the server URL`,
      'protocol',
      action,
      res.status,
    );
  if (!problem && res.status >= 400 && !/json/i.test(res.headers.get('content-type') ?? ''))
    return new FleroApiError(
      `Could not ${action}: ${baseUrl} did not answer like a Flero server (HTTP ${res.status}, ${res.headers.get('content-type') ?? 'no content type'})`,
      'protocol',
      action,
      res.status,
    );
  const said = problem?.detail ?? problem?.title;
  return new FleroApiError(
    `Could not ${action}: HTTP ${res.status}${problem?.code ? ` ${problem.code}` : ''}${said ? ` — ${said}` : ''}`,
    'http',
    action,
    res.status,
    problem,
    wwwAuthenticate,
  );
}
