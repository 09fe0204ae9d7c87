// Build time only (esbuild.mjs bundles and runs it; no program imports it): makes the first-start seed. PGlite runs
// initdb into a scratch dir on disk, every migration is applied, PGlite shuts down cleanly (a checkpoint, so a store
// unpacked from the seed opens without recovery), and the dir is packed (seed.ts). Inputs: the PGlite version and
// MIGRATIONS; esbuild.mjs caches the result under both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS, migrate } from './migrations';
import { wrapPglite } from './pglite';
import { currentManifest, migrationsHash, packSeed } from './seed';

export { migrationsHash };

export async function buildSeed(): Promise<Buffer> {
  const scratch = mkdtempSync(join(tmpdir(), 'flero-seed-'));
  try {
    const pgdata = join(scratch, 'pgdata');
    const db = wrapPglite(await PGlite.create({ dataDir: pgdata }));
    try {
      await migrate(db, MIGRATIONS);
    } finally {
      await db.close();
    }
    return packSeed(pgdata, currentManifest(MIGRATIONS));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
