// Side by side: the same authenticated `GET /api/workflows/{id}` (bearer → SHA-256 → in-memory key lookup, scope
// check, JSON bytes) on bare node:http, fastify 5 and hono (@hono/node-server), plus the baseline of the issue (`static`:
// bare node:http returning the bytes with no auth at all) and ours (`flero`: the real built server, `node
// dist/flero.mjs serve` on a fresh embedded store, a key with only workflows:read and an allow-list). Each server runs
// in its own process; autocannon (50 connections) drives them in alternating rounds; medians are reported. Informs the
// README's framework choice; not part of `npm run bench`.
//   node esbuild.mjs && node --import tsx bench/framework-choice.ts [seconds=4] [rounds=3]
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { api, startServer } from '../test/helpers/server';
import { load } from './lib/load';

const KEY = 'flero_sk_benchbenchbenchbenchbenchbench000000';
const HASH = createHash('sha256').update(KEY).digest('hex');
const BODY = Buffer.from(
  JSON.stringify({ id: 'wf_bench', name: 'Bench', nodes: [{ id: 'start', type: 'trigger' }], connections: [] }),
);
const keys = new Map([[HASH, { scopes: new Set(['workflows:read']) }]]);
const workflows = new Map([['wf_bench', BODY]]);
const KINDS = ['static', 'bare', 'fastify', 'hono', 'flero'] as const;

function authOk(header: string | undefined): boolean {
  if (!header?.toLowerCase().startsWith('bearer ')) return false;
  const rec = keys.get(createHash('sha256').update(header.slice(7).trim()).digest('hex'));
  return rec?.scopes.has('workflows:read') ?? false;
}

async function serve(kind: string): Promise<void> {
  const report = (port: number) => process.stdout.write(`PORT ${port}\n`);
  if (kind === 'static') {
    const body = process.env.STATIC_BODY ? Buffer.from(process.env.STATIC_BODY, 'base64') : BODY;
    const s = createServer((req, res) => {
      req.resume();
      res
        .writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length })
        .end(body);
    });
    s.listen(0, '127.0.0.1', () => report((s.address() as { port: number }).port));
  } else if (kind === 'bare') {
    const s = createServer((req, res) => {
      const m = /^\/api\/workflows\/([^/?]+)$/.exec(req.url ?? '');
      if (!authOk(req.headers.authorization)) return void res.writeHead(401).end();
      const wf = m ? workflows.get(m[1]!) : undefined;
      if (!wf) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': wf.length }).end(wf);
    });
    s.listen(0, '127.0.0.1', () => report((s.address() as { port: number }).port));
  } else if (kind === 'fastify') {
    const { default: Fastify } = await import('fastify');
    const app = Fastify({ logger: false });
    app.get<{ Params: { id: string } }>('/api/workflows/:id', (req, reply) => {
      if (!authOk(req.headers.authorization)) return reply.code(401).send();
      const wf = workflows.get(req.params.id);
      if (!wf) return reply.code(404).send();
      return reply.header('content-type', 'application/json').send(wf);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    report((app.server.address() as { port: number }).port);
  } else {
    const { Hono } = await import('hono');
    const { serve: honoServe } = await import('@hono/node-server');
    const app = new Hono();
    app.get('/api/workflows/:id', (c) => {
      if (!authOk(c.req.header('authorization'))) return c.body(null, 401);
      const wf = workflows.get(c.req.param('id'));
      if (!wf) return c.body(null, 404);
      return c.body(new Uint8Array(wf), 200, { 'content-type': 'application/json' });
    });
    honoServe({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => report(info.port));
  }
}

async function start(kind: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const port = await new Promise<number>((resolve) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
  return { child, url: `http://127.0.0.1:${port}/api/workflows/wf_bench` };
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime in clock ticks (USER_HZ = 100)
}

/** Ours: the real built server with a workflow and a narrow key. */
async function startFlero(): Promise<{
  stop(): Promise<unknown>;
  url: string;
  key: string;
  bytes: Buffer;
  pid: number;
}> {
  const srv = await startServer();
  const owner = srv.ownerKey!;
  const wf = { id: 'wf_bench', name: 'Bench', nodes: [{ id: 'start', type: 'trigger' }], connections: [] };
  await api(srv.url, 'POST', '/api/workflows', { key: owner, body: wf });
  const made = await api(srv.url, 'POST', '/api/api-keys', {
    key: owner,
    body: { name: 'bench', scopes: ['workflows:read'], workflows: ['wf_bench'] },
  });
  const url = `${srv.url}/api/workflows/wf_bench`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${made.body.key}` } });
  return {
    stop: () => srv.stop(),
    url,
    key: made.body.key,
    bytes: Buffer.from(await res.arrayBuffer()),
    pid: srv.child.pid!,
  };
}

async function main() {
  const seconds = Number(process.argv[2] ?? 4);
  const rounds = Number(process.argv[3] ?? 3);
  const flero = await startFlero();
  const servers: Record<string, { url: string; headers: Record<string, string>; pid: number }> = {
    flero: { url: flero.url, headers: { authorization: `Bearer ${flero.key}` }, pid: flero.pid },
  };
  const children: ChildProcess[] = [];
  for (const kind of KINDS.filter((k) => k !== 'flero')) {
    const env: Record<string, string> = kind === 'static' ? { STATIC_BODY: flero.bytes.toString('base64') } : {};
    const s = await start(kind, env);
    children.push(s.child);
    servers[kind] = { url: s.url, headers: { authorization: `Bearer ${KEY}` }, pid: s.child.pid! };
  }
  try {
    const runs: Record<string, number[]> = {};
    // CPU per request of the server process: robust against a busy machine, where req/s mostly measures the noise.
    const cpu: Record<string, { ms: number; requests: number }> = {};
    for (const kind of KINDS) {
      runs[kind] = [];
      cpu[kind] = { ms: 0, requests: 0 };
      await load({ url: servers[kind]!.url, seconds: 1, connections: 50, headers: servers[kind]!.headers });
    }
    for (let r = 0; r < rounds; r++)
      for (const kind of KINDS) {
        const s = servers[kind]!;
        const cpu0 = cpuMs(s.pid);
        const res = await load({ url: s.url, seconds, connections: 50, headers: s.headers });
        cpu[kind]!.ms += cpuMs(s.pid) - cpu0;
        cpu[kind]!.requests += res.total;
        if (res.non2xx || res.errors) throw new Error(`${kind}: ${res.non2xx} non-2xx, ${res.errors} errors`);
        runs[kind]!.push(res.rps);
      }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const base = median(runs.static!);
    const perReq = (k: string) => (cpu[k]!.ms * 1000) / Math.max(1, cpu[k]!.requests);
    console.log(
      `load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')} on ${cpus().length} cores`,
    );
    console.log('kind     median req/s   ratio   server CPU µs/req   CPU ratio   rounds');
    for (const kind of KINDS) {
      const m = median(runs[kind]!);
      const all = runs[kind]!.map((x) => Math.round(x)).join(', ');
      const row = [
        kind.padEnd(8),
        Math.round(m).toString().padStart(12),
        `${(m / base).toFixed(2)}×`.padStart(7),
        perReq(kind).toFixed(1).padStart(19),
        `${(perReq('static') / perReq(kind)).toFixed(2)}×`.padStart(11),
        `  [${all}]`,
      ];
      console.log(row.join(' '));
    }
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await flero.stop();
  }
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) void serve(process.argv[serveAt + 1] ?? 'bare');
else void main();
