// The embedded store made from the shipped seed is the store initdb + every migration makes: the same tables,
// columns, indexes and constraints, every migration recorded. A seed for
// other migrations is not used: PGlite runs initdb and the migrations make the same schema, with a warning.
// Build first (`node esbuild.mjs`): the seed is dist/pglite-seed.tar.gz.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../server/src/api/store/db';
import { MIGRATIONS, migrate, schemaVersion } from '../../server/src/api/store/migrations';
import { openPgliteStore } from '../../server/src/api/store/pglite';
import { currentManifest, packSeed, readSeed, SEED_TARBALL } from '../../server/src/api/store/seed';
import { tmpDir } from '../helpers/tmp';

const SHIPPED = fileURLToPath(new URL(`../../dist/${SEED_TARBALL}`, import.meta.url));
const dir = tmpDir('flero-store-seed');
after(() => dir.remove());

async function schema(db: Db): Promise<string[]> {
  const cols = await db.query<{ t: string }>(
    `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' ||
       coalesce(column_default, '') AS t
     FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const idx = await db.query<{ t: string }>(
    `SELECT indexdef AS t FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`,
  );
  const cons = await db.query<{ t: string }>(
    `SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS t
     FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY conrelid::regclass::text, conname`,
  );
  return [...cols, ...idx, ...cons].map((r) => r.t);
}

/** The shipped seed re-packed as if built for one migration fewer than this build has. */
async function staleSeed(): Promise<string> {
  const { entries } = await readSeed(readFileSync(SHIPPED));
  const src = join(dir.path, 'stale-src');
  mkdirSync(src, { recursive: true });
  for (const e of entries) {
    if (e.dir) mkdirSync(join(src, e.name), { recursive: true });
    else writeFileSync(join(src, e.name), e.data);
  }
  const file = join(dir.path, 'stale.tar.gz');
  writeFileSync(file, packSeed(src, currentManifest(MIGRATIONS.slice(0, -1))));
  return file;
}

test('a store from the shipped seed has the schema initdb + migrations make; a stale seed is not used', async () => {
  assert.ok(existsSync(SHIPPED), `${SHIPPED} is missing: run \`node esbuild.mjs\``);
  const seeded = await openPgliteStore(join(dir.path, 'seeded'), { seedFile: SHIPPED });
  const warnings: string[] = [];
  const fallback = await openPgliteStore(join(dir.path, 'fallback'), {
    seedFile: await staleSeed(),
    warn: (m) => warnings.push(m),
  });
  try {
    assert.equal(seeded.origin, 'seed');
    const [pool] = await seeded.db.query<{ shared_buffers: string }>('SHOW shared_buffers');
    assert.equal(pool?.shared_buffers, '32MB', 'the buffer pool pglite.ts asks for, not initdb’s 128MB');
    assert.deepEqual(await migrate(seeded.db), [], 'the seed has every migration applied');
    assert.equal(await schemaVersion(seeded.db), MIGRATIONS.at(-1)!.version);

    assert.equal(fallback.origin, 'initdb');
    assert.match(warnings.join('\n'), /built for other migrations.*running initdb/);
    assert.deepEqual(
      await migrate(fallback.db),
      MIGRATIONS.map((m) => m.version),
      'initdb made an empty store',
    );
    assert.deepEqual(await schema(seeded.db), await schema(fallback.db));
    assert.ok((await schema(seeded.db)).length > 20);
  } finally {
    await seeded.db.close();
    await fallback.db.close();
  }
  // Reopened: an existing store, nothing to migrate.
  const again = await openPgliteStore(join(dir.path, 'seeded'), { seedFile: SHIPPED });
  try {
    assert.equal(again.origin, 'existing');
    assert.deepEqual(await migrate(again.db), []);
  } finally {
    await again.db.close();
  }
});
