// Retention of executions on the real server: --keep-executions keeps the newest N finished ones, --executions-max-age
// prunes older ones, running ones are never pruned; bad values of the serve flags are usage errors (exit 2).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { api, type RunningServer, runCli, startServer } from '../helpers/server';

const servers: RunningServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

const wf = { id: 'wf_keep', name: 'Keep', nodes: [{ id: 'start', type: 'trigger' }], connections: [] };

async function ids(srv: RunningServer): Promise<string[]> {
  const r = await api(srv.url, 'GET', '/api/executions?limit=500', { key: srv.ownerKey });
  assert.equal(r.status, 200, r.text);
  return r.body.map((e: { id: string }) => e.id);
}

async function until(what: string, ok: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('retention', () => {
  test('--keep-executions 3: after 6 runs the newest 3 remain', async () => {
    const srv = await startServer({ args: ['--keep-executions', '3'] });
    servers.push(srv);
    assert.equal((await api(srv.url, 'POST', '/api/workflows', { key: srv.ownerKey, body: wf })).status, 201);
    const made: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await api(srv.url, 'POST', '/api/workflows/wf_keep/run', { key: srv.ownerKey, body: {} });
      assert.equal(r.status, 200, r.text);
      made.push(r.body.id);
    }
    await until('3 executions are left', async () => (await ids(srv)).length === 3);
    assert.deepEqual(await ids(srv), made.slice(3).reverse());
  });

  test('--executions-max-age 2s prunes finished executions older than that', async () => {
    const srv = await startServer({ args: ['--executions-max-age', '2s'] });
    servers.push(srv);
    assert.equal((await api(srv.url, 'POST', '/api/workflows', { key: srv.ownerKey, body: wf })).status, 201);
    const old = await api(srv.url, 'POST', '/api/workflows/wf_keep/run', { key: srv.ownerKey, body: {} });
    assert.deepEqual(await ids(srv), [old.body.id]);
    await new Promise((r) => setTimeout(r, 2_200));
    const fresh = await api(srv.url, 'POST', '/api/workflows/wf_keep/run', { key: srv.ownerKey, body: {} });
    await until('the old one is pruned', async () => (await ids(srv)).length === 1);
    assert.deepEqual(await ids(srv), [fresh.body.id]);
  });

  test('bad retention and wait flags are usage errors naming the flag', async () => {
    for (const [flag, value] of [
      ['--keep-executions', '0'],
      ['--keep-executions', 'many'],
      ['--executions-max-age', '30 days'],
      ['--executions-max-age', '1w'],
      ['--run-wait-ms', '5s'],
      ['--run-time-limit', '10'],
    ]) {
      const r = await runCli(['serve', '--port', '0', '--data', '/nonexistent/never-created', flag!, value!]);
      assert.equal(r.code, 2, `${flag} ${value}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${flag}`), r.stderr);
      assert.doesNotMatch(r.stdout, /listening/);
    }
  });
});
