// What a match must also satisfy to count: checksums (Flero, GitHub, npm), structure (a JWT's header, a Basic
// credential's `user:password`). Pure functions of the matched text.
import { BASE62, crc32 } from '../keys';
import { isPlaceholderPassword } from './placeholders';

const encoder = new TextEncoder();

/** Base62 (0-9A-Za-z) to an integer; NaN when a character is outside the alphabet. */
function fromBase62(s: string): number {
  let v = 0;
  for (const ch of s) {
    const d = BASE62.indexOf(ch);
    if (d < 0) return Number.NaN;
    v = v * 62 + d;
  }
  return v;
}

/**
 * GitHub's and npm's token checksum (github.blog 2021-04-05 "Behind GitHub's new authentication token formats";
 * github.blog 2021-09-23 "Announcing npm's new access token format"): `<prefix>_` + 30 random base62 characters +
 * 6 base62 characters of the CRC-32 of the random part. Only the 36-character body carries one.
 */
export function githubChecksum(token: string): boolean {
  const body = token.slice(token.indexOf('_') + 1);
  if (body.length !== 36) return true;
  return crc32(encoder.encode(body.slice(0, 30))) === fromBase62(body.slice(30));
}

function base64UrlDecode(s: string): string | undefined {
  try {
    return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  } catch {
    return undefined;
  }
}

/** A JWT's first segment decodes to a JSON object naming its algorithm (RFC 7519 / RFC 7515). */
export function jwtHeader(token: string): boolean {
  const text = base64UrlDecode(token.slice(0, token.indexOf('.')));
  if (!text) return false;
  try {
    const header = JSON.parse(text) as { alg?: unknown };
    return typeof header === 'object' && header !== null && typeof header.alg === 'string';
  } catch {
    return false;
  }
}

/** The decoded `user:password` of a Basic credential (RFC 7617), or undefined when it is not one. */
export function basicCredential(b64: string): { user: string; password: string } | undefined {
  if (b64.length % 4 === 1) return undefined;
  const text = Buffer.from(b64, 'base64').toString('latin1');
  const colon = text.indexOf(':');
  if (colon < 1 || colon === text.length - 1 || /[\x00-\x1f\x7f-\xff]/.test(text)) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * A Basic credential judged: `secret`, `placeholder` (the password a word people use for one, a reference, the user
 * name again: `user:password`, `admin:changeme`, `user:<password>`), or undefined when it does not decode to
 * `user:password`. The one judgement for the rule table and for Authorization headers.
 */
export function basicVerdict(b64: string): 'secret' | 'placeholder' | undefined {
  const c = basicCredential(b64);
  if (!c) return undefined;
  return isPlaceholderPassword(c.password, c.user) ? 'placeholder' : 'secret';
}
