// "Test connection" of a custom credential honours the scheme of its `hosts` entry (http:// or https://; a bare host
// means https), explains TLS and network failures in words, and never echoes the value. Real local upstreams: a
// plain-HTTP one and an HTTPS one with a self-signed certificate made here with `openssl` (no key is committed). The
// server trusts that certificate through NODE_EXTRA_CA_CERTS in one case (then only the host name on it is valid).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { api, type RunningServer, startServer } from '../helpers/server';
import { tmpDir, type TmpDir } from '../helpers/tmp';
import { startUpstream, type Upstream } from '../helpers/upstream';

const SECRET = `canaryScheme_${randomBytes(12).toString('base64url')}`;

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('credential test: the scheme of a hosts entry', { skip: !hasOpenssl() && 'openssl is not installed' }, () => {
  let dir: TmpDir;
  let plain: Upstream;
  let tls: Server;
  let tlsPort: number;
  const tlsSeen: string[] = [];
  let srv: RunningServer; // does not trust the certificate
  let trusting: RunningServer; // trusts it (NODE_EXTRA_CA_CERTS): valid for "localhost" only

  before(async () => {
    dir = tmpDir('flero-tls');
    const key = join(dir.path, 'key.pem');
    const cert = join(dir.path, 'cert.pem');
    // -subj/-addext as separate args: a test-only certificate for "localhost", made fresh each run.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    tls = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      tlsSeen.push(String(req.headers.authorization));
      res.writeHead(req.headers.authorization === `Bearer ${SECRET}` ? 200 : 401, {
        'content-type': 'application/json',
      });
      res.end('{"tls":true}');
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    tlsPort = (tls.address() as AddressInfo).port;
    plain = await startUpstream((req) => ({
      status: req.headers.authorization === `Bearer ${SECRET}` ? 200 : 401,
      body: { plain: true },
    }));
    [srv, trusting] = await Promise.all([
      startServer({ env: { FLERO_MASTER_KEY: '' } }),
      startServer({ env: { FLERO_MASTER_KEY: '', NODE_EXTRA_CA_CERTS: cert } }),
    ]);
  });
  after(async () => {
    await Promise.all([srv?.stop(), trusting?.stop()]);
    await plain?.close();
    await new Promise((resolve) => (tls ? tls.close(resolve) : resolve(undefined)));
    dir?.remove();
  });

  /** Creates a custom bearer credential with these hosts on `server` and runs its test. */
  async function testWith(server: RunningServer, hosts: string[]) {
    const id = `c_${randomBytes(4).toString('hex')}`;
    const created = await api(server.url, 'POST', '/api/credentials', {
      key: server.ownerKey!,
      body: { id, name: id, service: 'custom', authType: 'bearer', value: SECRET, hosts },
    });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.hosts, hosts);
    const r = await api(server.url, 'POST', `/api/credentials/${id}/test`, { key: server.ownerKey! });
    assert.equal(r.status, 200, r.text);
    assert.ok(!r.text.includes(SECRET), 'the value is never echoed');
    return r.body as { ok: boolean; status: number; detail: string };
  }

  it('an http:// host is tested over plain HTTP', async () => {
    const before = plain.requests.length;
    const r = await testWith(srv, [`http://${plain.host}`]);
    assert.deepEqual(r, { ok: true, status: 200, detail: 'the service accepted the key (HTTP 200)' });
    assert.equal(plain.requests.length, before + 1);
    assert.equal(plain.requests.at(-1)!.headers.authorization, `Bearer ${SECRET}`);
  });

  it('a bare host still means https: against a plain-HTTP port the detail says to write http://', async () => {
    const before = plain.requests.length;
    const r = await testWith(srv, [plain.host]);
    assert.equal(r.ok, false);
    assert.equal(r.status, 0);
    assert.match(r.detail, /speaks plain HTTP/);
    assert.ok(r.detail.includes(`http://${plain.host}`), r.detail);
    assert.equal(plain.requests.length, before, 'nothing was answered over plain HTTP');
  });

  it('an https:// host against a self-signed certificate: the detail says so', async () => {
    const r = await testWith(srv, [`https://127.0.0.1:${tlsPort}`]);
    assert.equal(r.ok, false);
    assert.equal(r.status, 0);
    assert.match(r.detail, /TLS certificate is self-signed/);
    assert.match(r.detail, /NODE_EXTRA_CA_CERTS/);
    assert.equal(tlsSeen.length, 0, 'no request reached the server');
  });

  it('a trusted certificate: https://localhost passes, https://127.0.0.1 is a host-name mismatch', async () => {
    const ok = await testWith(trusting, [`https://localhost:${tlsPort}`]);
    assert.deepEqual(ok, { ok: true, status: 200, detail: 'the service accepted the key (HTTP 200)' });
    assert.equal(tlsSeen.at(-1), `Bearer ${SECRET}`);
    const n = tlsSeen.length;
    const bad = await testWith(trusting, [`https://127.0.0.1:${tlsPort}`]);
    assert.equal(bad.ok, false);
    assert.match(bad.detail, /certificate is not valid for 127\.0\.0\.1/);
    assert.equal(tlsSeen.length, n);
  });

  it('http:// to a TLS port, refused and unresolvable hosts are explained in words', async () => {
    const wrong = await testWith(srv, [`http://127.0.0.1:${tlsPort}`]);
    assert.equal(wrong.ok, false);
    assert.equal(wrong.status, 0);
    assert.match(wrong.detail, /closed the connection/);
    assert.ok(wrong.detail.includes(`https://127.0.0.1:${tlsPort}`), wrong.detail);
    const closed = await startUpstream();
    const gone = closed.host;
    await closed.close();
    const refused = await testWith(srv, [`http://${gone}`]);
    assert.equal(refused.ok, false);
    assert.match(refused.detail, /connection refused/);
    const unknown = await testWith(srv, ['https://no-such-host.invalid']);
    assert.equal(unknown.ok, false);
    assert.match(unknown.detail, /could not be resolved/);
  });

  it('hosts with other schemes or a path are refused with a message naming the accepted forms', async () => {
    for (const h of ['ftp://example.com', 'https://example.com/path', 'https://']) {
      const r = await api(srv.url, 'POST', '/api/credentials', {
        key: srv.ownerKey!,
        body: { name: 'x', service: 'custom', authType: 'bearer', value: SECRET, hosts: [h] },
      });
      assert.equal(r.status, 400, h);
      assert.match(r.text, /http:\/\/ or https:\/\//);
      assert.ok(!r.text.includes(SECRET));
    }
  });
});
