// The extension's server-side parts against the real built Flero server (node dist/flero.mjs; `node esbuild.mjs`
// first): spawning it the way the extension does (owner key file read then deleted, lock held by a second start,
// data reset), its HTTP client (sign-in check, generate → list → revoke → 401, missing scope → 403 sentence), and the
// local connection test against a real upstream. Canary: the owner key and credential values never reach the logs.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiError, FleroApi } from '../../client/src/api';
import { testLocally } from '../../client/src/credentialTest';
import { keyNodes } from '../../client/src/model/tree';
import {
  LocalServerError,
  resetServerData,
  type SpawnedServer,
  spawnFleroServer,
  stopChild,
} from '../../client/src/serverProcess';
import { SCOPES } from '../../server/src/core/scopes';
import { CLI, assertBuilt } from '../helpers/server';
import { tmpDir } from '../helpers/tmp';
import { startUpstream, type Upstream } from '../helpers/upstream';

describe('the bundled server as the extension runs it', () => {
  const storage = tmpDir('flero-client');
  const lines: string[] = [];
  let server: SpawnedServer | undefined;
  const spawnOpts = () => ({
    script: CLI,
    execPath: process.execPath,
    storageDir: storage.path,
    onLine: (l: string) => lines.push(l),
    timeoutMs: 120_000,
  });

  before(async () => {
    assertBuilt();
    server = await spawnFleroServer(spawnOpts());
  });
  after(async () => {
    if (server) await stopChild(server.child);
    storage.remove();
  });

  it('starts on 127.0.0.1 and hands over the owner key once, deleting the key file', async () => {
    assert.match(server!.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(server!.ownerKey?.startsWith('flero_sk_'));
    assert.deepEqual(
      readdirSync(storage.path).filter((f) => f.startsWith('owner-key')),
      [],
      'no owner-key file is left behind',
    );
    const me = await new FleroApi(server!.url, server!.ownerKey).me();
    assert.deepEqual([...me.scopes].sort(), [...SCOPES].sort());
    assert.equal(me.workflows, 'all');
    assert.ok(!lines.join('\n').includes(server!.ownerKey!), 'the owner key is not in the logged output');
  });

  it('says clearly when another process holds the data folder', async () => {
    await assert.rejects(spawnFleroServer({ ...spawnOpts(), lastKnownUrl: server!.url }), (e: unknown) => {
      assert.ok(e instanceof LocalServerError);
      assert.equal(e.lockHeld, true);
      assert.equal(e.runningUrl, server!.url);
      assert.match(e.message, /already using the local data folder/);
      return true;
    });
    assert.ok(await new FleroApi(server!.url, undefined).health(), 'the running server was not disturbed');
  });

  it('generates a key (plaintext once), lists it with its scopes, revokes it, and then the key gets 401', async () => {
    const owner = new FleroApi(server!.url, server!.ownerKey);
    const created = await owner.createKey({
      name: 'CI deploy',
      scopes: ['executions:write', 'workflows:read'],
      workflows: 'all',
    });
    assert.ok(created.plaintext.startsWith('flero_sk_'));
    const id = created.key!.id;
    const listed = await owner.listKeys();
    const node = keyNodes(listed).find((n) => n.id === `key:${id}`)!;
    assert.equal(node.label, 'CI deploy');
    assert.equal(node.contextValue, 'flero.apiKey.active');
    assert.equal(node.children![0]!.description, 'workflows:read, executions:write');
    assert.ok(!JSON.stringify(listed).includes(created.plaintext), 'listings never carry the key');

    const ci = new FleroApi(server!.url, created.plaintext);
    assert.equal((await ci.me()).name, 'CI deploy');
    await assert.rejects(ci.listKeys(), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.status, 403);
      assert.match(e.message, /lacks the scope "api-keys:read"/);
      assert.ok(!e.message.includes(created.plaintext));
      return true;
    });

    await owner.revokeKey(id);
    const revoked = keyNodes(await owner.listKeys()).find((n) => n.id === `key:${id}`)!;
    assert.equal(revoked.contextValue, 'flero.apiKey.revoked');
    await assert.rejects(ci.me(), (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.status, 401);
      assert.match(e.message, /did not accept the signed-in key.*Sign In/);
      return true;
    });
  });

  it('uploads and runs a workflow on the server (Run Workflow on Server) and reads credentials back as metadata', async () => {
    const owner = new FleroApi(server!.url, server!.ownerKey);
    const doc = {
      id: 'wf_client_test',
      name: 'Client test',
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'shape', type: 'code', code: 'console.log("hello from shape"); return { city: $input.city };' },
      ],
      connections: [{ from: 'start', to: 'shape' }],
    };
    await owner.putWorkflow(doc.id, doc);
    assert.deepEqual(
      (await owner.listWorkflows()).map((w) => w.id),
      ['wf_client_test'],
    );
    const execution = await owner.runWorkflow(doc.id, { city: 'Oslo' });
    assert.equal(execution.status, 'succeeded', JSON.stringify(execution));
    assert.deepEqual(execution.output, { city: 'Oslo' });
    assert.ok(execution.nodes.find((n) => n.id === 'shape')?.logs.some((l) => l.message.includes('hello from shape')));

    const CANARY = 'canary-server-cred-5d1e';
    await owner.createCredential(
      {
        id: 'cred_srv',
        name: 'S',
        service: 'custom',
        authType: 'apiKey',
        header: { name: 'X-API-Key', prefix: '' },
        hosts: ['127.0.0.1:1'],
      },
      CANARY,
    );
    const listed = await owner.listCredentials();
    assert.deepEqual(
      listed.map((c) => [c.id, c.service, c.authType]),
      [['cred_srv', 'custom', 'apiKey']],
    );
    assert.ok(!JSON.stringify(listed).includes(CANARY));
    const verdict = await owner.testCredential('cred_srv');
    assert.equal(verdict.ok, false, 'nothing listens on 127.0.0.1:1');
    assert.ok(!JSON.stringify(verdict).includes(CANARY));
    await owner.deleteCredential('cred_srv');
    assert.deepEqual(await owner.listCredentials(), []);
  });

  it('reports an unreachable server as a sentence', async () => {
    await assert.rejects(new FleroApi('http://127.0.0.1:1', 'x').me(), /did not answer/);
  });

  it('restarts on the same data without a new owner key, and after a reset creates a new one', async () => {
    await stopChild(server!.child);
    server = await spawnFleroServer(spawnOpts());
    assert.equal(server.ownerKey, undefined);
    await stopChild(server.child);
    resetServerData(storage.path);
    assert.ok(!existsSync(join(storage.path, 'server')));
    server = await spawnFleroServer(spawnOpts());
    assert.ok(server.ownerKey?.startsWith('flero_sk_'));
    assert.ok(!lines.join('\n').includes(server.ownerKey!));
  });
});

