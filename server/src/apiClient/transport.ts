// One HTTP transport for every Flero API client (the CLI, the extension, the tests): global fetch, a bearer key,
// JSON in and out, time-outs, cancellation, no redirects followed (a key is never sent on to another URL). Errors are
// FleroApiError values that never contain the key; front ends turn them into their own words (errors.ts).
import type { Problem } from '../core/operations';

export type ApiErrorKind =
  /** The server answered with an error status (`status`, `problem`). */
  | 'http'
  /** The server could not be reached (connection refused, DNS, TLS, reset). */
  | 'network'
  /** No answer within the time-out. */
  | 'timeout'
  /** The caller's signal aborted the request. */
  | 'cancelled'
  /** The answer is not what a Flero server sends (not JSON, a redirect, an HTML page). */
  | 'protocol';

export class FleroApiError extends Error {
  constructor(
    message: string,
    readonly kind: ApiErrorKind,
    /** What was being done, e.g. "list API keys" (from the route table's summary). */
    readonly action: string,
    readonly status = 0,
    readonly problem?: Partial<Problem>,
    /** The response's `WWW-Authenticate` (401/403: which scope, whether the key expired). */
    readonly wwwAuthenticate?: string,
  ) {
    super(message);
    this.name = 'FleroApiError';
  }
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined (empty or not JSON). */
  // biome-ignore lint/suspicious/noExplicitAny: the raw layer reads arbitrary JSON; typed calls narrow it
  body: any;
}

export interface SendOptions {
  /** A JSON value (serialised) or a string sent verbatim (tests send malformed bodies). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Overrides the client's key for this request; `null` sends none. */
  key?: string | null;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface TransportOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:7400` (a path prefix is kept). */
  baseUrl: string;
  /** The API key, sent as `Authorization: Bearer …`. Never logged, never in an error. */
  key?: string;
  /** Default time-out per request in ms (15 s). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;

function networkWhy(e: unknown): string {
  const err = e as { cause?: { code?: string; message?: string }; code?: string; name?: string };
  return err.cause?.code ?? err.code ?? err.cause?.message ?? err.name ?? 'error';
}

export class Transport {
  readonly baseUrl: string;
  readonly #key: string | undefined;
  readonly #timeoutMs: number;

  constructor(opts: TransportOptions) {
    const url = new URL(opts.baseUrl); // throws TypeError on garbage: callers validate user input first
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`a Flero server URL is http(s)://… (got ${url.protocol})`);
    this.baseUrl = url.href.replace(/\/+$/, '');
    this.#key = opts.key;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Whether requests carry a key. */
  get hasKey(): boolean {
    return Boolean(this.#key);
  }

  /** `path` is absolute on the server (`/api/me`), resolved under the base URL's path. */
  url(path: string): string {
    return `${this.baseUrl}${path.startsWith('/') ? path : `/${path}`}`;
  }

  /**
   * One request; resolves for every HTTP status (the raw layer: tests and typed calls build on it), rejects only when
   * no answer arrived (network, timeout, cancelled).
   */
  async send(method: string, path: string, opts: SendOptions = {}, action = `${method} ${path}`): Promise<RawResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    const key = opts.key === null ? undefined : (opts.key ?? this.#key);
    if (key !== undefined) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
    }
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? this.#timeoutMs);
    const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
    let res: Response;
    try {
      res = await fetch(this.url(path), { method, headers, body, signal, redirect: 'manual' });
    } catch (e) {
      throw this.#noAnswer(e, action, opts.signal, timeout);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      throw this.#noAnswer(e, action, opts.signal, timeout);
    }
    let parsed: unknown;
    if (text && /json/i.test(res.headers.get('content-type') ?? 'json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  }

  #noAnswer(e: unknown, action: string, caller: AbortSignal | undefined, timeout: AbortSignal): FleroApiError {
    if (caller?.aborted) return new FleroApiError(`Cancelled: ${action}`, 'cancelled', action);
    if (timeout.aborted)
      return new FleroApiError(
        `Could not ${action}: the Flero server at ${this.baseUrl} did not answer in time`,
        'timeout',
        action,
      );
    return new FleroApiError(
      `Could not ${action}: the Flero server at ${this.baseUrl} did not answer (${networkWhy(e)})`,
      'network',
      action,
    );
  }
}
