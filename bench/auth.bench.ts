// Authenticated GET /api/workflows/{id} on the real built server vs a bare node:http server returning the same bytes.
import { startBareServer } from './lib/bare';
import { guarded } from './lib/guard';
import { expectStatus } from './lib/http';
import { scaled } from './lib/knobs';
import { type LoadResult, load } from './lib/load';
import { scratchDir } from './lib/paths';
import { startServer } from './lib/server';
import { median, round } from './lib/stats';
import type { BenchResult } from './lib/types';

const CONNECTIONS = 50;

export const description = [
  'Starts the built server (`node dist/flero.mjs serve --port 0` on a fresh embedded store), creates one workflow and',
  'a key holding only `workflows:read` with an allow-list of that workflow, and fetches the response once to capture',
  'its exact bytes and content type. A bare `node:http` server in its own process then returns those same bytes for',
  `every request. autocannon (programmatic, loopback, ${CONNECTIONS} connections, no pipelining) drives both in`,
  'alternating rounds after a warm-up; the ratio is median(ours) / median(bare) requests per second. Every request',
  'on our server carries `Authorization: Bearer <key>`, so each one runs key parsing, hashing, lookup, scope and',
  'allow-list checks and the workflow read. Goal ≥ 0.9 (issue 7); the floor set by issue 2 is 0.6.',
].join(' ');

async function measure(): Promise<BenchResult[]> {
  const scratch = scratchDir('bench-auth');
  const server = await startServer({ root: scratch.dir, env: { FLERO_AUTH_FAILURE_LIMIT: '100000' } });
  let bare: Awaited<ReturnType<typeof startBareServer>> | undefined;
  try {
    const owner = server.ownerKey();
    const workflow = {
      id: 'wf_bench',
      name: 'Bench workflow',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'shape', type: 'code', code: 'return { ok: true, n: $input.n ?? 0 };' },
      ],
      connections: [{ from: 'start', to: 'shape' }],
    };
    await expectStatus(201, server.url, 'POST', '/api/workflows', { key: owner, body: workflow });
    const created = await expectStatus(201, server.url, 'POST', '/api/api-keys', {
      key: owner,
      body: { name: 'bench reader', scopes: ['workflows:read'], workflows: ['wf_bench'] },
    });
    const key = (created.json() as { key: string }).key;
    const path = '/api/workflows/wf_bench';
    const sample = await expectStatus(200, server.url, 'GET', path, { key });
    const contentType = String(sample.headers['content-type'] ?? 'application/json');
    bare = await startBareServer(Buffer.from(sample.text, 'utf8'), contentType);

    const headers = { authorization: `Bearer ${key}` };
    const oursUrl = new URL(path, server.url).href;
    const bareUrl = new URL(path, bare.url).href;
    await load({ url: bareUrl, seconds: 2, connections: CONNECTIONS });
    await load({ url: oursUrl, seconds: 2, connections: CONNECTIONS, headers });

    const rounds = scaled(2);
    const seconds = 5;
    const oursRuns: LoadResult[] = [];
    const bareRuns: LoadResult[] = [];
    for (let i = 0; i < rounds; i++) {
      bareRuns.push(await load({ url: bareUrl, seconds, connections: CONNECTIONS }));
      oursRuns.push(await load({ url: oursUrl, seconds, connections: CONNECTIONS, headers }));
    }
    const ours = median(oursRuns.map((r) => r.rps));
    const base = median(bareRuns.map((r) => r.rps));
    const ratio = ours / base;
    const bad = oursRuns.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
    const total = oursRuns.reduce((n, r) => n + r.total, 0);
    const samples = `rounds: ours ${oursRuns.map((r) => Math.round(r.rps)).join(', ')}; bare ${bareRuns
      .map((r) => Math.round(r.rps))
      .join(', ')} req/s; ${total} authenticated requests, ${bad} non-2xx/errors`;
    const note =
      ratio >= 0.9 && bad === 0
        ? samples
        : `${samples}. ${
            bad
              ? 'Some requests failed, so the figure is not a clean throughput. '
              : ratio >= 0.6
                ? 'Meets the 0.6 floor of issue 2 but not the 0.9 goal. '
                : 'Below the 0.6 floor of issue 2. '
          }The hot path already answers from the workflow's cached bytes without I/O; what remains per request is ` +
          'parsing the Authorization header, SHA-256 of the key, the key-directory lookup, the scope and allow-list ' +
          'checks, routing and the extra security headers, while autocannon and the server share the same cores. ' +
          'Profiled (bench/profiles.md, included below): no store access per request, the same system calls as the ' +
          'bare server (one read, one writev), and ~3.5 µs more CPU per request than its ~12 µs, spread over those ' +
          'steps with no frame above 0.4 µs; 0.9 would leave ~1.3 µs for all of them. What would close it, and why ' +
          'it is not done, is there.';
    const oursP99 = median(oursRuns.map((r) => r.p99));
    const bareP99 = median(bareRuns.map((r) => r.p99));
    return [
      {
        name: 'authenticated GET /api/workflows/{id} throughput',
        ours: round(ours, 0),
        baseline: round(base, 0),
        unit: 'req/s',
        ratio: bad ? 0 : round(ratio),
        goal: 'ratio ≥ 0.9',
        note,
      },
      {
        name: `authenticated GET /api/workflows/{id} p99 latency (${CONNECTIONS} connections)`,
        ours: oursP99,
        baseline: bareP99,
        unit: 'ms',
        ratio: round(oursP99 / Math.max(bareP99, 1)),
        goal: 'info',
      },
    ];
  } finally {
    await bare?.stop();
    await server.stop();
    scratch.cleanup();
  }
}

export async function run(): Promise<BenchResult[]> {
  return guarded('authenticated GET /api/workflows/{id} throughput', 'ratio ≥ 0.9', measure);
}