describe('Test Connection from the extension host', () => {
  const CANARY = 'canary-cred-7f3a9e1b2c';
  let upstream: Upstream;
  before(async () => {
    upstream = await startUpstream((req) => ({
      status: req.headers['x-api-key'] === `Token ${CANARY}` || req.query.k === CANARY ? 200 : 401,
      body: { ok: true },
    }));
  });
  after(() => upstream.close());

  it('sends the value where the credential says and reads the verdict from the status', async () => {
    const header = {
      id: 'c',
      name: 'c',
      service: 'custom',
      authType: 'apiKey' as const,
      header: { name: 'X-API-Key', prefix: 'Token ' },
    };
    const ok = await testLocally(header, CANARY, `${upstream.url}/health`);
    assert.deepEqual(ok, { ok: true, status: 200, detail: 'the service accepted the credential' });
    const bad = await testLocally(header, 'wrong', `${upstream.url}/health`);
    assert.deepEqual(bad, { ok: false, status: 401, detail: 'the service answered HTTP 401' });
    const query = await testLocally(
      { id: 'q', name: 'q', service: 'custom', authType: 'apiKey', query: { param: 'k' } },
      CANARY,
      `${upstream.url}/health`,
    );
    assert.equal(query.ok, true);
    assert.equal(upstream.requests.at(-1)!.query.k, CANARY);
    const down = await testLocally(header, CANARY, 'http://127.0.0.1:1/health');
    assert.equal(down.ok, false);
    assert.match(down.detail, /could not reach 127\.0\.0\.1:1/);
    assert.ok(!JSON.stringify([ok, bad, query, down]).includes(CANARY), 'results never carry the value');
  });
});
