// Revocation propagation: two servers on one real PostgreSQL; revoke on A, how soon does B answer 401?
import { randomBytes } from 'node:crypto';
import { postgresUnavailable, type RunningPostgres, startPostgres } from '../test/helpers/postgres';
import { guarded } from './lib/guard';
import { call, expectStatus } from './lib/http';
import { scaled } from './lib/knobs';
import { scratchDir } from './lib/paths';
import { type FleroServer, startServer } from './lib/server';
import { median, msSince, percentile, round } from './lib/stats';
import type { BenchResult } from './lib/types';

export const description = [
  'Starts a throw-away PostgreSQL cluster on 127.0.0.1 (initdb + postgres from /usr/lib/postgresql/*/bin, via',
  'test/helpers/postgres.ts) and two built servers A and B on it (`serve --database-url`, same FLERO_MASTER_KEY).',
  'Each round creates a key on A, uses it once on B (so any cache on B holds it), revokes it on A and, from the',
  'moment A acknowledges the revocation (204), sends `GET /api/me` with that key to B back to back until B answers',
  '401. Reported: the time from the acknowledgement to B’s first 401 (median and p95) against the same measurement',
  'on A itself, and how many requests B still accepted after the acknowledgement (goal: none — a revocation is',
  'immediately consistent across servers).',
].join(' ');

async function measure(): Promise<BenchResult[]> {
  const why = postgresUnavailable();
  if (why) throw new Error(why);
  const scratch = scratchDir('bench-revoke');
  let pg: RunningPostgres | undefined;
  let a: FleroServer | undefined;
  let b: FleroServer | undefined;
  try {
    pg = await startPostgres();
    const env = { FLERO_MASTER_KEY: randomBytes(32).toString('base64'), FLERO_AUTH_FAILURE_LIMIT: '1000000' };
    a = await startServer({ root: `${scratch.dir}/a`, databaseUrl: pg.url, env });
    b = await startServer({ root: `${scratch.dir}/b`, databaseUrl: pg.url, env });
    const owner = a.ownerKey();
    await expectStatus(200, b.url, 'GET', '/api/me', { key: owner });

    const rounds = scaled(20, 5);
    const remote: number[] = [];
    const local: number[] = [];
    let staleRemote = 0;
    let staleLocal = 0;
    const oneRound = async (revokeOn: FleroServer, checkOn: FleroServer): Promise<{ ms: number; stale: number }> => {
      const created = await expectStatus(201, revokeOn.url, 'POST', '/api/api-keys', {
        key: owner,
        body: { name: 'revocation bench', scopes: ['workflows:read'], workflows: 'all' },
      });
      const { id, key } = created.json() as { id: string; key: string };
      await expectStatus(200, checkOn.url, 'GET', '/api/me', { key });
      await expectStatus(204, revokeOn.url, 'DELETE', `/api/api-keys/${id}`, { key: owner });
      const t0 = process.hrtime.bigint();
      let stale = 0;
      for (let i = 0; i < 10_000; i++) {
        const r = await call(checkOn.url, 'GET', '/api/me', { key });
        if (r.status === 401) return { ms: msSince(t0), stale };
        if (r.status !== 200) throw new Error(`unexpected ${r.status} while waiting for the revocation: ${r.text}`);
        stale++;
      }
      throw new Error('B never refused the revoked key');
    };
    for (let i = 0; i < rounds; i++) {
      const r = await oneRound(a, b);
      remote.push(r.ms);
      staleRemote += r.stale;
      const l = await oneRound(a, a);
      local.push(l.ms);
      staleLocal += l.stale;
    }
    const rm = median(remote);
    const lm = median(local);
    return [
      {
        name: 'revoke on A → first 401 on B (median, from A’s 204)',
        ours: round(rm, 2),
        baseline: round(lm, 2),
        unit: 'ms',
        ratio: round(rm / lm),
        goal: 'info',
        note: `${rounds} rounds; p95 ${round(percentile(remote, 95), 2)} ms on B, ${round(percentile(local, 95), 2)} ms on A; baseline = the same measurement on A itself`,
      },
      {
        name: 'requests B accepted with a key A had already revoked',
        ours: staleRemote,
        baseline: staleLocal,
        unit: 'requests',
        ratio: staleRemote,
        goal: 'ours ≤ 0',
        note:
          staleRemote === 0
            ? `over ${rounds} rounds the first request to B after the acknowledgement was already refused`
            : `B served ${staleRemote} request(s) after A acknowledged a revocation (over ${rounds} rounds): its key cache is ` +
              'invalidated asynchronously (LISTEN/NOTIFY) after the revoking transaction commits. Closing it: B must ' +
              'not answer from a positive cache entry older than the last invalidation it has seen, or A must wait ' +
              'for the NOTIFY round trip before acknowledging.',
      },
    ];
  } finally {
    await b?.stop();
    await a?.stop();
    await pg?.stop();
    scratch.cleanup();
  }
}

export async function run(): Promise<BenchResult[]> {
  return guarded('revocation propagation between two servers on one PostgreSQL', 'ours ≤ 0', measure);
}
