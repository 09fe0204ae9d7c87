import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as zlib from 'node:zlib';
import {
  BASE62,
  checksumOf,
  crc32,
  DEFAULT_KEY_PREFIX,
  findKeyCandidates,
  generateKey,
  hashKey,
  hasValidChecksum,
  isValidPrefix,
  keyStart,
  parseKeyShape,
  toBase62,
} from '../../server/src/core/keys';

describe('key format', () => {
  it('crc32 matches zlib', () => {
    const z = (zlib as unknown as { crc32?: (d: Buffer) => number }).crc32;
    for (const s of ['', 'a', 'flero_sk_abc', 'ünïcødé ✓']) {
      const bytes = Buffer.from(s, 'utf8');
      if (z) assert.equal(crc32(bytes), z(bytes));
    }
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926); // the CRC-32/ISO-HDLC check value
  });

  it('base62 is big-endian and padded', () => {
    assert.equal(toBase62(0, 6), '000000');
    assert.equal(toBase62(61, 6), '00000z');
    assert.equal(toBase62(62, 6), '000010');
    assert.equal(toBase62(0xffffffff, 6), '4gfFC3');
  });

  it('generates keys in the documented shape with a valid checksum', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const key = generateKey();
      assert.match(key, /^flero_sk_[0-9A-Za-z]{36}$/);
      assert.ok(hasValidChecksum(key));
      const random = key.slice(DEFAULT_KEY_PREFIX.length, DEFAULT_KEY_PREFIX.length + 30);
      assert.equal(key.slice(-6), checksumOf(DEFAULT_KEY_PREFIX, random));
      seen.add(key);
    }
    assert.equal(seen.size, 200);
  });

  it('honours an admin prefix and rejects bad ones', () => {
    const key = generateKey('acme_live_');
    assert.ok(key.startsWith('acme_live_'));
    assert.ok(hasValidChecksum(key));
    assert.equal(parseKeyShape(key)?.prefix, 'acme_live_');
    for (const bad of ['', 'Flero_', 'flero', '9x_', 'a-b_', `a${'b'.repeat(31)}_`])
      assert.equal(isValidPrefix(bad), false, bad);
    assert.throws(() => generateKey('BAD'), /invalid key prefix/);
  });

  it('rejects a key with one character changed', () => {
    const key = generateKey();
    const i = 12;
    const swapped = BASE62[(BASE62.indexOf(key[i]!) + 1) % 62]!;
    assert.equal(hasValidChecksum(key.slice(0, i) + swapped + key.slice(i + 1)), false);
    assert.equal(hasValidChecksum(`${key}x`), false);
    assert.equal(hasValidChecksum('flero_sk_short'), false);
  });

  it('hashes with SHA-256 and shows only the start', () => {
    const key = generateKey();
    assert.match(hashKey(key), /^[0-9a-f]{64}$/);
    assert.equal(keyStart(key), key.slice(0, DEFAULT_KEY_PREFIX.length + 4));
  });

  it('finds candidates in text with their validity', () => {
    const good = generateKey();
    const bad = good.slice(0, -1) + (good.endsWith('0') ? '1' : '0');
    const hits = findKeyCandidates(`token=${good}; other "${bad}" and flero_sk_tooShort`);
    assert.deepEqual(
      hits.map((h) => [h.value, h.valid]),
      [
        [good, true],
        [bad, false],
      ],
    );
  });
});
