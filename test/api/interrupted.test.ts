// Issue #10 item 4: a run whose server died is finished as `failed` (the error names the interruption) within 30 s by
// a live server on the same store — on PostgreSQL by another server (lease expiry), on the embedded store by the
// next start — and its unfinished nodes say so. A server that was only paused past its lease cannot resurrect the
// run when it wakes up; a live server's long run is never taken from it.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { postgresUnavailable, type RunningPostgres, startPostgres } from '../helpers/postgres';
import { until } from '../helpers/poll';
import { api, startServer } from '../helpers/server';
import { tmpDir } from '../helpers/tmp';

const skipPg = postgresUnavailable();
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const fn of cleanups.reverse()) await fn();
});

/** An upstream that holds every request until `release()` (a slow API the run waits on). */
async function gatedUpstream(): Promise<{ port: number; seen: () => number; release(): void }> {
  let open!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  let seen = 0;
  const server: Server = createServer((req, res) => {
    seen++;
    req.resume();
    void gate.then(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    open();
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { port: (server.address() as AddressInfo).port, seen: () => seen, release: () => open() };
}

function slowWorkflow(id: string, port: number) {
  return {
    id,
    name: id,
    nodes: [
      { id: 'start', type: 'trigger' },
      { id: 'call', type: 'http', method: 'GET', url: `http://127.0.0.1:${port}/slow` },
      { id: 'after', type: 'code', code: 'return { done: true };' },
    ],
    connections: [
      { from: 'start', to: 'call' },
      { from: 'call', to: 'after' },
    ],
  };
}

// biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary JSON response fields
async function finished(url: string, key: string, id: string): Promise<any | undefined> {
  const r = await api(url, 'GET', `/api/executions/${id}`, { key });
  assert.equal(r.status, 200, r.text);
  return r.body.status === 'running' ? undefined : r.body;
}

// biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary JSON response fields
function assertInterrupted(e: any): void {
  assert.equal(e.status, 'failed', JSON.stringify(e));
  assert.match(e.error, /^interrupted: the server running it stopped/);
  assert.ok(e.finishedAt && Date.parse(e.finishedAt) >= Date.parse(e.startedAt));
  const nodes = Object.fromEntries(e.nodes.map((n: { id: string }) => [n.id, n]));
  assert.equal(nodes.start.status, 'succeeded', 'the trigger had run');
  assert.equal(nodes.call.status, 'failed', 'the node that was running says it was interrupted');
  assert.match(nodes.call.error, /interrupted/);
  assert.equal(nodes.after.status, 'skipped', 'the node that never started says so');
  assert.match(nodes.after.error, /never ran/);
}

async function startRun(url: string, key: string, wf: string): Promise<string> {
  const r = await api(url, 'POST', `/api/workflows/${wf}/run`, { key, body: { input: { n: 1 } } });
  assert.equal(r.status, 202, r.text);
  return r.body.id as string;
}

/** A fresh PostgreSQL with two servers A and B on it (stopped and removed after the file), and the owner key. */
async function twoServers(envA: Record<string, string>, envB: Record<string, string> = envA) {
  const pg: RunningPostgres = await startPostgres();
  cleanups.push(() => pg.stop());
  const [a, b] = await Promise.all([
    startServer({ databaseUrl: pg.url, env: envA }),
    startServer({ databaseUrl: pg.url, env: envB }),
  ]);
  cleanups.push(
    async () => {
      a.child.kill('SIGCONT');
      await a.stop();
    },
    async () => void (await b.stop()),
  );
  return { a, b, owner: (a.ownerKey ?? b.ownerKey)! };
}

test('kill -9 on PostgreSQL: another server finishes the run as failed within 30 s', { skip: skipPg }, async () => {
  const { a, b, owner } = await twoServers({ FLERO_RUN_WAIT_MS: '300' });
  const up = await gatedUpstream();
  assert.equal(
    (await api(a.url, 'POST', '/api/workflows', { key: owner, body: slowWorkflow('wf_slow', up.port) })).status,
    201,
  );

  const id = await startRun(a.url, owner, 'wf_slow');
  await until('the run to reach the upstream', async () => (up.seen() > 0 ? true : undefined), 10_000);
  a.child.kill('SIGKILL');
  const killedAt = Date.now();
  await a.stop();
  const e = await until('B to finish the run', () => finished(b.url, owner, id), 45_000);
  const ms = Date.now() - killedAt;
  console.log(`kill -9 on PostgreSQL → run finished as failed by the other server after ${ms} ms`);
  assertInterrupted(e);
  assert.ok(ms < 30_000, `finished after ${ms} ms (contract: within 30 s)`);
  const all = (await api(b.url, 'GET', '/api/executions', { key: owner })).body as { status: string }[];
  assert.deepEqual(
    all.filter((x) => x.status === 'running'),
    [],
    'no execution stays running',
  );
});

test('PostgreSQL: a paused owner cannot resurrect its run; a live long run is kept', { skip: skipPg }, async () => {
  // Short leases so the pause outlasts one quickly; the owner's POST waits long enough to answer 200 after waking.
  const lease = { FLERO_LEASE_MS: '2000' };
  const { a, b, owner } = await twoServers(
    { ...lease, FLERO_RUN_WAIT_MS: '60000' },
    { ...lease, FLERO_RUN_WAIT_MS: '300' },
  );
  const up = await gatedUpstream();
  assert.equal(
    (await api(a.url, 'POST', '/api/workflows', { key: owner, body: slowWorkflow('wf_pause', up.port) })).status,
    201,
  );

  // B's own run outlives several leases while B is alive: it must not be taken from it.
  const onB = await startRun(b.url, owner, 'wf_pause');
  const onA = api(a.url, 'POST', '/api/workflows/wf_pause/run', { key: owner, body: { input: {} } });
  await until('both runs to reach the upstream', async () => (up.seen() >= 2 ? true : undefined), 10_000);
  const listed = (await api(b.url, 'GET', '/api/executions', { key: owner })).body as { id: string }[];
  const idA = listed.map((x) => x.id).find((x) => x !== onB)!;
  assert.ok(idA);
  a.child.kill('SIGSTOP');
  const pausedAt = Date.now();
  const e = await until('B to finish A’s run', () => finished(b.url, owner, idA), 30_000);
  console.log(
    `owner paused (SIGSTOP) → its run finished as failed by the other server after ${Date.now() - pausedAt} ms`,
  );
  assertInterrupted(e);
  assert.equal(
    (await api(b.url, 'GET', `/api/executions/${onB}`, { key: owner })).body.status,
    'running',
    'B’s live run is kept',
  );

  // A wakes up and its upstream answers: its run completes, but the record stays what B wrote, and A says so.
  a.child.kill('SIGCONT');
  up.release();
  const answered = await onA;
  assert.equal(answered.status, 200, answered.text);
  assert.equal(answered.body.id, idA);
  assertInterrupted(answered.body);
  assertInterrupted((await api(a.url, 'GET', `/api/executions/${idA}`, { key: owner })).body);
  const done = await until('B’s own run to succeed', () => finished(b.url, owner, onB), 20_000);
  assert.equal(done.status, 'succeeded', JSON.stringify(done));
});

test('PostgreSQL: cancel on another server stops the run where it runs', { skip: skipPg }, async () => {
  // Short leases: the heartbeat that carries the cancel to the owner comes every ~700 ms.
  const { a, b, owner } = await twoServers({ FLERO_RUN_WAIT_MS: '300', FLERO_LEASE_MS: '2000' });
  const up = await gatedUpstream();
  assert.equal(
    (await api(a.url, 'POST', '/api/workflows', { key: owner, body: slowWorkflow('wf_cancel', up.port) })).status,
    201,
  );
  const id = await startRun(a.url, owner, 'wf_cancel');
  await until('the run to reach the upstream', async () => (up.seen() > 0 ? true : undefined), 10_000);
  const c = await api(b.url, 'POST', `/api/executions/${id}/cancel`, { key: owner });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.body.status, 'cancelled');
  // A (the owner) aborts its run and does not overwrite the cancelled record when its node stops.
  await new Promise((r) => setTimeout(r, 2_500));
  up.release();
  await new Promise((r) => setTimeout(r, 500));
  for (const srv of [a, b]) {
    const e = (await api(srv.url, 'GET', `/api/executions/${id}`, { key: owner })).body;
    assert.equal(e.status, 'cancelled', JSON.stringify(e));
  }
  assert.equal(
    (await api(a.url, 'POST', `/api/executions/${id}/cancel`, { key: owner })).body.code,
    'execution_finished',
  );
  assert.doesNotMatch(a.output() + b.output(), /internal error/);
});

test('embedded store: kill -9 mid-run, restart → the run is finished as failed', async () => {
  const dir = tmpDir('flero-interrupted');
  cleanups.push(() => dir.remove());
  const dataDir = `${dir.path}/data`;
  const ownerKeyFile = `${dir.path}/owner-key`;
  const env = { FLERO_RUN_WAIT_MS: '300' };
  const a = await startServer({ dataDir, ownerKeyFile, env });
  const owner = a.ownerKey!;
  const up = await gatedUpstream();
  assert.equal(
    (await api(a.url, 'POST', '/api/workflows', { key: owner, body: slowWorkflow('wf_slow', up.port) })).status,
    201,
  );
  const id = await startRun(a.url, owner, 'wf_slow');
  await until('the run to reach the upstream', async () => (up.seen() > 0 ? true : undefined), 10_000);
  a.child.kill('SIGKILL');
  const killedAt = Date.now();
  await a.stop({ keepData: true });
  const b = await startServer({ dataDir, ownerKeyFile, env });
  cleanups.push(async () => void (await b.stop({ keepData: true })));
  const e = await until('the restarted server to show the run finished', () => finished(b.url, owner, id), 5_000);
  console.log(
    `kill -9 on the embedded store → run finished as failed at the restart, ${Date.now() - killedAt} ms after the kill`,
  );
  assertInterrupted(e);
});
