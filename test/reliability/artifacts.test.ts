// Canary sweep of what we ship and what we commit: no Flero API key with a valid checksum in the built bundles, in
// any .vsix (every entry, decompressed), or anywhere in the source tree except the language server's test vectors
// under test/fixtures (documents that deliberately contain a key for the `hardcoded-secret` check).
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DIST, REPO_ROOT } from '../../bench/lib/paths';
import { generateKey } from '../../server/src/core/keys';
import { tmpDir } from '../helpers/tmp';
import { describeHits, scanString, sweep } from './canary';
import { readZip } from './lib/zip';

function vsixFiles(): string[] {
  const places = [REPO_ROOT, join(REPO_ROOT, 'test/e2e/.cache')];
  return places.flatMap((dir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.vsix'))
          .map((f) => join(dir, f))
      : [],
  );
}

/** A minimal zip writer (deflate), only to prove the .vsix sweep reads inside compressed entries. */
function writeZip(path: string, entries: { name: string; data: Buffer }[]): void {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const comp = deflateRawSync(e.data);
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(comp.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(comp.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, comp);
    centrals.push(central, name);
    offset += 30 + name.length + comp.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(path, Buffer.concat([...locals, cd, end]));
}

function sweepZip(path: string): string[] {
  return readZip(path)
    .flatMap((e) => scanString(e.data.toString('latin1'), { canaries: {} }, `${path}!${e.name}`))
    .map((h) => `${h.canary} in ${h.where}`);
}

describe('shipped and committed artifacts', () => {
  it('the built bundles in dist/ contain no Flero API key', () => {
    assert.ok(existsSync(DIST), 'build first: node esbuild.mjs');
    const hits = sweep([DIST], { canaries: {} });
    assert.equal(hits.length, 0, describeHits(hits));
  });

  it('no .vsix contains a Flero API key in any entry (and the zip sweep does find one when present)', () => {
    const dir = tmpDir('flero-zip');
    try {
      const planted = join(dir.path, 'planted.vsix');
      writeZip(planted, [
        { name: 'extension/readme.md', data: Buffer.from('hello') },
        { name: 'extension/dist/x.js', data: Buffer.from(`const k = "${generateKey()}";`) },
      ]);
      assert.equal(sweepZip(planted).length, 1, 'the sweep must find a key inside a deflated entry');
    } finally {
      dir.remove();
    }
    const found = vsixFiles().flatMap(sweepZip);
    assert.deepEqual(found, []);
  });

  it('the source tree holds no Flero API key outside the language server’s test vectors', () => {
    const roots = ['client', 'server', 'bench', 'syntaxes', 'test', 'README.md', 'package.json', 'esbuild.mjs']
      .map((p) => join(REPO_ROOT, p))
      .filter(existsSync);
    const hits = sweep(roots, {
      canaries: {},
      skip: (p) => p.startsWith(join(REPO_ROOT, 'test/fixtures')) || /[/\\](\.cache|\.tmp|node_modules)$/.test(p),
    });
    assert.equal(hits.length, 0, describeHits(hits));
  });
});
