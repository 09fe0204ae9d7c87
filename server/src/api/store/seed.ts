// The embedded store's first-start seed: a PGlite data dir made at build time (initdb, every migration applied, then
// a clean shutdown), packed as a gzipped ustar archive, dist/pglite-seed.tar.gz. Its first entry, `flero-seed.json`,
// names the migrations it holds (a hash of MIGRATIONS); the rest is the data dir. A first start on an empty --data
// unpacks it with Node's own zlib and fs (not through PGlite's in-WASM tar reader and file system, which took most of
// a first start) and then opens it like any existing store. A seed built for other migrations is never used.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzipSync } from 'node:zlib';
import { type Migration, MIGRATIONS } from './migrations';

/** The seed's file name beside the bundle (esbuild.mjs writes it; .vscodeignore and .npmignore ship it). */
export const SEED_TARBALL = 'pglite-seed.tar.gz';
const MANIFEST = 'flero-seed.json';
const gunzipAsync = promisify(gunzip);
/** Bumped when the seed's packing or contents change in a way the hash of the migrations does not show. */
const SEED_FORMAT = 2;
/** Files of a running server that a data dir at rest does not need (Postgres writes them again on start). */
const SKIP = new Set(['postmaster.pid', 'postmaster.opts']);

export interface SeedManifest {
  format: number;
  /** sha256 of the migrations the seed has applied (migrationsHash). */
  migrations: string;
  /** Their versions, for people reading the archive (`tar xzOf dist/pglite-seed.tar.gz flero-seed.json`). */
  versions: number[];
}

/** sha256 over every migration's version, name and SQL: a seed holds exactly the migrations with this hash. */
export function migrationsHash(migrations: Migration[] = MIGRATIONS): string {
  const h = createHash('sha256');
  for (const m of [...migrations].sort((a, b) => a.version - b.version))
    h.update(JSON.stringify([m.version, m.name, m.sql]));
  return h.digest('hex');
}

export function currentManifest(migrations: Migration[] = MIGRATIONS): SeedManifest {
  return { format: SEED_FORMAT, migrations: migrationsHash(migrations), versions: migrations.map((m) => m.version) };
}

interface Entry {
  name: string;
  dir: boolean;
  mode: number;
  data: Uint8Array;
}

