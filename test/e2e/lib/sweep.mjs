// The secret sweep: after the run, read every file under the given roots (VS Code user data, extensions, server data,
// browser profile, all logs) and look for each canary secret as UTF-8, UTF-16LE (how Chromium's localStorage keeps
// strings), hex, base64/base64url at every byte alignment, and URL-encoded text. Also finds any well-formed Flero key
// (prefix + 30 base62 + 6-char CRC-32 checksum) that is not on the allow-list, so a key the test never saw (e.g. a
// local server's owner key) is caught too. Reports file + offset, never the secret itself.
// Limits: compressed files (Chromium's compacted .ldb tables, PNGs) are read as they are, not decompressed.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(n, width) {
  let s = '';
  let v = n >>> 0;
  while (v > 0) {
    s = B62[v % 62] + s;
    v = Math.floor(v / 62);
  }
  return s.padStart(width, '0');
}

/** True when `key` is prefix + 30 base62 + a valid 6-char checksum (product.md, "Flero API keys"). */
export function isFleroKey(key) {
  const m = /^([a-z][a-z0-9_]{0,30}_)([0-9A-Za-z]{30})([0-9A-Za-z]{6})$/.exec(key);
  if (!m) return false;
  return base62(crc32(Buffer.from(m[1] + m[2], 'utf8')), 6) === m[3];
}

/** A well-formed key with a valid checksum (for the sweep's self-check). */
export function makeFleroKey(prefix, random30) {
  return prefix + random30 + base62(crc32(Buffer.from(prefix + random30, 'utf8')), 6);
}

function* walk(root) {
  let st;
  try {
    st = lstatSync(root);
  } catch {
    return;
  }
  if (st.isSymbolicLink()) return;
  if (st.isFile()) {
    yield root;
    return;
  }
  if (!st.isDirectory()) return;
  let names = [];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const n of names) yield* walk(join(root, n));
}

/** Base64 (and base64url) text of `secret` at each of the 3 byte alignments, minus the edge groups that depend on the
 *  bytes around it: finds the secret inside any longer base64 blob. */
function base64Cores(secret) {
  const raw = Buffer.from(secret, 'utf8');
  const out = [];
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k), raw]).toString('base64');
    const core = b64.slice(k ? 4 : 0, -4);
    if (core.length >= 12) {
      out.push([`base64@${k}`, Buffer.from(core, 'utf8')]);
      const url = core.replace(/\+/g, '-').replace(/\//g, '_');
      if (url !== core) out.push([`base64url@${k}`, Buffer.from(url, 'utf8')]);
    }
  }
  return out;
}

function forms(secret) {
  const out = [
    ['utf8', Buffer.from(secret, 'utf8')],
    ['utf16le', Buffer.from(secret, 'utf16le')],
    ['hex', Buffer.from(Buffer.from(secret, 'utf8').toString('hex'), 'utf8')],
    ...base64Cores(secret),
  ];
  const enc = encodeURIComponent(secret);
  if (enc !== secret) out.push(['url-encoded', Buffer.from(enc, 'utf8')]);
  return out;
}

// Any Flero-looking key: a prefix of lowercase letters/digits/underscores ending in `_`, then 36 base62 chars.
const KEY_LIKE = /[a-z][a-z0-9_]{0,30}_[0-9A-Za-z]{36}(?![0-9A-Za-z])/g;

/**
 * @param {{ roots: string[], canaries: { label: string, value: string }[], allowKeyFiles?: string[],
 *           maxFileBytes?: number }} o
 * @returns {{ files: number, bytes: number, hits: { file: string, label: string, form: string, offset: number }[] }}
 */
export function sweep({ roots, canaries, allowKeyFiles = [], maxFileBytes = 256 * 1024 * 1024 }) {
  const seen = new Set();
  const hits = [];
  let files = 0;
  let bytes = 0;
  const known = new Set(canaries.map((c) => c.value));
  for (const root of roots) {
    for (const file of walk(root)) {
      if (seen.has(file)) continue;
      seen.add(file);
      let buf;
      try {
        const st = lstatSync(file);
        if (st.size > maxFileBytes) continue;
        buf = readFileSync(file);
      } catch {
        continue;
      }
      files++;
      bytes += buf.length;
      for (const c of canaries) {
        for (const [form, needle] of forms(c.value)) {
          const at = buf.indexOf(needle);
          if (at >= 0) hits.push({ file, label: c.label, form, offset: at });
        }
      }
      if (allowKeyFiles.includes(file)) continue;
      const text = buf.toString('latin1');
      for (const m of text.matchAll(KEY_LIKE)) {
        // The regex may start inside a longer identifier; try every `_`-split suffix as a prefix boundary.
        const s = m[0];
        for (let i = 0; i < s.length - 37; i++) {
          if (i > 0 && s[i - 1] !== '_' && /[a-z0-9_]/.test(s[i - 1])) continue;
          const cand = s.slice(i);
          if (isFleroKey(cand) && !known.has(cand)) {
            hits.push({ file, label: 'an unlisted well-formed Flero key', form: 'utf8', offset: (m.index ?? 0) + i });
            break;
          }
        }
      }
    }
  }
  return { files, bytes, hits };
}
