// U+0000 cannot be stored in PostgreSQL text: it must be a clear 4xx wherever a client can put it, never a 500.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, type RunningServer, startServer } from '../helpers/server';

let srv: RunningServer;
let owner: string;
before(async () => {
  srv = await startServer();
  owner = srv.ownerKey!;
});
after(async () => {
  await srv?.stop();
});

test('a NUL in a path id is a 400 bad_path', async () => {
  for (const path of ['/api/executions/%00', '/api/workflows/a%00b', '/api/credentials/%1F', '/api/api-keys/x%7F']) {
    const r = await api(srv.url, 'GET', path, { key: owner });
    assert.equal(r.status, 400, `${path}: ${r.text}`);
    assert.equal(r.body.code, 'bad_path');
  }
});

test('a NUL in a body string, a key or a query value is a 400 validation_failed naming the field', async () => {
  const wf = {
    id: 'wf_nul',
    name: 'bad\u0000name',
    nodes: [{ id: 'start', type: 'trigger' }],
    connections: [],
  };
  const r = await api(srv.url, 'POST', '/api/workflows', { key: owner, body: wf });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.code, 'validation_failed');
  assert.deepEqual(
    r.body.errors.map((e: { field: string }) => e.field),
    ['name'],
  );
  const k = await api(srv.url, 'POST', '/api/api-keys', { key: owner, body: { name: 'x', scopes: [], 'a\u0000': 1 } });
  assert.equal(k.status, 400, k.text);
  const q = await api(srv.url, 'GET', '/api/executions?workflowId=%00', { key: owner });
  assert.equal(q.status, 400, q.text);
  assert.equal((await api(srv.url, 'GET', '/api/workflows/wf_nul', { key: owner })).status, 404, 'nothing was created');
});
