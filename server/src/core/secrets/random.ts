// Deterministic pseudo-random text for the rules' examples and the test corpus (never a real secret: a seeded
// generator, so the same seed gives the same examples on every machine).
import { BASE62, checksumOf, crc32, toBase62 } from '../keys';

const HEX = '0123456789abcdef';
const BASE64URL = `${BASE62}-_`;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const UPPER_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const encoder = new TextEncoder();

export class Random {
  private state: number;
  constructor(seed = 1) {
    this.state = seed >>> 0 || 1;
  }
  /** mulberry32 */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  from(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
  base62 = (n: number) => this.from(BASE62, n);
  base64url = (n: number) => this.from(BASE64URL, n);
  base32 = (n: number) => this.from(BASE32, n);
  upper = (n: number) => this.from(UPPER_DIGITS, n);
  hex = (n: number) => this.from(HEX, n);
  digits = (n: number) => this.from('0123456789', n);
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
}

/** `<prefix>_` + 30 random base62 + the CRC-32 of those 30, as GitHub and npm build theirs. */
export function githubStyle(prefix: string, r: Random): string {
  const random = r.base62(30);
  return `${prefix}${random}${toBase62(crc32(encoder.encode(random)), 6)}`;
}

export function fleroStyle(prefix: string, r: Random): string {
  const random = r.base62(30);
  return prefix + random + checksumOf(prefix, random);
}

export function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
