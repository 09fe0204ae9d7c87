// The canary sweep must find what it is for: otherwise every "no leak" assertion built on it proves nothing.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateKey } from '../../server/src/core/keys';
import { tmpDir } from '../helpers/tmp';
import { canaryForms, scanString, sweep } from './canary';

const SECRET = 'sk_live_canary/Zx9+q&r=1"\\ü-7Hk2';

describe('canary sweep', () => {
  it('finds a canary in every encoded form at every position', () => {
    for (const { form, text } of canaryForms(SECRET)) {
      for (const pad of ['', 'a', 'ab', 'abc']) {
        const hits = scanString(`${pad}${text}${pad}`, { canaries: { credential: SECRET } });
        assert.ok(
          hits.some((h) => h.canary === 'credential'),
          `form ${form} with padding "${pad}" not found`,
        );
      }
    }
  });

  it('finds base64 and base64url of a canary embedded at any offset of a larger encoded blob', () => {
    for (let prefix = 0; prefix < 6; prefix++) {
      const blob = Buffer.concat([Buffer.from('x'.repeat(prefix)), Buffer.from(SECRET), Buffer.from('tail')]);
      for (const enc of ['base64', 'base64url'] as const) {
        const hits = scanString(blob.toString(enc), { canaries: { credential: SECRET }, flagValidKeys: false });
        assert.ok(hits.length > 0, `${enc} with ${prefix} prefix bytes not found`);
      }
    }
  });

  it('finds canaries in files and nested directories, including binary files, and names only labels', () => {
    const dir = tmpDir('flero-canary');
    try {
      mkdirSync(join(dir.path, 'a/b'), { recursive: true });
      writeFileSync(join(dir.path, 'clean.log'), 'nothing to see here\n');
      writeFileSync(
        join(dir.path, 'a/b/store.bin'),
        Buffer.concat([Buffer.from([0, 1, 2, 255]), Buffer.from(SECRET), Buffer.from([0])]),
      );
      writeFileSync(join(dir.path, 'a/trace.json'), JSON.stringify({ q: encodeURIComponent(SECRET) }));
      const hits = sweep([dir.path], { canaries: { credential: SECRET } });
      const files = new Set(hits.map((h) => h.where));
      assert.ok(files.has(join(dir.path, 'a/b/store.bin')));
      assert.ok(files.has(join(dir.path, 'a/trace.json')));
      assert.ok(!files.has(join(dir.path, 'clean.log')));
      assert.ok(!JSON.stringify(hits).includes(SECRET), 'the hit list must not repeat the secret');
    } finally {
      dir.remove();
    }
  });

  it('flags any Flero API key with a valid checksum, and not a near miss', () => {
    const key = generateKey();
    const broken = key.slice(0, -1) + (key.endsWith('0') ? '1' : '0');
    assert.equal(scanString(`token=${key};`, { canaries: {} }).length, 1);
    assert.equal(scanString(`token=${broken};`, { canaries: {} }).length, 0);
  });

  it('reports nothing on clean input and refuses canaries too short to mean anything', () => {
    assert.deepEqual(scanString('all clear, no secrets', { canaries: { credential: SECRET } }), []);
    assert.throws(() => scanString('x', { canaries: { short: 'abc' } }), /too short/);
  });
});
