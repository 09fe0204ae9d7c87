// A real local "external service" for the e2e run: node:http on 127.0.0.1, records every request it gets.
//   GET  /            the credential test call: 200 {"ok":true} when the expected secret arrives (X-API-Key header,
//                     Authorization: Bearer, or ?api_key=), else 401
//   GET  /forecast    workflow data: 200 {"temp":21,"echo":"<the secret it received>"} and the secret reflected in an
//                     `x-api-key` response header — lets the test prove the run masks a secret that comes back from a
//                     service, in logs and outputs
//   GET  /__e2e/authorized  {path: count} of requests that carried the secret (for the extension-host tests)
//   anything else     404
import { createServer } from 'node:http';

/**
 * @param {{ expectedSecret: string }} opts
 */
export async function startUpstream({ expectedSecret }) {
  /** @type {{ method: string, url: string, headers: Record<string, string | string[] | undefined>, at: number }[]} */
  const requests = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/__e2e/authorized') {
      // For the extension-host tests: how many requests carried the secret, per path (counts only, no values).
      const byPath = {};
      for (const r of authorized()) {
        const path = new URL(r.url, 'http://127.0.0.1').pathname;
        byPath[path] = (byPath[path] ?? 0) + 1;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(byPath));
    }
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, at: Date.now() });
    req.resume();
    const auth = String(req.headers.authorization ?? '');
    const received =
      String(req.headers['x-api-key'] ?? '') ||
      (auth.toLowerCase().startsWith('bearer ') ? auth.slice(7) : '') ||
      url.searchParams.get('api_key') ||
      '';
    const send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/') {
      return received === expectedSecret ? send(200, { ok: true }) : send(401, { ok: false });
    }
    if (url.pathname === '/forecast') {
      if (received !== expectedSecret) return send(401, { ok: false });
      // A careless service that reflects the key in a response header and the body.
      res.setHeader('x-api-key', received);
      return send(200, { temp: 21, city: url.searchParams.get('city') ?? null, echo: received });
    }
    send(404, { error: 'not found' });
  });
  const authorized = () =>
    requests.filter((r) => JSON.stringify(r.headers).includes(expectedSecret) || r.url.includes(expectedSecret));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    /** Requests that carried the expected secret (in any placement). */
    authorized,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve(undefined));
      }),
  };
}
