// A real, throw-away PostgreSQL cluster for tests: initdb in a temp dir, `postgres` on 127.0.0.1 and a free port,
// trust auth for the `flero` superuser. Uses the Debian binaries in /usr/lib/postgresql/<ver>/bin (or PG_BIN).
// As root (CI containers) the cluster runs as the `postgres` system user, since PostgreSQL refuses to run as root.
//
//   const pg = await startPostgres();   // { url: 'postgres://flero@127.0.0.1:PORT/flero', stop() }
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tmpDir } from './tmp';

export interface RunningPostgres {
  /** postgres://flero@127.0.0.1:PORT/flero */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN && existsSync(join(process.env.PG_BIN, 'initdb'))) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : undefined;
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresUnavailable(): string | undefined {
  return postgresBinDir() ? undefined : 'PostgreSQL binaries not found (apt-get install postgresql, or set PG_BIN)';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function systemUser(name: string): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(): Promise<RunningPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(postgresUnavailable());
  const dir = tmpDir('flero-pg');
  const data = join(dir.path, 'data');
  const asUser = process.getuid?.() === 0 ? systemUser('postgres') : undefined;
  if (process.getuid?.() === 0 && !asUser) throw new Error('running as root and no `postgres` system user exists');
  if (asUser) {
    chownSync(dir.path, asUser.uid, asUser.gid);
    chmodSync(dir.path, 0o700);
  }
  const ids = asUser ? { uid: asUser.uid, gid: asUser.gid } : {};
  try {
    execFileSync(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'flero', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
      { stdio: 'pipe', ...ids },
    );
  } catch (err) {
    dir.remove();
    const e = err as { stderr?: Buffer };
    throw new Error(`initdb failed: ${e.stderr?.toString() ?? String(err)}`);
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    join(bin, 'postgres'),
    [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir.path,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=50',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], ...ids },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT'); // fast shutdown
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    dir.remove();
  };
  const ready = await new Promise<boolean>((resolve) => {
    const deadline = Date.now() + 30_000;
    const poll = () => {
      if (/ready to accept connections/.test(out)) return resolve(true);
      if (child.exitCode !== null || Date.now() > deadline) return resolve(false);
      setTimeout(poll, 50);
    };
    poll();
  });
  if (!ready) {
    await stop();
    throw new Error(`postgres did not start:\n${out}`);
  }
  // initdb created the `postgres` maintenance db only; make ours.
  try {
    execFileSync(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'flero', 'flero'], {
      stdio: 'pipe',
    });
  } catch (err) {
    await stop();
    const e = err as { stderr?: Buffer };
    throw new Error(`createdb failed: ${e.stderr?.toString() ?? String(err)}`);
  }
  return { url: `postgres://flero@127.0.0.1:${port}/flero`, port, stop };
}