function header(e: Entry): Buffer {
  const h = Buffer.alloc(512);
  if (Buffer.byteLength(e.name) > 99) throw new Error(`seed: path too long for the archive: ${e.name}`);
  const octal = (v: number, len: number, at: number) => h.write(`${v.toString(8).padStart(len - 1, '0')}\0`, at);
  h.write(e.name, 0);
  octal(e.mode & 0o7777, 8, 100);
  octal(0, 8, 108); // uid
  octal(0, 8, 116); // gid
  octal(e.data.length, 12, 124);
  octal(0, 12, 136); // mtime: 0, so the same data dir packs to the same bytes
  h.write('        ', 148); // checksum placeholder
  h.write(e.dir ? '5' : '0', 156);
  h.write('ustar\0' + '00', 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/**
 * A gzipped ustar archive: the manifest, then `dir`'s entries in sorted order (directories before their files), owner
 * only (0700, 0600: a store's files are nobody else's), mtime 0.
 */
export function packSeed(dir: string, manifest: SeedManifest): Buffer {
  const entries: Entry[] = [
    { name: MANIFEST, dir: false, mode: 0o644, data: Buffer.from(`${JSON.stringify(manifest)}\n`) },
  ];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (!rel && SKIP.has(name)) continue;
      const st = statSync(join(dir, r));
      if (st.isDirectory()) {
        entries.push({ name: `${r}/`, dir: true, mode: 0o700, data: Buffer.alloc(0) });
        walk(r);
      } else if (st.isFile()) entries.push({ name: r, dir: false, mode: 0o600, data: readFileSync(join(dir, r)) });
    }
  };
  walk('');
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    parts.push(header(e), e.data);
    const pad = (512 - (e.data.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}

function readEntries(tar: Buffer): Entry[] {
  const out: Entry[] = [];
  let off = 0;
  while (off + 512 <= tar.length) {
    const h = tar.subarray(off, off + 512);
    if (h[0] === 0) break;
    const field = (at: number, len: number) =>
      h
        .subarray(at, at + len)
        .toString('latin1')
        .replace(/\0.*$/s, '')
        .trim();
    const size = Number.parseInt(field(124, 12) || '0', 8);
    const name = field(0, 100);
    const type = field(156, 1) || '0';
    if (!Number.isFinite(size) || off + 512 + size > tar.length || name.includes('..') || name.startsWith('/'))
      throw new Error(`seed: damaged archive at byte ${off}`);
    if (type === '0' || type === '5')
      out.push({
        name: name.replace(/\/$/, ''),
        dir: type === '5',
        mode: Number.parseInt(field(100, 8), 8),
        data: tar.subarray(off + 512, off + 512 + size),
      });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** The manifest and data-dir entries of a seed archive (gunzipped on libuv's thread pool, beside the main thread). */
export async function readSeed(gz: Buffer): Promise<{ manifest: SeedManifest | undefined; entries: Entry[] }> {
  // One output chunk the size the gzip trailer gives (ISIZE, the length mod 2^32): no concatenation of 16 KiB
  // chunks afterwards, one callback instead of thousands.
  const size = gz.length >= 4 ? gz.readUInt32LE(gz.length - 4) : 0;
  const entries = readEntries(await gunzipAsync(gz, { chunkSize: Math.max(64 * 1024, size + 1) }));
  const first = entries[0];
  if (first?.name !== MANIFEST) return { manifest: undefined, entries };
  return { manifest: JSON.parse(Buffer.from(first.data).toString('utf8')) as SeedManifest, entries: entries.slice(1) };
}

/** Why a seed cannot be used for a store of these migrations, or undefined if it can. */
export function seedMismatch(manifest: SeedManifest | undefined, migrations: Migration[] = MIGRATIONS) {
  if (!manifest) return 'it names no migrations';
  if (manifest.format !== SEED_FORMAT) return `it is format ${manifest.format}, this build reads ${SEED_FORMAT}`;
  if (manifest.migrations !== migrationsHash(migrations))
    return `it was built for other migrations (${manifest.versions.join(', ')}) than this build's (${migrations.map((m) => m.version).join(', ')})`;
  return undefined;
}

/**
 * Unpacks the seed into `pgdata` (created if missing; an earlier interrupted unpack is overwritten). PG_VERSION,
 * the file PGlite and we take for "a data dir is here", is written last, so a process killed mid-way leaves a dir
 * the next start unpacks again. Nothing is fsynced: the embedded store runs without fsync (docs/durability.md), and
 * a killed process loses nothing it wrote. Rejects with StaleSeedError, touching nothing, on a seed that does not
 * match `migrations`. The reads, the gunzip and the writes run on libuv's thread pool (pglite.ts overlaps them with
 * PGlite's own start-up).
 */
export async function unpackSeed(seedFile: string, pgdata: string, migrations: Migration[] = MIGRATIONS) {
  const { manifest, entries } = await readSeed(await readFile(seedFile));
  const why = seedMismatch(manifest, migrations);
  if (why) throw new StaleSeedError(why);
  const version = entries.find((e) => e.name === 'PG_VERSION');
  if (!version) throw new Error('seed: no PG_VERSION in the archive');
  mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  const files: Entry[] = [];
  for (const e of entries) {
    if (e.dir) mkdirSync(join(pgdata, e.name), { recursive: true, mode: e.mode & 0o777 });
    else if (e !== version) files.push(e);
  }
  const write = (e: Entry) => writeFile(join(pgdata, e.name), e.data, { mode: e.mode & 0o777 });
  for (let i = 0; i < files.length; i += WRITE_BATCH) await Promise.all(files.slice(i, i + WRITE_BATCH).map(write));
  await write(version);
}
/** Files written at once: enough to keep the thread pool busy, few enough not to hold many descriptors. */
const WRITE_BATCH = 16;

export class StaleSeedError extends Error {
  constructor(why: string) {
    super(`the shipped seed does not fit this build: ${why}`);
    this.name = 'StaleSeedError';
  }
}

/** True if `pgdata` holds a data dir (or one being unpacked finished). */
export function hasDataDir(pgdata: string): boolean {
  return existsSync(join(pgdata, 'PG_VERSION'));
}
