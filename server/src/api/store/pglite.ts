// Embedded store: PGlite (PostgreSQL compiled to WASM) in `<data>/pgdata`, opened only under the data-dir lock.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, SqlValue } from './db';

/** A tarball of a freshly initialised PGlite data dir, made at build time beside the bundle (skips initdb). */
export const SEED_TARBALL = 'pglite-seed.tar.gz';

function seedBlob(): Blob | undefined {
  try {
    const path = fileURLToPath(new URL(`./${SEED_TARBALL}`, import.meta.url));
    if (!existsSync(path)) return undefined;
    return new Blob([readFileSync(path)]);
  } catch {
    return undefined;
  }
}

export async function openPglite(dataDir: string): Promise<Db> {
  const pgdata = join(dataDir, 'pgdata');
  const fresh = !existsSync(join(pgdata, 'PG_VERSION'));
  const seed = fresh ? seedBlob() : undefined;
  const pg = await PGlite.create(seed ? { dataDir: pgdata, loadDataDir: seed } : { dataDir: pgdata });
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
