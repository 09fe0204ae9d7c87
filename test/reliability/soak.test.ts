// A soak: 64 connections of authenticated traffic for 60 s (FLERO_SOAK_SECONDS) against the built server.
// Zero errors, zero non-2xx, zero timeouts, and the server's RSS stays bounded (no growth once warm).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { expectStatus } from '../../bench/lib/http';
import { load } from '../../bench/lib/load';
import { scratchDir } from '../../bench/lib/paths';
import { type FleroServer, rssOf, startServer } from '../../bench/lib/server';
import { describeHits, scanString, sweep } from './canary';
import { BASE_WORKFLOW, createKey } from './lib/world';

const SECONDS = Math.max(5, Number(process.env.FLERO_SOAK_SECONDS ?? 60));
const CONNECTIONS = 64;
const MiB = 2 ** 20;

describe(`soak: ${CONNECTIONS} connections for ${SECONDS} s`, { timeout: (SECONDS + 180) * 1000 }, () => {
  const scratch = scratchDir('rel-soak');
  let server: FleroServer | undefined;

  after(async () => {
    await server?.stop();
    scratch.cleanup();
  });

  it('answers every request with 2xx and keeps its memory bounded', async () => {
    server = await startServer({ root: scratch.dir });
    const owner = server.ownerKey();
    await expectStatus(201, server.url, 'POST', '/api/workflows', { key: owner, body: BASE_WORKFLOW('wf_soak') });
    const reader = await createKey(server, owner, {
      name: 'soak reader',
      scopes: ['workflows:read'],
      workflows: ['wf_soak'],
    });
    const all = await createKey(server, owner, {
      name: 'soak all',
      scopes: ['workflows:read', 'executions:read', 'api-keys:read'],
      workflows: 'all',
    });
    const auth = (k: string) => ({ authorization: `Bearer ${k}` });
    const requests = [
      { method: 'GET', path: '/api/workflows/wf_soak', headers: auth(reader.key) },
      { method: 'GET', path: '/api/me', headers: auth(all.key) },
      { method: 'GET', path: '/api/workflows', headers: auth(all.key) },
      { method: 'GET', path: '/api/services', headers: auth(reader.key) },
      { method: 'GET', path: '/api/executions', headers: auth(all.key) },
      { method: 'GET', path: '/healthz' },
    ];

    const pid = server.pid;
    const samples: { t: number; rss: number }[] = [];
    const started = Date.now();
    const sampler = setInterval(() => {
      const rss = rssOf(pid);
      if (rss !== undefined) samples.push({ t: (Date.now() - started) / 1000, rss });
    }, 500);
    const result = await load({ url: server.url, seconds: SECONDS, connections: CONNECTIONS, requests }).finally(() =>
      clearInterval(sampler),
    );

    const third = SECONDS / 3;
    const warm = Math.max(...samples.filter((s) => s.t <= third).map((s) => s.rss));
    const late = Math.max(...samples.filter((s) => s.t >= 2 * third).map((s) => s.rss));
    const peak = Math.max(...samples.map((s) => s.rss));
    console.log(
      `soak: ${result.total} requests (${Math.round(result.rps)}/s), p99 ${result.p99} ms, errors ${result.errors}, ` +
        `non-2xx ${result.non2xx}, timeouts ${result.timeouts}; RSS warm ${Math.round(warm / MiB)} MiB, ` +
        `late ${Math.round(late / MiB)} MiB, peak ${Math.round(peak / MiB)} MiB`,
    );
    assert.ok(result.total > SECONDS * 50, `only ${result.total} requests completed`);
    assert.equal(result.errors, 0, 'connection errors');
    assert.equal(result.timeouts, 0, 'timeouts');
    assert.equal(result.non2xx, 0, 'non-2xx answers');
    assert.ok(samples.length >= SECONDS, 'RSS was sampled throughout');
    // Bounded: once warm, no more than 25% + 64 MiB of growth, and never above 1 GiB.
    assert.ok(late <= warm * 1.25 + 64 * MiB, `RSS grew from ${(warm / MiB) | 0} MiB to ${(late / MiB) | 0} MiB`);
    assert.ok(peak < 1024 * MiB, `RSS peaked at ${(peak / MiB) | 0} MiB`);

    const health = await expectStatus(200, server.url, 'GET', '/healthz');
    assert.match(health.text, /ok/);
    await server.stop();
    const canaries = { owner, reader: reader.key, all: all.key };
    const hits = [
      ...sweep([server.dataDir], { canaries }),
      ...scanString(server.output(), { canaries }, 'server output'),
    ];
    assert.equal(hits.length, 0, describeHits(hits));
  });
});
