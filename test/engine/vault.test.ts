// Master key handling, encryption at rest, and "Test connection" against a real local upstream.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testCredential } from '../../server/src/engine/testCredential';
import { loadMasterKey, MasterKeyError, masterKeyFileFor, parseMasterKey, Vault } from '../../server/src/engine/vault';
import { tmpDir } from '../helpers/tmp';
import { startUpstream, type Upstream } from '../helpers/upstream';

const CANARY = 'canaryVault_Q7m2Xp9Lk4Rt8Zw';

describe('master key and vault', () => {
  it('parses FLERO_MASTER_KEY and rejects malformed keys without echoing them', () => {
    const good = randomBytes(32).toString('base64');
    assert.equal(parseMasterKey(good, 'FLERO_MASTER_KEY').length, 32);
    assert.throws(
      () => parseMasterKey('not base64!!', 'FLERO_MASTER_KEY'),
      (e: Error) => {
        assert.ok(e instanceof MasterKeyError);
        assert.match(e.message, /FLERO_MASTER_KEY is not base64/);
        assert.ok(!e.message.includes('not base64!!'));
        return true;
      },
    );
    assert.throws(() => parseMasterKey(randomBytes(16).toString('base64'), 'FLERO_MASTER_KEY'), /32 bytes, got 16/);
    assert.throws(() => loadMasterKey({ postgres: true }), /FLERO_MASTER_KEY is required with --database-url/);
  });

  it('creates a mode-0600 key file beside the data dir once, reuses it, refuses a group-readable one', () => {
    const dir = tmpDir('flero-vault');
    try {
      const data = join(dir.path, 'data');
      const first = loadMasterKey({ dataDir: data });
      assert.equal(first.source, 'new key file');
      assert.equal(first.file, masterKeyFileFor(data));
      assert.equal(first.file, `${data}.master-key`);
      assert.equal(statSync(first.file!).mode & 0o777, 0o600);
      const second = loadMasterKey({ dataDir: data });
      assert.equal(second.source, 'key file');
      assert.deepEqual(second.key, first.key);
      chmodSync(first.file!, 0o644);
      assert.throws(() => loadMasterKey({ dataDir: data }), /readable by other users.*chmod 600/);
      const env = randomBytes(32).toString('base64');
      assert.equal(loadMasterKey({ env, dataDir: data }).source, 'FLERO_MASTER_KEY');
    } finally {
      dir.remove();
    }
  });

  it('encrypts with AES-256-GCM bound to the credential id; a wrong key or a moved value does not decrypt', () => {
    const v = new Vault(randomBytes(32));
    const sealed = v.encrypt('cred_a', CANARY);
    assert.ok(!sealed.includes(CANARY) && !Buffer.from(sealed, 'base64').toString('latin1').includes(CANARY));
    assert.notEqual(v.encrypt('cred_a', CANARY), sealed, 'fresh IV each time');
    assert.equal(v.decrypt('cred_a', sealed), CANARY);
    assert.throws(() => v.decrypt('cred_b', sealed), /cannot be decrypted/);
    assert.throws(() => new Vault(randomBytes(32)).decrypt('cred_a', sealed), /master key differs/);
    const check = v.checkValue();
    assert.equal(v.verify(check), true);
    assert.equal(new Vault(randomBytes(32)).verify(check), false);
  });
});

describe('testCredential', () => {
  let up: Upstream;
  before(async () => {
    up = await startUpstream((req) => {
      const auth = String(req.headers.authorization ?? '');
      if (req.path === '/auth.test')
        return { body: auth === `Bearer ${CANARY}` ? { ok: true } : { ok: false, error: 'invalid_auth' } };
      if (req.path === '/boom') return { status: 502, body: 'bad gateway' };
      if (auth === `Bearer ${CANARY}`) return { body: { login: 'me' } };
      return { status: 401, body: { message: `Bad credentials ${auth}` } };
    });
  });
  after(() => up.close());

  it('reports success, rejection (401 and Slack-style ok:false), and never echoes the value', async () => {
    const meta = { id: 'gh', name: 'GitHub', service: 'github', authType: 'bearer' as const };
    assert.deepEqual(await testCredential(meta, CANARY, up.url), {
      ok: true,
      status: 200,
      detail: 'the service accepted the key (HTTP 200)',
    });
    assert.equal(up.requests.at(-1)!.path, '/user');
    const bad = await testCredential(meta, `${CANARY}x`, up.url);
    assert.deepEqual(bad, { ok: false, status: 401, detail: 'the service rejected the key (HTTP 401)' });
    const slack = await testCredential({ ...meta, id: 's', service: 'slack' }, 'wrong-token-123', up.url);
    assert.deepEqual(slack, { ok: false, status: 200, detail: 'the service rejected the key (invalid_auth)' });
    assert.equal(up.requests.at(-1)!.method, 'POST');
  });

  it('explains network errors, unknown services, hosts it may not use; nothing is sent to a wrong host', async () => {
    const meta = { id: 'c', name: 'c', service: 'custom', authType: 'bearer' as const, hosts: ['127.0.0.1:1'] };
    const refused = await testCredential(meta, CANARY);
    assert.equal(refused.ok, false);
    assert.equal(refused.status, 0);
    assert.match(refused.detail, /connection refused/);
    const before = up.requests.length;
    const wrongHost = await testCredential({ ...meta, service: 'github', hosts: ['ghe.example.com'] }, CANARY);
    assert.match(wrongHost.detail, /may only be sent to ghe\.example\.com, not to api\.github\.com; nothing was sent/);
    assert.equal(up.requests.length, before);
    assert.match((await testCredential({ ...meta, service: 'nope' }, CANARY)).detail, /unknown service "nope"/);
    const noHosts = await testCredential({ ...meta, hosts: undefined }, CANARY);
    assert.match(noHosts.detail, /needs a concrete host/);
    for (const r of [refused, wrongHost, noHosts]) assert.ok(!JSON.stringify(r).includes(CANARY));
  });

  it('reads the key file only as base64 text', () => {
    const dir = tmpDir('flero-vault2');
    try {
      const k = loadMasterKey({ dataDir: join(dir.path, 'd') });
      assert.match(readFileSync(k.file!, 'utf8'), /^[A-Za-z0-9+/]{43}=\n$/);
    } finally {
      dir.remove();
    }
  });
});
