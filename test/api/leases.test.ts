// Execution leases (server/src/api/executionLeases.ts) on a real PostgreSQL, in-process: concurrent sweepers on
// separate connection pools never finish one run twice; a live lease is never swept; the owner's save after a sweep
// is refused (the sweeper's record stands); pre-lease rows count as expired; the heartbeat renews and reports cancel
// requests. Plus the interrupted record itself, node by node.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { interruptedRecord, LeaseKeeper } from '../../server/src/api/executionLeases';
import type { Db } from '../../server/src/api/store/db';
import { getExecution, saveExecution } from '../../server/src/api/store/executions';
import { migrate } from '../../server/src/api/store/migrations';
import { openPostgres } from '../../server/src/api/store/postgres';
import type { Execution } from '../../server/src/engine/types';
import { postgresUnavailable, type RunningPostgres, startPostgres } from '../helpers/postgres';

const skip = postgresUnavailable();
let pg: RunningPostgres | undefined;
const dbs: Db[] = [];

before(async () => {
  if (skip) return;
  pg = await startPostgres();
  for (let i = 0; i < 3; i++) dbs.push(await openPostgres(pg.url));
  await migrate(dbs[0]!);
});
after(async () => {
  for (const db of dbs) await db.close();
  await pg?.stop();
});

let seq = 0;
function running(): Execution {
  const n = seq++;
  return {
    id: `exe_lease${String(n).padStart(6, '0')}`,
    workflowId: 'wf_lease',
    status: 'running',
    startedAt: new Date(Date.now() - 1000).toISOString(),
    input: {},
    nodes: [
      { id: 'start', type: 'trigger', status: 'pending', logs: [] },
      { id: 'call', type: 'http', status: 'pending', logs: [] },
      { id: 'after', type: 'code', status: 'pending', logs: [] },
    ],
  };
}

test('concurrent sweepers finish each expired run exactly once; live leases are kept', { skip }, async () => {
  const dead = new LeaseKeeper(dbs[0]!, { ttlMs: 100 });
  const live = new LeaseKeeper(dbs[0]!, { ttlMs: 60_000 });
  const expired = Array.from({ length: 150 }, running);
  for (const e of expired) assert.equal(await saveExecution(dbs[0]!, e, null, dead.lease), true);
  const kept = running();
  await saveExecution(dbs[0]!, kept, null, live.lease);
  const legacy = running(); // a row from before leases existed: no lease at all
  await saveExecution(dbs[0]!, legacy, null);
  await new Promise((r) => setTimeout(r, 150)); // the dead server's leases run out (100 ms)

  const sweepers = dbs.map((db) => new LeaseKeeper(db));
  const counts = await Promise.all(sweepers.flatMap((s) => [s.sweep(), s.sweep()]));
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    expired.length + 1,
    `each run finished once (per sweep: ${counts})`,
  );
  for (const e of [...expired, legacy]) {
    const got = (await getExecution(dbs[0]!, e.id))!;
    assert.equal(got.status, 'failed');
    assert.match(got.error!, /^interrupted: the server running it stopped \(its lease expired/);
  }
  assert.equal((await getExecution(dbs[0]!, kept.id))!.status, 'running', 'a live lease is not swept');

  // The dead owner wakes up and saves its result: refused, the sweeper's record stands.
  const late: Execution = { ...expired[0]!, status: 'succeeded', finishedAt: new Date().toISOString() };
  assert.equal(await saveExecution(dbs[0]!, late, null, dead.lease), false);
  assert.equal((await getExecution(dbs[0]!, late.id))!.status, 'failed');
  // The live owner's own save lands.
  assert.equal(await saveExecution(dbs[0]!, { ...kept, status: 'succeeded' }, null, live.lease), true);
});

test('the heartbeat renews tracked leases and reports a cancel request once', { skip }, async () => {
  const asked: string[] = [];
  const owner = new LeaseKeeper(dbs[1]!, { ttlMs: 300, onCancelRequested: (id) => asked.push(id) });
  const other = new LeaseKeeper(dbs[2]!, { ttlMs: 300 });
  const e = running();
  owner.track(e.id);
  await saveExecution(dbs[1]!, e, null, owner.lease);
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 100));
    await owner.heartbeat();
    assert.equal(await other.sweep(), 0, 'a renewed lease is never swept');
  }
  await dbs[2]!.query('UPDATE executions SET cancel_requested = true WHERE id = $1', [e.id]);
  await owner.heartbeat();
  await owner.heartbeat();
  assert.deepEqual(asked, [e.id]);
  owner.untrack(e.id);
  await new Promise((r) => setTimeout(r, 350));
  assert.equal(await other.sweep(), 1, 'once untracked (the server stopped renewing), it expires');
});

test('a server never sweeps a run it is executing, even past its lease (a stalled event loop)', { skip }, async () => {
  const stalled = new LeaseKeeper(dbs[0]!, { ttlMs: 100 });
  const e = running();
  stalled.track(e.id);
  await saveExecution(dbs[0]!, e, null, stalled.lease);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(await stalled.sweep(), 0);
  assert.equal((await getExecution(dbs[0]!, e.id))!.status, 'running');
  assert.equal(await new LeaseKeeper(dbs[1]!).sweep(), 1, 'another server does');
});

test('the interrupted record says what ran, what was interrupted and what never ran', () => {
  const e = running();
  const at = '2026-01-01T00:00:10.000Z';
  const base = { ...e, startedAt: '2026-01-01T00:00:00.000Z' };
  const mid = interruptedRecord(base, { node: 'call', startedAt: '2026-01-01T00:00:01.000Z' }, at, 'test');
  assert.equal(mid.status, 'failed');
  assert.equal(mid.finishedAt, at);
  assert.equal(mid.durationMs, 10_000);
  assert.equal(mid.error, 'interrupted: the server running it stopped (test)');
  assert.deepEqual(
    mid.nodes.map((n) => [n.id, n.status]),
    [
      ['start', 'succeeded'],
      ['call', 'failed'],
      ['after', 'skipped'],
    ],
  );
  assert.equal(mid.nodes[1]!.startedAt, '2026-01-01T00:00:01.000Z');
  assert.match(mid.nodes[1]!.error!, /interrupted/);
  assert.match(mid.nodes[2]!.error!, /never ran/);

  const last = interruptedRecord(base, { node: 'after', startedAt: at }, at, 'test');
  assert.deepEqual(
    last.nodes.map((n) => n.status),
    ['succeeded', 'succeeded', 'failed'],
  );
  assert.match(last.error!, /outputs of the nodes that had finished were not kept/);

  // No progress recorded: only the leading trigger had run.
  const none = interruptedRecord(base, undefined, at, 'test');
  assert.deepEqual(
    none.nodes.map((n) => n.status),
    ['succeeded', 'skipped', 'skipped'],
  );
  // A node already recorded as finished keeps its record.
  const kept = {
    ...base,
    nodes: [{ ...base.nodes[0]!, status: 'succeeded' as const, output: { x: 1 } }, ...base.nodes.slice(1)],
  };
  assert.deepEqual(interruptedRecord(kept, undefined, at, 'test').nodes[0]!.output, { x: 1 });
});
