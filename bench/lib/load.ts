// autocannon through its programmatic API (loopback, bounded duration), typed for what we read.
import { createRequire } from 'node:module';

export interface LoadResult {
  /** Mean requests per second over the run. */
  rps: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p99: number;
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  requests?: LoadRequest[];
}) => Promise<AutocannonResult>;

/** One request of a sequence each connection cycles through. */
export interface LoadRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export async function load(opts: {
  url: string;
  seconds: number;
  connections: number;
  headers?: Record<string, string>;
  method?: string;
  body?: string;
  requests?: LoadRequest[];
}): Promise<LoadResult> {
  if (!/^http:\/\/127\.0\.0\.1:/.test(opts.url)) throw new Error(`refusing to load a non-loopback URL: ${opts.url}`);
  const r = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    pipelining: 1,
    method: opts.method ?? 'GET',
    headers: opts.headers,
    body: opts.body,
    requests: opts.requests,
  });
  return {
    rps: r.requests.average,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    p50: r.latency.p50,
    p99: r.latency.p99,
  };
}
