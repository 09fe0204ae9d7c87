// Embedded store: PGlite (PostgreSQL compiled to WASM) in `<data>/pgdata`, opened only under the data-dir lock.
// An empty data dir gets the seed shipped beside the bundle (seed.ts: initdb and every migration done at build
// time); without one (running from source) or with one built for other migrations, PGlite runs initdb itself.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import type { Db, Queryable, SqlValue } from './db';
import { hasDataDir, SEED_TARBALL, StaleSeedError, unpackSeed } from './seed';

export { SEED_TARBALL };

/**
 * PostgreSQL's buffer pool: 32 MB instead of the 128 MB initdb writes into postgresql.conf. Every start initialises
 * the whole pool inside the WASM memory (the largest single frame of PGlite's start: 74 ms of a 430 ms open in one
 * profile, 12 ms with 16 MB; more on a busy machine) and the process keeps it resident (about 130 MB less RSS). A
 * page not in the pool is read from the data dir through the operating system's cache; the store's tables are small.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];

/**
 * PGlite.create with PGlite's WASM compiled by V8's baseline compiler (Liftoff) alone. With V8's default tiering
 * (Node 20) the first queries after a start pay for optimising compiles competing for the cores: in one interleaved
 * run on 2 cores, 800 queries right after an open took 578-637 ms against 209-296 ms Liftoff-only, the open itself
 * 323-328 against 275-320 ms, and warmed up the Liftoff code was within about 10 % (200-240 against 195-205 ms per 800).
 * The flag is set for this compile only (set back after; modules compiled later, e.g. the code nodes' QuickJS, tier
 * up as usual). `setFlagsFromString` is Node's public API to V8 flags; V8 has this flag in Node 20 (11.3) and
 * Node 24 (13.6).
 */
async function createPglite(options: PGliteOptions): Promise<PGlite> {
  setFlagsFromString('--liftoff-only');
  try {
    return await PGlite.create(options);
  } finally {
    setFlagsFromString('--no-liftoff-only');
  }
}

/** The seed beside this module (in dist/, beside the bundle that contains it), if there is one. */
export function shippedSeedPath(): string | undefined {
  try {
    const path = fileURLToPath(new URL(`./${SEED_TARBALL}`, import.meta.url));
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

export interface OpenedPglite {
  db: Db;
  /** How the data dir came to be: it was there, unpacked from the seed now, or made by initdb now. */
  origin: 'existing' | 'seed' | 'initdb';
  /** Milliseconds from starting to unpack the seed to its last file written (0 unless origin is 'seed'; it overlaps
   * PGlite's own start-up). */
  unpackMs: number;
}

/**
 * Opens (creating on first start) the PGlite store under `dataDir`. `seedFile`: the seed to unpack into an empty
 * data dir (default: the shipped one; null: none, initdb). A seed built for other migrations is not used: `warn` says
 * why and PGlite runs initdb (slow, but the migrations then make the same schema).
 */
export async function openPgliteStore(
  dataDir: string,
  opts: { seedFile?: string | null; warn?: (msg: string) => void } = {},
): Promise<OpenedPglite> {
  const pgdata = join(dataDir, 'pgdata');
  if (hasDataDir(pgdata))
    return {
      db: wrapPglite(await createPglite({ dataDir: pgdata, startParams: START_PARAMS })),
      origin: 'existing',
      unpackMs: 0,
    };
  const seed = opts.seedFile === undefined ? shippedSeedPath() : (opts.seedFile ?? undefined);
  if (!seed)
    return {
      db: wrapPglite(await createPglite({ dataDir: pgdata, startParams: START_PARAMS })),
      origin: 'initdb',
      unpackMs: 0,
    };
  // The unpack (thread pool) runs while PGlite compiles its WASM and loads its files (main thread); PGlite looks at
  // the data dir only after the file system's initialSyncFs, which waits for the unpack. A stale seed unpacks
  // nothing: PGlite then finds no PG_VERSION and runs initdb, as without a seed.
  mkdirSync(pgdata, { recursive: true, mode: 0o700 }); // before NodeFS, which makes only the last level
  const t0 = performance.now();
  let unpackMs = 0;
  const unpacked = unpackSeed(seed, pgdata).then(
    () => {
      unpackMs = performance.now() - t0;
      return true;
    },
    (e: unknown) => {
      if (!(e instanceof StaleSeedError)) throw e;
      opts.warn?.(`${e.message}; running initdb instead (slower)`);
      return false;
    },
  );
  unpacked.catch(() => {}); // awaited below; this only keeps an early PGlite failure from leaving it unhandled
  const pg = await createPglite({ fs: new SeedFS(pgdata, unpacked), startParams: START_PARAMS });
  return { db: wrapPglite(pg), origin: (await unpacked) ? 'seed' : 'initdb', unpackMs };
}

/** PGlite's Node file system over `pgdata`, ready once the seed is unpacked into it. */
class SeedFS extends NodeFS {
  constructor(
    pgdata: string,
    private readonly unpacked: Promise<unknown>,
  ) {
    super(pgdata);
  }
  override async initialSyncFs(): Promise<void> {
    await this.unpacked;
    await super.initialSyncFs();
  }
}

/** openPgliteStore's store alone. */
export async function openPglite(dataDir: string, opts: { seedFile?: string | null } = {}): Promise<Db> {
  return (await openPgliteStore(dataDir, opts)).db;
}

/** Our Db interface over a PGlite instance. */
export function wrapPglite(pg: PGlite): Db {
  const q: Queryable = {
    async query<T>(sql: string, params?: SqlValue[]) {
      const res = await pg.query<T>(sql, params);
      return res.rows;
    },
  };
  return {
    kind: 'embedded',
    query: q.query,
    async exec(sql) {
      await pg.exec(sql);
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return pg.transaction(async (tx) =>
        fn({
          async query<R>(sql: string, params?: SqlValue[]) {
            return (await tx.query<R>(sql, params)).rows;
          },
        }),
      );
    },
    async close() {
      await pg.close();
    },
  };
}
