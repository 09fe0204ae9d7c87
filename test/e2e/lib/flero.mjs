// The real Flero API server, built from this checkout: `node dist/flero.mjs serve --port 0` on 127.0.0.1.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil, startDetached } from './proc.mjs';

const LISTENING = /Flero API listening on (http:\/\/[^\s]+)/;

/**
 * @param {{ root: string, dataDir: string, ownerKeyFile: string, logFile: string, env?: Record<string, string> }} o
 */
export async function startFlero({ root, dataDir, ownerKeyFile, logFile, env }) {
  const cli = join(root, 'dist', 'flero.mjs');
  if (!existsSync(cli)) throw new Error(`${cli} is missing (the build step should have made it)`);
  const proc = startDetached(
    'flero-serve',
    process.execPath,
    [cli, 'serve', '--host', '127.0.0.1', '--port', '0', '--data', dataDir, '--owner-key-file', ownerKeyFile],
    { env: { ...process.env, ...env }, cwd: root, logFile },
  );
  const url = await pollUntil(
    `"Flero API listening on" in ${logFile}`,
    async () => {
      if ((await Promise.race([proc.exited, Promise.resolve('running')])) !== 'running') {
        throw new Error(`flero serve exited before listening:\n${proc.tail(30)}`);
      }
      return LISTENING.exec(proc.log())?.[1];
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  const ownerKey = existsSync(ownerKeyFile) ? readFileSync(ownerKeyFile, 'utf8').trim() : undefined;
  if (!ownerKey) throw new Error(`flero serve did not write its owner key to ${ownerKeyFile}`);
  return { proc, url, ownerKey };
}

/** Status of a request with a bearer key (e.g. 200, 401). */
export async function statusWithKey(base, path, key) {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${key}` } });
  await res.arrayBuffer();
  return res.status;
}
