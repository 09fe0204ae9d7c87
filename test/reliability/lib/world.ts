// Sets up a real server for the reliability suites: built server on a fresh embedded store, a local upstream for
// http nodes, keys with random scopes, a workflow and a credential carrying a canary value.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { call, expectStatus } from '../../../bench/lib/http';
import { type FleroServer, startServer } from '../../../bench/lib/server';
import { SCOPES, type Scope } from '../../../server/src/core/scopes';

export interface Upstream {
  host: string;
  url: string;
  close(): Promise<void>;
}

/** A local HTTP upstream on 127.0.0.1 answering every request with small JSON. */
export async function startUpstream(): Promise<Upstream> {
  const server: Server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const BASE_WORKFLOW = (id: string) => ({
  id,
  name: `reliability ${id}`,
  nodes: [
    { id: 'start', type: 'trigger' },
    { id: 'calc', type: 'code', code: 'return { n: 1 };' },
  ],
  connections: [{ from: 'start', to: 'calc' }],
});

export async function createKey(
  server: FleroServer,
  ownerKey: string,
  body: { name: string; scopes: Scope[]; workflows: 'all' | string[]; expiresAt?: string },
): Promise<{ id: string; key: string }> {
  const r = await expectStatus(201, server.url, 'POST', '/api/api-keys', { key: ownerKey, body });
  const j = r.json() as { id: string; key: string };
  return { id: j.id, key: j.key };
}

/** Random scope subsets from a seeded generator (so a failing run can be replayed). */
export function seededScopes(seed: number, count: number): Scope[][] {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return Array.from({ length: count }, () => SCOPES.filter(() => next() % 2 === 0));
}

/** Whether the credentials routes are implemented on this server (they may land after the key routes). */
export async function hasCredentialsRoutes(server: FleroServer, ownerKey: string): Promise<boolean> {
  const r = await call(server.url, 'GET', '/api/credentials', { key: ownerKey });
  return r.status === 200;
}

export { startServer };
