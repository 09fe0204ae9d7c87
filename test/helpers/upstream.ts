// A real local upstream HTTP server for engine and credential tests: binds 127.0.0.1 on port 0, records every request
// it receives (method, path, query, headers, raw body) and answers with a programmable response.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** The raw request target as received (path + query). */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface UpstreamResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Wait this long before answering (time-out tests). */
  delayMs?: number;
}

export type UpstreamHandler = (req: RecordedRequest) => UpstreamResponse | Promise<UpstreamResponse>;

export interface Upstream {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** `127.0.0.1:<port>` */
  host: string;
  requests: RecordedRequest[];
  /** Replaces the response handler. */
  respond(handler: UpstreamHandler): void;
  /** Every byte the upstream received, for canary sweeps. */
  everything(): string;
  close(): Promise<void>;
}

const defaultHandler: UpstreamHandler = (req) => ({
  status: 200,
  body: { ok: true, method: req.method, path: req.path },
});

export async function startUpstream(handler: UpstreamHandler = defaultHandler): Promise<Upstream> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://upstream.invalid');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        rawUrl: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      void Promise.resolve()
        .then(() => current(recorded))
        .then(async (r) => {
          if (r.delayMs) await new Promise((resolve) => setTimeout(resolve, r.delayMs));
          if (res.destroyed) return;
          const isText = typeof r.body === 'string';
          const payload = r.body === undefined ? '' : isText ? (r.body as string) : JSON.stringify(r.body);
          res.writeHead(r.status ?? 200, {
            'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
            ...(r.headers ?? {}),
          });
          res.end(payload);
        })
        .catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    host: `127.0.0.1:${port}`,
    requests,
    respond(h) {
      current = h;
    },
    everything() {
      return requests.map((r) => `${r.method} ${r.rawUrl}\n${JSON.stringify(r.headers)}\n${r.body}`).join('\n');
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
