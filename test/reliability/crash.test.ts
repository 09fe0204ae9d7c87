// kill -9 of the server in the middle of concurrent key creation, revocation, credential rotation and workflow
// writes, then a restart on the same data dir: every acknowledged write is there, every acknowledged revocation is
// refused (401), the data-dir lock left by the killed process is recovered, and nothing leaked (canary sweep).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { call, expectStatus } from '../../bench/lib/http';
import { scratchDir } from '../../bench/lib/paths';
import { type FleroServer, startServer } from '../../bench/lib/server';
import { describeHits, scanString, sweep } from './canary';

const CYCLES = Math.max(1, Number(process.env.FLERO_CRASH_CYCLES ?? 3));
const RUN_TAG = `${process.pid}${Date.now() % 100000}`;

/** An upstream that records the Authorization header of each request (to see which credential value a run used). */
async function recordingUpstream(): Promise<{ host: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(String(req.headers.authorization ?? ''));
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

interface Ledger {
  /** Keys whose creation was acknowledged (201), by id. */
  created: Map<string, string>;
  /** Key ids whose revocation was acknowledged (204). */
  revoked: Set<string>;
  /** Key ids with a revocation in flight when the server died (either outcome is fine). */
  revoking: Set<string>;
  /** Per credential: the last acknowledged value and the one in flight, if any. */
  rotations: Map<string, { acked: string; inFlight?: string }>;
  /** Workflows whose PUT was acknowledged, with the name written. */
  workflows: Map<string, string>;
}

const credentialValue = (cred: string, n: number) => `rot-${RUN_TAG}-${cred}-secret-${String(n).padStart(6, '0')}`;

describe(`kill -9 during concurrent writes (${CYCLES} cycles)`, { timeout: 600_000 }, () => {
  const scratch = scratchDir('rel-crash');
  let server: FleroServer | undefined;
  let upstream: Awaited<ReturnType<typeof recordingUpstream>> | undefined;
  const outputs: string[] = [];
  const ledger: Ledger = {
    created: new Map(),
    revoked: new Set(),
    revoking: new Set(),
    rotations: new Map(),
    workflows: new Map(),
  };
  let owner = '';
  let credentialsSupported = false;
  let counter = 0;
  let rotationsAcked = 0;
  let runsVerified = 0;

  after(async () => {
    await server?.stop();
    await upstream?.close();
    scratch.cleanup();
  });

  async function load(s: FleroServer, stop: { now: boolean }): Promise<void> {
    const creator = async () => {
      while (!stop.now) {
        const r = await call(s.url, 'POST', '/api/api-keys', {
          key: owner,
          body: { name: `crash ${counter++}`, scopes: ['workflows:read'], workflows: 'all' },
        }).catch(() => undefined);
        if (r?.status === 201) {
          const j = r.json() as { id: string; key: string };
          ledger.created.set(j.id, j.key);
        }
      }
    };
    const revoker = async () => {
      while (!stop.now) {
        const candidates = [...ledger.created.keys()].filter(
          (id) => !ledger.revoked.has(id) && !ledger.revoking.has(id),
        );
        const id = candidates[Math.floor(Math.random() * candidates.length)];
        if (!id) {
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        ledger.revoking.add(id);
        const r = await call(s.url, 'DELETE', `/api/api-keys/${id}`, { key: owner }).catch(() => undefined);
        if (r?.status === 204) {
          ledger.revoked.add(id);
          ledger.revoking.delete(id);
        } else if (r) ledger.revoking.delete(id);
        // no answer: the revocation may or may not have happened; it stays in `revoking`
      }
    };
    const rotator = (cred: string) => async () => {
      while (!stop.now) {
        const state = ledger.rotations.get(cred)!;
        const next = credentialValue(cred, counter++);
        state.inFlight = next;
        const r = await call(s.url, 'PATCH', `/api/credentials/${cred}`, {
          key: owner,
          body: { value: next, force: true },
        }).catch(() => undefined);
        if (r?.status === 200) {
          state.acked = next;
          state.inFlight = undefined;
          rotationsAcked++;
        } else if (r) {
          state.inFlight = undefined;
          assert.fail(`rotation of ${cred} answered ${r.status}: ${r.text}`);
        }
        if (!r) return; // the server is gone; the value in flight may or may not have landed
      }
    };
    const writer = async () => {
      while (!stop.now) {
        const id = `wf_crash_${counter % 7}`;
        const name = `crash write ${counter++}`;
        const r = await call(s.url, 'PUT', `/api/workflows/${id}`, {
          key: owner,
          body: { id, name, nodes: [{ id: 'start', type: 'trigger' }], connections: [] },
        }).catch(() => undefined);
        if (r && (r.status === 200 || r.status === 201)) ledger.workflows.set(id, name);
        else if (!r) ledger.workflows.delete(id); // in flight: either name may be there; stop checking this id
      }
    };
    const workers = [creator(), creator(), creator(), revoker(), revoker(), writer()];
    if (credentialsSupported) for (const cred of ledger.rotations.keys()) workers.push(rotator(cred)());
    await Promise.all(workers);
  }

  it('loses no acknowledged write and refuses every acknowledged revocation after each kill -9', async () => {
    upstream = await recordingUpstream();
    server = await startServer({ root: scratch.dir, env: { FLERO_AUTH_FAILURE_LIMIT: '1000000' } });
    owner = server.ownerKey();
    credentialsSupported = (await call(server.url, 'GET', '/api/credentials', { key: owner })).status === 200;
    if (credentialsSupported) {
      for (const cred of ['cred_crash_a', 'cred_crash_b']) {
        const first = credentialValue(cred, counter++);
        await expectStatus(201, server.url, 'POST', '/api/credentials', {
          key: owner,
          body: { id: cred, name: cred, service: 'custom', authType: 'bearer', value: first, hosts: [upstream.host] },
        });
        ledger.rotations.set(cred, { acked: first });
      }
    } else console.log('crash: the credentials routes are not available; rotation not exercised');

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const s = server!;
      const stop = { now: false };
      const before = ledger.created.size + ledger.revoked.size + ledger.workflows.size;
      const running = load(s, stop);
      // Kill once writes are flowing, at a different moment each cycle.
      const deadline = Date.now() + 60_000;
      while (ledger.created.size + ledger.revoked.size - before < 10 + cycle * 7 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 200)));
      await s.kill9();
      stop.now = true;
      await running;
      outputs.push(s.output());

      // Restart on the same data dir: the stale lock must be recovered.
      server = await startServer({ root: scratch.dir, env: { FLERO_AUTH_FAILURE_LIMIT: '1000000' } });
      const url = server.url;
      for (const [id, key] of ledger.created) {
        const me = await call(url, 'GET', '/api/me', { key });
        if (ledger.revoked.has(id)) assert.equal(me.status, 401, `acknowledged revocation of ${id} lost after kill -9`);
        else if (!ledger.revoking.has(id)) assert.equal(me.status, 200, `acknowledged key ${id} lost after kill -9`);
        else if (me.status === 401) {
          // a revocation in flight at the kill landed: from now on it counts as revoked
          ledger.revoked.add(id);
          ledger.revoking.delete(id);
        } else ledger.revoking.delete(id);
      }
      const listed = (await expectStatus(200, url, 'GET', '/api/api-keys', { key: owner })).json() as
        | { id: string; revokedAt?: string | null }[]
        | { items: { id: string; revokedAt?: string | null }[] };
      const rows = Array.isArray(listed) ? listed : listed.items;
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of ledger.created.keys())
        assert.ok(byId.has(id), `acknowledged key ${id} missing from the listing`);
      for (const id of ledger.revoked) assert.ok(byId.get(id)?.revokedAt, `revoked key ${id} listed without revokedAt`);
      for (const [id, name] of ledger.workflows) {
        const wf = await expectStatus(200, url, 'GET', `/api/workflows/${id}`, { key: owner });
        assert.equal((wf.json() as { name: string }).name, name, `acknowledged write of ${id} lost after kill -9`);
      }
      if (credentialsSupported) await checkCredentials(url);
      console.log(
        `crash cycle ${cycle + 1}: ${ledger.created.size} keys acknowledged, ${ledger.revoked.size} revoked, ` +
          `${ledger.workflows.size} workflows, ${rotationsAcked} rotations, ${runsVerified} runs checked the value; ` +
          `all present after restart in ${Math.round(server.readyMs)} ms`,
      );
    }
    assert.ok(ledger.created.size >= 10 && ledger.revoked.size >= 3, 'the load produced enough acknowledged writes');
    if (credentialsSupported)
      assert.ok(rotationsAcked > 0 && runsVerified > 0, 'rotations were exercised and verified');

    // The restarted server holds the lock: a second one on the same data dir is refused and changes nothing.
    await assert.rejects(
      startServer({ root: scratch.dir, timeoutMs: 30_000 }),
      /lock|in use|already|another/i,
      'a second server on the same data dir must be refused',
    );
  });

  async function checkCredentials(url: string): Promise<void> {
    for (const [cred, state] of ledger.rotations) {
      const allowed = [state.acked, state.inFlight].filter((v): v is string => v !== undefined);
      const meta = (await expectStatus(200, url, 'GET', `/api/credentials/${cred}`, { key: owner })).json() as {
        last4?: string;
      };
      if (meta.last4 !== undefined)
        assert.ok(
          allowed.some((v) => v.endsWith(meta.last4!)),
          `credential ${cred}: last4 ${meta.last4} matches neither the acknowledged value nor the one in flight`,
        );
      // Which value does a run actually send? It must be the acknowledged one or the one in flight.
      const wfId = `wf_uses_${cred}`;
      await call(url, 'PUT', `/api/workflows/${wfId}`, {
        key: owner,
        body: {
          id: wfId,
          name: wfId,
          nodes: [
            { id: 'start', type: 'trigger' },
            { id: 'call', type: 'http', method: 'GET', url: `http://${upstream!.host}/x`, credential: cred },
          ],
          connections: [{ from: 'start', to: 'call' }],
        },
      });
      const seenBefore = upstream!.seen.length;
      const run = await call(url, 'POST', `/api/workflows/${wfId}/run`, { key: owner, body: { input: {} } });
      if (run.status === 200 && (run.json() as { status?: string }).status === 'succeeded') {
        const sent = upstream!.seen.slice(seenBefore).at(-1) ?? '';
        const value = sent.replace(/^Bearer /, '');
        assert.ok(allowed.includes(value), `credential ${cred}: a run sent a value that was never acknowledged`);
        runsVerified++;
        // From here on, that value is the acknowledged one.
        state.acked = value;
        state.inFlight = undefined;
      } else {
        assert.ok(run.status < 500, `run answered ${run.status}: ${run.text}`);
      }
    }
  }

  it('leaves no key or credential value in the data dir or the output of any server (canary sweep)', async () => {
    assert.ok(server, 'the first test ran');
    await server.stop();
    outputs.push(server.output());
    const canaries: Record<string, string> = { owner };
    for (const [id, key] of ledger.created) canaries[id] = key;
    for (const [cred, state] of ledger.rotations) canaries[cred] = state.acked;
    const hits = [
      ...sweep([server.dataDir], { canaries }),
      ...outputs.flatMap((o, i) => scanString(o, { canaries }, `server output #${i + 1}`)),
    ];
    assert.equal(hits.length, 0, describeHits(hits));
  });
});
