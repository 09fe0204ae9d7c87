// Outgoing HTTP for `http` and connector nodes and for "Test connection": undici `request` over one shared Agent
// (keep-alive, bounded connections), redirects not followed (a credential never travels to a redirect target),
// time-outs, cancellation, a response size cap. The credential, if any, is injected here and only for allowed hosts.
import { Agent, type Dispatcher, request } from 'undici';
import { injectCredential } from './inject';
import { Stop, type StopSignal } from './stop';
import type { CredentialForRun } from './types';

export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;
const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

const agent = new Agent({ keepAliveTimeout: 10_000, connections: 128, connect: { timeout: 10_000 } });

export interface HttpOutput {
  status: number;
  headers: Record<string, string | string[]>;
  body: unknown;
}

export interface OutgoingRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  credential?: CredentialForRun;
  timeoutMs?: number;
  /** The run's stop (or any AbortSignal): aborting it cancels the request. */
  signal?: StopSignal;
  serviceBaseUrls?: Record<string, string>;
}

export type HttpResult = { ok: true; output: HttpOutput } | { ok: false; error: string; output?: HttpOutput };

/** `GET http://host/path` without the query string (which may carry a credential). */
function describe(method: string, url: URL): string {
  return `${method} ${url.origin}${url.pathname}`;
}

const UNTRUSTED_CA =
  'give the server a certificate from a public CA, or start Flero with NODE_EXTRA_CA_CERTS naming the PEM file of the CA that signed it';

/** Why no response came, in words (TLS and network failures by their code); names the host, never the query. */
function networkDetail(err: unknown, url: URL): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.code ?? e?.cause?.code;
  const message = e?.message ?? e?.cause?.message ?? String(err);
  const host = url.host;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${host} (is the service running at that address and port?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name ${url.hostname} could not be resolved (check the URL, or the network/DNS)`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return url.protocol === 'http:'
        ? `${host} closed the connection (if it speaks TLS, write the host as https://${host})`
        : `${host} closed the connection`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `could not connect to ${host} in time (is the host reachable from here, and the port open?)`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return `the server's TLS certificate is self-signed, so it cannot be verified (${code}): ${UNTRUSTED_CA}`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `the server's TLS certificate is signed by an unknown CA or sent without its intermediate certificates, so it cannot be verified (${code}): ${UNTRUSTED_CA}`;
    case 'CERT_HAS_EXPIRED':
      return `the server's TLS certificate has expired (${code}): the service must renew it`;
    case 'CERT_NOT_YET_VALID':
      return `the server's TLS certificate is not valid yet (${code}): check the clocks of both machines`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the server's TLS certificate is not valid for ${url.hostname} (${code}): use the host name the certificate was issued for`;
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(message))
    return `${host} speaks plain HTTP, not TLS: write the host as http://${host} (https is refused there)`;
  if (code?.startsWith('ERR_SSL_') || code === 'EPROTO' || code?.startsWith('ERR_TLS_') || code?.startsWith('CERT_'))
    return `the TLS connection to ${host} failed (${code})`;
  // OpenSSL messages run over several lines with source paths: the first line is enough.
  return message.split('\n')[0]!.trim();
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (contentType && /[/+]json\b/i.test(contentType) && text.length) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

// Parsed request URLs by string (bounded): the same node sends to the same URL every run. A cached URL is only
// read (undici, describe, host checks); a request that adds query parameters works on its own copy.
const parsedUrls = new Map<string, URL>();
function parseUrl(s: string): URL | undefined {
  let u = parsedUrls.get(s);
  if (u === undefined) {
    try {
      u = new URL(s);
    } catch {
      return undefined;
    }
    if (parsedUrls.size >= 256) parsedUrls.delete(parsedUrls.keys().next().value as string);
    parsedUrls.set(s, u);
  }
  return u;
}

/** A request ready to go: `url` is what was asked for (error texts show it), `target` what is sent (credential in). */
interface Prepared {
  url: URL;
  target: URL;
  headers: Record<string, string>;
  body: string | undefined;
}

/** The URL with its query, the headers and the body; the credential injected only if the host is allowed. */
function prepare(req: OutgoingRequest): Prepared | string {
  const parsed = parseUrl(req.url);
  if (!parsed) return `"${req.url}" is not a valid URL`;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `only http and https URLs are supported (got ${parsed.protocol})`;
  const query = req.query ? Object.entries(req.query) : [];
  const url = query.length ? new URL(parsed.href) : parsed;
  for (const [k, v] of query) url.searchParams.append(k, v);

  const headers: Record<string, string> = { 'user-agent': 'flero-engine', ...(req.headers ?? {}) };
  let body: string | undefined;
  if (req.body !== undefined && req.body !== null && req.method !== 'GET' && req.method !== 'HEAD') {
    if (typeof req.body === 'string') body = req.body;
    else {
      body = JSON.stringify(req.body);
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
    }
  }
  if (!req.credential) return { url, target: url, headers, body };
  const injected = injectCredential(req.credential, url, headers, req.serviceBaseUrls);
  if (!injected.ok) return injected.error;
  return { url, target: injected.request.url, headers: injected.request.headers, body };
}

function timedOut(abort: RequestAbort): void {
  abort.timedOut = true;
  abort.abort();
}

/**
 * The request's abort handle, passed to undici as its `signal`: it aborts when the request's time-out passes or the
 * caller's signal aborts (cheaper than AbortSignal.any). undici takes anything with `aborted` and
 * `addEventListener`/`removeEventListener`; this one (stop.ts) costs far less per request than an AbortController's
 * EventTarget, and it listens to the caller's signal as itself (`handleEvent`), with no closure per request.
 */
class RequestAbort extends Stop {
  /** Set when the time-out fired. */
  timedOut = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly cancel: StopSignal | undefined,
    timeoutMs: number,
  ) {
    super();
    this.timer = setTimeout(timedOut, timeoutMs, this);
    if (cancel?.aborted) this.abort();
    else cancel?.addEventListener('abort', this, { once: true });
  }

  /** The caller's signal aborted. */
  handleEvent(): void {
    this.abort();
  }

  /** Clears the time-out and the listener on the caller's signal. */
  release(): void {
    clearTimeout(this.timer);
    this.cancel?.removeEventListener('abort', this);
  }
}

