// `flero serve --max-key-lifetime` (and FLERO_MAX_KEY_LIFETIME) and each key's lastUsedIp / lastUsedUserAgent,
// through the real built server over real HTTP. Under the policy a key minted without an expiry gets now + max, a
// longer one is refused (400 key_lifetime_exceeded, naming the maximum), a roll stays within it, the owner key made
// at first start is exempt. The last use's address and (cleaned, ≤ 200 characters) User-Agent show on the key.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { api, type RunningServer, startServer } from '../helpers/server';

const DAY = 86_400_000;

describe('--max-key-lifetime', () => {
  let srv: RunningServer;
  let owner: string;
  const call = (method: string, path: string, body?: unknown, key = owner) =>
    api(srv.url, method, path, { key, ...(body !== undefined ? { body } : {}) });

  before(async () => {
    srv = await startServer({ args: ['--max-key-lifetime', '90d'] });
    owner = srv.ownerKey!;
  });
  after(async () => {
    await srv?.stop();
  });

  it('the owner key made at first start is exempt', async () => {
    const me = await call('GET', '/api/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.expiresAt, null);
  });

  it('a key minted without expiry gets now + 90d; within it is kept; beyond → 400 key_lifetime_exceeded', async () => {
    const t0 = Date.now();
    const none = await call('POST', '/api/api-keys', { name: 'ci', scopes: ['workflows:read'] });
    assert.equal(none.status, 201, none.text);
    const exp = Date.parse(none.body.expiresAt);
    assert.ok(exp >= t0 + 90 * DAY - 5_000 && exp <= Date.now() + 90 * DAY + 5_000, none.body.expiresAt);
    const within = await call('POST', '/api/api-keys', { name: 'short', scopes: ['workflows:read'], expiresIn: '30d' });
    assert.equal(within.status, 201, within.text);
    assert.ok(Math.abs(Date.parse(within.body.expiresAt) - (t0 + 30 * DAY)) < 60_000);
    const exactly = await call('POST', '/api/api-keys', { name: 'max', scopes: ['workflows:read'], expiresIn: '90d' });
    assert.equal(exactly.status, 201, exactly.text);
    for (const body of [
      { expiresIn: '91d' },
      { expiresIn: '2161h' },
      { expiresAt: new Date(Date.now() + 100 * DAY).toISOString() },
    ]) {
      const r = await call('POST', '/api/api-keys', { name: 'long', scopes: ['workflows:read'], ...body });
      assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
      assert.equal(r.body.code, 'key_lifetime_exceeded');
      assert.match(r.body.detail, /90d/);
    }
  });

  it('a roll stays within the policy (the owner key too: its new key gets now + max)', async () => {
    const mine = await call('POST', '/api/api-keys', { name: 'r', scopes: ['workflows:read'], expiresIn: '60d' });
    const rolled = await call('POST', `/api/api-keys/${mine.body.id}/roll`, { overlap: '0s' });
    assert.equal(rolled.status, 201, rolled.text);
    assert.ok(Date.parse(rolled.body.expiresAt) <= Date.now() + 90 * DAY + 1_000);
    const me = await call('GET', '/api/me');
    const ownerRoll = await call('POST', `/api/api-keys/${me.body.id}/roll`, { overlap: '1h' });
    assert.equal(ownerRoll.status, 201, ownerRoll.text);
    assert.ok(ownerRoll.body.expiresAt, 'the owner key’s replacement is under the policy');
    assert.ok(Date.parse(ownerRoll.body.expiresAt) <= Date.now() + 90 * DAY + 1_000);
    owner = ownerRoll.body.key;
  });

  it('FLERO_MAX_KEY_LIFETIME sets it too', async () => {
    const other = await startServer({ env: { FLERO_MAX_KEY_LIFETIME: '1h' } });
    try {
      const r = await api(other.url, 'POST', '/api/api-keys', {
        key: other.ownerKey!,
        body: { name: 'x', scopes: ['workflows:read'], expiresIn: '2h' },
      });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.code, 'key_lifetime_exceeded');
      assert.match(r.body.detail, /1h/);
    } finally {
      await other.stop();
    }
  });
});

describe('lastUsedIp and lastUsedUserAgent', () => {
  let srv: RunningServer;
  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    await srv?.stop();
  });

  it('a key shows where and with what its last use came (user agent cleaned and cut to 200)', async () => {
    const owner = srv.ownerKey!;
    const made = await api(srv.url, 'POST', '/api/api-keys', {
      key: owner,
      body: { name: 'agent', scopes: ['workflows:read'] },
    });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.lastUsedIp, null);
    assert.equal(made.body.lastUsedUserAgent, null);
    const ua = `flero-test/1.0 ${'x'.repeat(300)}`;
    const r = await fetch(`${srv.url}/api/workflows`, {
      headers: { authorization: `Bearer ${made.body.key}`, 'user-agent': `my\tagent ${ua}` },
    });
    assert.equal(r.status, 200);
    const shown = await api(srv.url, 'GET', `/api/api-keys/${made.body.id}`, { key: owner });
    assert.equal(shown.status, 200, shown.text);
    assert.equal(shown.body.lastUsedIp, '127.0.0.1');
    assert.equal(shown.body.lastUsedUserAgent.length, 200);
    assert.ok(shown.body.lastUsedUserAgent.startsWith('myagent flero-test/1.0 xxx'), shown.body.lastUsedUserAgent);
    assert.ok(shown.body.lastUsedAt);
    const listed = await api(srv.url, 'GET', '/api/api-keys', { key: owner });
    const row = listed.body.find((k: { id: string }) => k.id === made.body.id);
    assert.equal(row.lastUsedUserAgent, shown.body.lastUsedUserAgent);
  });

  it('the last use follows each request: the same agent again moves the time, another agent replaces it', async () => {
    const owner = srv.ownerKey!;
    const made = await api(srv.url, 'POST', '/api/api-keys', {
      key: owner,
      body: { name: 'agents', scopes: ['workflows:read'] },
    });
    assert.equal(made.status, 201, made.text);
    const use = async (agent: string) => {
      const r = await fetch(`${srv.url}/api/workflows`, {
        headers: { authorization: `Bearer ${made.body.key}`, 'user-agent': agent },
      });
      assert.equal(r.status, 200);
      const shown = await api(srv.url, 'GET', `/api/api-keys/${made.body.id}`, { key: owner });
      return shown.body as { lastUsedAt: string; lastUsedUserAgent: string | null };
    };
    const a1 = await use('agent-a/1');
    await new Promise((r) => setTimeout(r, 5));
    const a2 = await use('agent-a/1');
    assert.equal(a2.lastUsedUserAgent, 'agent-a/1');
    assert.ok(Date.parse(a2.lastUsedAt) > Date.parse(a1.lastUsedAt), `${a1.lastUsedAt} then ${a2.lastUsedAt}`);
    assert.equal((await use('agent-b\t/2')).lastUsedUserAgent, 'agent-b/2');
    assert.equal((await use('agent-a/1')).lastUsedUserAgent, 'agent-a/1');
    assert.equal((await use('  ')).lastUsedUserAgent, null);
  });
});
