// Side by side: the same authenticated `GET /api/workflows/{id}` (bearer → SHA-256 → in-memory key lookup, scope
// check, JSON bytes) on bare node:http, fastify 5 and hono (@hono/node-server). Each server runs in its own process;
// autocannon drives them in alternating rounds; the median of the rounds is reported. Informs the README's framework
// choice; not part of `npm run bench`.   node --import tsx bench/framework-choice.ts [seconds=4] [rounds=3]
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { load } from './lib/load';

const KEY = 'flero_sk_benchbenchbenchbenchbenchbench000000';
const HASH = createHash('sha256').update(KEY).digest('hex');
const BODY = Buffer.from(
  JSON.stringify({ id: 'wf_bench', name: 'Bench', nodes: [{ id: 'start', type: 'trigger' }], connections: [] }),
);
const keys = new Map([[HASH, { scopes: new Set(['workflows:read']) }]]);
const workflows = new Map([['wf_bench', BODY]]);
const KINDS = ['bare', 'fastify', 'hono'] as const;

function authOk(header: string | undefined): boolean {
  if (!header?.toLowerCase().startsWith('bearer ')) return false;
  const rec = keys.get(createHash('sha256').update(header.slice(7).trim()).digest('hex'));
  return rec?.scopes.has('workflows:read') ?? false;
}

async function serve(kind: string): Promise<void> {
  const report = (port: number) => process.stdout.write(`PORT ${port}\n`);
  if (kind === 'bare') {
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

async function start(kind: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
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

async function main() {
  const seconds = Number(process.argv[2] ?? 4);
  const rounds = Number(process.argv[3] ?? 3);
  const headers = { authorization: `Bearer ${KEY}` };
  const servers = await Promise.all(KINDS.map((k) => start(k)));
  try {
    const runs: Record<string, number[]> = { bare: [], fastify: [], hono: [] };
    for (const s of servers) await load({ url: s.url, seconds: 1, connections: 50, headers });
    for (let r = 0; r < rounds; r++)
      for (const [i, kind] of KINDS.entries()) {
        const res = await load({ url: servers[i]!.url, seconds, connections: 50, headers });
        if (res.non2xx || res.errors) throw new Error(`${kind}: ${res.non2xx} non-2xx, ${res.errors} errors`);
        runs[kind]!.push(res.rps);
      }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const bare = median(runs.bare!);
    for (const kind of KINDS) {
      const m = median(runs[kind]!);
      console.log(`${kind.padEnd(8)} ${Math.round(m).toString().padStart(7)} req/s  ${(m / bare).toFixed(2)}× bare`);
    }
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
  }
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) void serve(process.argv[serveAt + 1] ?? 'bare');
else void main();
