// Flero API keys: `<prefix><30 random base62 chars><6-char checksum>`.
// Checksum = CRC-32 (IEEE, as zlib) of the UTF-8 bytes of prefix + random part, base62 big-endian, left-padded to 6.
// Pure: no I/O beyond the CSPRNG, safe to use from the language server, the CLI and the API server alike.
import { createHash, hash as oneShotHash, randomInt } from 'node:crypto';

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const DEFAULT_KEY_PREFIX = 'flero_sk_';
export const RANDOM_LENGTH = 30;
export const CHECKSUM_LENGTH = 6;
/** An admin-chosen prefix must match this (see `--key-prefix`). */
export const KEY_PREFIX_PATTERN = /^[a-z][a-z0-9_]{0,30}_$/;
/** Characters of the random part shown in listings (`start` = prefix + these). */
export const START_LENGTH = 4;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, reflected, as zlib's `crc32`). */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Big-endian base62 of a non-negative integer, left-padded with '0' to `width`. */
export function toBase62(value: number, width: number): string {
  let out = '';
  let v = value;
  do {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  } while (v > 0);
  return out.padStart(width, '0');
}

const encoder = new TextEncoder();

export function checksumOf(prefix: string, random: string): string {
  return toBase62(crc32(encoder.encode(prefix + random)), CHECKSUM_LENGTH);
}

export function isValidPrefix(prefix: string): boolean {
  return KEY_PREFIX_PATTERN.test(prefix);
}

/** Generates a fresh key with a CSPRNG random part. */
export function generateKey(prefix: string = DEFAULT_KEY_PREFIX): string {
  if (!isValidPrefix(prefix)) throw new Error(`invalid key prefix "${prefix}": must match ${KEY_PREFIX_PATTERN}`);
  let random = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) random += BASE62[randomInt(62)];
  return prefix + random + checksumOf(prefix, random);
}

export interface ParsedKey {
  prefix: string;
  random: string;
  checksum: string;
}

const BODY_LENGTH = RANDOM_LENGTH + CHECKSUM_LENGTH;
const BASE62_RE = /^[0-9A-Za-z]+$/;

/**
 * Splits a candidate into prefix / random / checksum by shape only (no checksum check). The prefix is everything before
 * the last 36 characters and must itself be a valid prefix.
 */
export function parseKeyShape(candidate: string): ParsedKey | undefined {
  if (candidate.length <= BODY_LENGTH || candidate.length > BODY_LENGTH + 32) return undefined;
  const prefix = candidate.slice(0, candidate.length - BODY_LENGTH);
  const body = candidate.slice(prefix.length);
  if (!isValidPrefix(prefix) || !BASE62_RE.test(body)) return undefined;
  return { prefix, random: body.slice(0, RANDOM_LENGTH), checksum: body.slice(RANDOM_LENGTH) };
}

/** True when `candidate` has the key shape and its checksum matches: a real key, recognisable offline. */
export function hasValidChecksum(candidate: string): boolean {
  const parsed = parseKeyShape(candidate);
  return parsed !== undefined && checksumOf(parsed.prefix, parsed.random) === parsed.checksum;
}

/** What the server stores: SHA-256 (hex) of the whole key. */
export function hashKey(key: string): string {
  // One-shot `crypto.hash` (Node ≥ 20.12) is several times cheaper than a Hash object: this runs on every request.
  if (typeof oneShotHash === 'function') return oneShotHash('sha256', key, 'hex');
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** What listings show: prefix + the first four random characters. */
export function keyStart(key: string): string {
  const parsed = parseKeyShape(key);
  if (!parsed) return key.slice(0, DEFAULT_KEY_PREFIX.length + START_LENGTH);
  return parsed.prefix + parsed.random.slice(0, START_LENGTH);
}

/**
 * Finds Flero-key-looking tokens in free text (for scanners): every maximal `[a-z][a-z0-9_]*_` + 36 base62 run.
 * Each hit says whether its checksum is valid. Offsets are UTF-16 indices into `text`.
 */
export function findKeyCandidates(text: string): { start: number; end: number; value: string; valid: boolean }[] {
  const out: { start: number; end: number; value: string; valid: boolean }[] = [];
  const re = /(?<![A-Za-z0-9_])([a-z][a-z0-9_]{0,30}_)([0-9A-Za-z]{36})(?![A-Za-z0-9_])/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const value = m[0];
    out.push({ start: m.index, end: m.index + value.length, value, valid: hasValidChecksum(value) });
  }
  return out;
}
