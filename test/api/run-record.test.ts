// A run that outlasts the wait (202) is stored and shown while it runs: its record must already be masked.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { api, type RunningServer, startServer } from '../helpers/server';

const CANARY = `canaryRun_${randomBytes(12).toString('base64url')}`;
let srv: RunningServer;
let owner: string;

before(async () => {
  srv = await startServer({ env: { FLERO_RUN_WAIT_MS: '200' } });
  owner = srv.ownerKey!;
});
after(async () => {
  await srv?.stop();
});

test('the running record of a 202 run never holds a credential value from the input', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const upstream = createServer((_req, res) => {
    void gate.then(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const port = (upstream.address() as { port: number }).port;
  try {
    const cred = {
      id: 'cred_gate',
      name: 'Gate',
      service: 'custom',
      authType: 'apiKey',
      header: { name: 'X-API-Key', prefix: '' },
      hosts: [`127.0.0.1:${port}`],
      value: CANARY,
    };
    assert.equal((await api(srv.url, 'POST', '/api/credentials', { key: owner, body: cred })).status, 201);
    const wf = {
      id: 'wf_gate',
      name: 'Gate',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'call', type: 'http', method: 'GET', url: `http://127.0.0.1:${port}/`, credential: 'cred_gate' },
      ],
      connections: [{ from: 'start', to: 'call' }],
    };
    assert.equal((await api(srv.url, 'POST', '/api/workflows', { key: owner, body: wf })).status, 201);
    // A user pasted the secret into the run input by mistake.
    const r = await api(srv.url, 'POST', '/api/workflows/wf_gate/run', {
      key: owner,
      body: { input: { note: `key is ${CANARY}` } },
    });
    assert.equal(r.status, 202, r.text);
    assert.equal(r.body.input.note, 'key is ***');
    assert.ok(!r.text.includes(CANARY));
    const running = await api(srv.url, 'GET', r.headers.get('location')!, { key: owner });
    assert.equal(running.body.status, 'running');
    assert.ok(!running.text.includes(CANARY), 'the stored running record is masked');
    release();
    let done = running;
    for (let i = 0; i < 200 && done.body.status === 'running'; i++) {
      await new Promise((res) => setTimeout(res, 50));
      done = await api(srv.url, 'GET', r.headers.get('location')!, { key: owner });
    }
    assert.equal(done.body.status, 'succeeded', done.text);
    assert.ok(!done.text.includes(CANARY));
    assert.ok(!srv.output().includes(CANARY));
  } finally {
    release();
    upstream.close();
  }
});
