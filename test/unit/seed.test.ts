// The first-start seed (server/src/api/store/seed.ts): the shipped one holds exactly the migrations of
// migrations.ts (a stale seed fails here: rebuild with `node esbuild.mjs`, which makes a new one when the migrations
// change), a seed for other migrations is refused, and unpacking is all-or-nothing as far as PG_VERSION says.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MIGRATIONS } from '../../server/src/api/store/migrations';
import {
  currentManifest,
  hasDataDir,
  migrationsHash,
  packSeed,
  readSeed,
  SEED_TARBALL,
  seedMismatch,
  StaleSeedError,
  unpackSeed,
} from '../../server/src/api/store/seed';
import { tmpDir } from '../helpers/tmp';

const SHIPPED = fileURLToPath(new URL(`../../dist/${SEED_TARBALL}`, import.meta.url));
const dir = tmpDir('flero-seed');
after(() => dir.remove());

test('the shipped seed holds exactly the migrations of migrations.ts (else: node esbuild.mjs)', async () => {
  assert.ok(existsSync(SHIPPED), `${SHIPPED} is missing: run \`node esbuild.mjs\``);
  const { manifest, entries } = await readSeed(readFileSync(SHIPPED));
  assert.equal(seedMismatch(manifest), undefined, `stale seed: ${seedMismatch(manifest)}`);
  assert.deepEqual(
    manifest?.versions,
    MIGRATIONS.map((m) => m.version),
  );
  assert.ok(entries.some((e) => e.name === 'PG_VERSION'));
  assert.ok(!entries.some((e) => e.name === 'postmaster.pid'), 'a data dir at rest has no postmaster.pid');
  assert.ok(
    entries.every((e) => (e.mode & 0o077) === 0),
    'seed files are the owner’s only',
  );
});

test('a seed for other migrations does not fit: one more, one fewer, an edited one', () => {
  const extra = [...MIGRATIONS, { version: 99, name: 'later', sql: 'SELECT 1' }];
  const edited = MIGRATIONS.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
  assert.equal(seedMismatch(currentManifest()), undefined);
  for (const other of [extra, MIGRATIONS.slice(0, -1), edited]) {
    assert.notEqual(migrationsHash(other), migrationsHash());
    assert.match(String(seedMismatch(currentManifest(other))), /other migrations/);
  }
  assert.match(String(seedMismatch(undefined)), /names no migrations/);
  assert.match(String(seedMismatch({ ...currentManifest(), format: 1 })), /format 1/);
});

function sampleDataDir(name: string): string {
  const src = join(dir.path, name);
  mkdirSync(join(src, 'base', '1'), { recursive: true });
  writeFileSync(join(src, 'PG_VERSION'), '17\n');
  writeFileSync(join(src, 'base', '1', '1259'), Buffer.alloc(20_000, 7));
  writeFileSync(join(src, 'base', '1', 'empty'), '');
  writeFileSync(join(src, 'postmaster.pid'), '42\n');
  return src;
}

test('pack and unpack: the same files, owner-only, without postmaster.pid; the same dir packs to the same bytes', async () => {
  const src = sampleDataDir('src');
  const gz = packSeed(src, currentManifest());
  assert.deepEqual(packSeed(src, currentManifest()), gz);
  const file = join(dir.path, 'seed.tar.gz');
  writeFileSync(file, gz);
  const out = join(dir.path, 'out', 'pgdata');
  assert.equal(hasDataDir(out), false);
  await unpackSeed(file, out);
  assert.equal(hasDataDir(out), true);
  assert.deepEqual(readdirSync(out).sort(), ['PG_VERSION', 'base']);
  assert.deepEqual(readFileSync(join(out, 'base', '1', '1259')), Buffer.alloc(20_000, 7));
  assert.equal(readFileSync(join(out, 'base', '1', 'empty')).length, 0);
  assert.equal(statSync(join(out, 'base', '1', '1259')).mode & 0o777, 0o600);
  assert.equal(statSync(join(out, 'base')).mode & 0o777, 0o700);
  // An interrupted unpack (no PG_VERSION yet) is done again over what it left.
  const again = join(dir.path, 'again', 'pgdata');
  mkdirSync(join(again, 'base', '1'), { recursive: true });
  writeFileSync(join(again, 'base', '1', '1259'), 'half');
  assert.equal(hasDataDir(again), false);
  await unpackSeed(file, again);
  assert.deepEqual(readFileSync(join(again, 'base', '1', '1259')), Buffer.alloc(20_000, 7));
});

test('a stale seed is refused before anything is written', async () => {
  const src = sampleDataDir('stale-src');
  const file = join(dir.path, 'stale.tar.gz');
  writeFileSync(file, packSeed(src, currentManifest(MIGRATIONS.slice(0, -1))));
  const out = join(dir.path, 'stale-out', 'pgdata');
  await assert.rejects(unpackSeed(file, out), StaleSeedError);
  assert.equal(existsSync(out), false);
});