/**
 * The response body, up to MAX_RESPONSE_BYTES (undefined beyond: the body is dropped). A declared length within the
 * cap is read in one piece; otherwise the body is streamed and counted.
 */
function readBody(res: Dispatcher.ResponseData): Promise<ArrayBuffer | Buffer | undefined> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared <= MAX_RESPONSE_BYTES) return res.body.arrayBuffer();
  return readCapped(res);
}

async function readCapped(res: Dispatcher.ResponseData): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_RESPONSE_BYTES) {
      res.body.destroy();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Status, headers and the body (JSON when the response says so); HTTP 400 and above is a failure with the output. */
function toResult(res: Dispatcher.ResponseData, raw: ArrayBuffer | Buffer, method: string, url: URL): HttpResult {
  const text = (raw instanceof ArrayBuffer ? Buffer.from(raw) : raw).toString('utf8');
  const ct = res.headers['content-type'];
  const output: HttpOutput = {
    status: res.statusCode,
    // undici's parsed headers: a fresh plain object per response, values strings or arrays of strings.
    headers: res.headers as Record<string, string | string[]>,
    body: parseBody(text, Array.isArray(ct) ? ct[0] : ct),
  };
  if (res.statusCode >= 400)
    return { ok: false, error: `${describe(method, url)} answered HTTP ${res.statusCode}`, output };
  return { ok: true, output };
}

/** Why the request failed: cancelled by the caller, timed out, or the network's reason. */
function failure(err: unknown, req: OutgoingRequest, abort: RequestAbort, timeoutMs: number, url: URL): HttpResult {
  const what = describe(req.method, url);
  if (req.signal?.aborted) return { ok: false, error: `${what}: cancelled` };
  if (abort.timedOut) return { ok: false, error: `${what}: timed out after ${timeoutMs} ms` };
  return { ok: false, error: `${what}: ${networkDetail(err, url)}` };
}

export function send(req: OutgoingRequest): Promise<HttpResult> {
  const sent = sendOnce(req);
  return req.credential?.renew ? sent.then((result) => renewOn401(req, result)) : sent;
}

/** An OAuth2 access token the service refuses (revoked, expired early): one retry with a fresh token. */
async function renewOn401(req: OutgoingRequest, result: HttpResult): Promise<HttpResult> {
  const cred = req.credential;
  if (cred?.renew && !result.ok && result.output?.status === 401) {
    let fresh: string;
    try {
      fresh = await cred.renew(cred.value);
    } catch (err) {
      return { ...result, error: `${result.error}; getting a new access token failed: ${(err as Error).message}` };
    }
    return sendOnce({ ...req, credential: { ...cred, value: fresh, renew: undefined } });
  }
  return result;
}

async function sendOnce(req: OutgoingRequest): Promise<HttpResult> {
  const prepared = prepare(req);
  if (typeof prepared === 'string') return { ok: false, error: prepared };
  const timeoutMs = req.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const abort = new RequestAbort(req.signal, timeoutMs);
  // The request's description (for error texts) is only made when one is needed: `url.origin` costs per request.
  try {
    const res = await request(prepared.target, {
      method: req.method as 'GET',
      headers: prepared.headers,
      body: prepared.body,
      signal: abort,
      dispatcher: agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const raw = await readBody(res);
    if (raw === undefined)
      return {
        ok: false,
        error: `${describe(req.method, prepared.url)}: the response is larger than ${MAX_RESPONSE_BYTES} bytes`,
      };
    return toResult(res, raw, req.method, prepared.url);
  } catch (err) {
    return failure(err, req, abort, timeoutMs, prepared.url);
  } finally {
    abort.release();
  }
}
