// Baseline servers: the leanest thing that could answer the same request, in its own process like ours.
import { type ChildProcess, spawn } from 'node:child_process';

export interface BareServer {
  url: string;
  pid: number;
  readyMs: number;
  stop(): Promise<void>;
}

/**
 * A bare `node:http` server in a child process returning exactly `body` with `contentType` for every request
 * (the throughput baseline). With no body it answers 204 (the start-up baseline).
 */
export async function startBareServer(body?: Buffer, contentType = 'application/json'): Promise<BareServer> {
  const source = `
    const http = require('node:http');
    const body = process.env.BARE_BODY ? Buffer.from(process.env.BARE_BODY, 'base64') : undefined;
    const type = process.env.BARE_TYPE;
    const server = http.createServer((req, res) => {
      req.resume();
      if (!body) { res.writeHead(204); res.end(); return; }
      res.writeHead(200, { 'content-type': type, 'content-length': body.length });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
    process.on('SIGTERM', () => server.close(() => process.exit(0)));
  `;
  const started = process.hrtime.bigint();
  const child: ChildProcess = spawn(process.execPath, ['-e', source], {
    env: { ...process.env, BARE_BODY: body?.toString('base64') ?? '', BARE_TYPE: contentType },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('bare server did not start')), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then(() => reject(new Error('bare server exited')));
  });
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    url,
    pid: child.pid!,
    readyMs,
    async stop() {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}
