// Opens the store the CLI options ask for: PostgreSQL with --database-url, else PGlite under the locked --data dir.
// Migrations run on open (on an embedded store made from the shipped seed they are already applied: pglite.ts). Used by `flero serve` and `flero keys`.
import { resolve } from 'node:path';
import type { Db } from './db';
import { type DataDirLock, lockDataDir } from './lock';
import { migrate } from './migrations';
import { openPgliteStore } from './pglite';
import { openPostgres } from './postgres';

export interface OpenedStore {
  db: Db;
  /** Absolute data dir (embedded store) — others keep files beside it (e.g. the master key). */
  dataDir: string | undefined;
  close(): Promise<void>;
}

export async function openStore(
  opts: { dataDir?: string; databaseUrl?: string },
  log: { logTiming?: boolean } = {},
): Promise<OpenedStore> {
  if (opts.databaseUrl) {
    const db = await openPostgres(opts.databaseUrl);
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      throw err;
    }
    return { db, dataDir: undefined, close: () => db.close() };
  }
  const dataDir = resolve(opts.dataDir ?? '.flero');
  const lock: DataDirLock = lockDataDir(dataDir); // throws DataDirLockedError before touching anything
  let db: Db | undefined;
  try {
    const t0 = performance.now();
    const opened = await openPgliteStore(dataDir, { warn: (msg) => process.stderr.write(`flero: ${msg}\n`) });
    db = opened.db;
    const t1 = performance.now();
    await migrate(db);
    // The seed's migrations were applied at build time: the store records them as applied when it was made.
    if (opened.origin === 'seed') await db.query('UPDATE flero_migrations SET applied_at = now()');
    if (log.logTiming)
      process.stderr.write(
        `flero: store ${opened.origin}${opened.origin === 'seed' ? ` (seed unpacked in ${Math.round(opened.unpackMs)} ms, beside PGlite's start)` : ''}, ` +
          `PGlite open ${Math.round(t1 - t0)} ms, migrations ${Math.round(performance.now() - t1)} ms\n`,
      );
  } catch (err) {
    await db?.close().catch(() => {});
    lock.release();
    throw err;
  }
  const opened = db;
  return {
    db: opened,
    dataDir,
    async close() {
      try {
        await opened.close();
      } finally {
        lock.release();
      }
    },
  };
}
