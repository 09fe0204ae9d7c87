// Minimal reproduction of what the route fuzzer found: when the server answers an error to a request that carried a
// body, the next request on the same keep-alive connection must be answered too — or the error response must say
// `connection: close`. Otherwise real clients (undici, browsers, autocannon) get ECONNRESET on a healthy request.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { scratchDir } from '../../bench/lib/paths';
import { type FleroServer, startServer } from '../../bench/lib/server';

/** Sends `first` (a complete request with a body), then GET /healthz on the same socket; returns what came back. */
function twoOnOneSocket(base: string, first: string): Promise<{ raw: string; closedEarly: boolean }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let raw = '';
    let sentSecond = false;
    let closedEarly = false;
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('data', (d: Buffer) => {
      raw += d.toString('latin1');
      if (!sentSecond && /\r\n\r\n/.test(raw)) {
        sentSecond = true;
        // Give the server a moment, as a client reusing a pooled connection would.
        setTimeout(() => {
          if (socket.destroyed) closedEarly = true;
          else socket.write(`GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
        }, 100);
      }
      if ((raw.match(/HTTP\/1\.1 \d{3}/g) ?? []).length >= 2) socket.end();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ raw, closedEarly: closedEarly || !sentSecond });
    });
    socket.write(first);
  });
}

describe('keep-alive after an error answer to a request with a body', () => {
  const scratch = scratchDir('rel-keepalive');
  let server: FleroServer;
  before(async () => {
    server = await startServer({ root: scratch.dir });
  });
  after(async () => {
    await server?.stop();
    scratch.cleanup();
  });

  const body = '{"name":"x"}';
  const cases: [string, string][] = [
    ['405 (POST /healthz)', 'POST /healthz'],
    ['404 (POST /nowhere)', 'POST /nowhere'],
    ['401 (POST /api/workflows without a key)', 'POST /api/workflows'],
  ];
  for (const [label, line] of cases) {
    it(`${label}: the next request on the connection is answered, or the answer said connection: close`, async () => {
      const first = `${line} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
      const { raw } = await twoOnOneSocket(server.url, first);
      const firstHead = raw.split('\r\n\r\n')[0] ?? '';
      assert.match(firstHead, /^HTTP\/1\.1 4\d\d /, `the first request got an error answer: ${firstHead.slice(0, 80)}`);
      const saidClose =
        /\r\nconnection: close\r?$/im.test(firstHead) || /\r\nconnection: close\r\n/i.test(`${firstHead}\r\n`);
      const answers = (raw.match(/HTTP\/1\.1 \d{3}/g) ?? []).length;
      assert.ok(
        saidClose || answers >= 2,
        `the server advertised keep-alive after "${firstHead.split('\r\n')[0]}" but did not answer the next request on that connection`,
      );
    });
  }
});
