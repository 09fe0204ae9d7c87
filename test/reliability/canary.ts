// Canary sweep: finds secret values (canaries planted by a test) in directories, files and strings — as plaintext and
// in the encoded forms a leak usually takes: base64 and base64url (at every byte alignment, so a canary inside a
// larger encoded blob is still found), URL-encoding, JSON-escaping and hex. Also finds any Flero API key with a
// valid checksum (`findKeyCandidates`), whoever planted it. Works on binary files (scans bytes).
//
//   const hits = sweep([dataDir, logFile], { canaries: { ownerKey, credValue } });
//   assert.deepEqual(hits, []);
//
// CLI: `node --import tsx test/reliability/canary.ts <path…>` with canaries in FLERO_CANARIES (comma-separated);
// exits 1 and lists hits (labels and places, never the values) when anything is found.
import { closeSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { findKeyCandidates } from '../../server/src/core/keys';

export interface CanaryHit {
  /** The canary's label (never its value). */
  canary: string;
  form: string;
  /** A file path or the label of a scanned string. */
  where: string;
  offset: number;
}

export interface SweepOptions {
  /** label → secret value. */
  canaries: Record<string, string>;
  /** Also report any Flero API key with a valid checksum (default true). */
  flagValidKeys?: boolean;
  /** Files larger than this are scanned in their first `maxBytes` only (default 64 MiB). */
  maxBytes?: number;
  /** Paths (files or directories) not to look into. */
  skip?: (path: string) => boolean;
}

interface Needle {
  canary: string;
  form: string;
  bytes: Buffer;
}

/** The base64 text a value contributes at byte alignment `shift` (0–2) inside a longer stream, padding removed. */
function base64Core(value: Buffer, shift: number): string {
  const encoded = Buffer.concat([Buffer.alloc(shift), value]).toString('base64');
  const first = Math.ceil((8 * shift) / 6);
  const last = Math.floor((8 * (shift + value.length)) / 6);
  return encoded.slice(first, last);
}

/** Every form under which `value` is looked for. */
export function canaryForms(value: string): { form: string; text: string }[] {
  const raw = Buffer.from(value, 'utf8');
  const forms: { form: string; text: string }[] = [{ form: 'plaintext', text: value }];
  for (let shift = 0; shift < 3; shift++) {
    const core = base64Core(raw, shift);
    forms.push({ form: `base64@${shift}`, text: core });
    forms.push({ form: `base64url@${shift}`, text: core.replace(/\+/g, '-').replace(/\//g, '_') });
  }
  forms.push({ form: 'url-encoded', text: encodeURIComponent(value) });
  forms.push({ form: 'form-encoded', text: new URLSearchParams({ v: value }).toString().slice(2) });
  forms.push({ form: 'json-escaped', text: JSON.stringify(value).slice(1, -1) });
  // Valid JSON that escapes every character (some serialisers write ASCII-only JSON this way), and a URL-encoded
  // value URL-encoded again (a query built from an already-encoded string).
  const uAll = [...value].map((c) => {
    const code = c.codePointAt(0)!;
    const units = code > 0xffff ? [0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 0x3ff)] : [code];
    return units.map((u) => `\\u${u.toString(16).padStart(4, '0')}`).join('');
  });
  forms.push({ form: 'json-\\u-escaped', text: uAll.join('') });
  forms.push({ form: 'json-\\U-escaped', text: uAll.join('').replace(/[0-9a-f]{4}/g, (h) => h.toUpperCase()) });
  forms.push({ form: 'url-encoded-twice', text: encodeURIComponent(encodeURIComponent(value)) });
  forms.push({ form: 'hex', text: raw.toString('hex') });
  forms.push({ form: 'HEX', text: raw.toString('hex').toUpperCase() });
  const seen = new Set<string>();
  return forms.filter((f) => {
    if (f.text.length < 8 || seen.has(f.text)) return false;
    seen.add(f.text);
    return true;
  });
}

function needles(canaries: Record<string, string>): Needle[] {
  const out: Needle[] = [];
  for (const [canary, value] of Object.entries(canaries)) {
    if (value.length < 8) throw new Error(`canary "${canary}" is too short to sweep for reliably (min 8 chars)`);
    for (const f of canaryForms(value)) out.push({ canary, form: f.form, bytes: Buffer.from(f.text, 'utf8') });
  }
  return out;
}

function scanBuffer(buf: Buffer, list: Needle[], where: string, flagValidKeys: boolean): CanaryHit[] {
  const hits: CanaryHit[] = [];
  for (const n of list) {
    const at = buf.indexOf(n.bytes);
    if (at >= 0) hits.push({ canary: n.canary, form: n.form, where, offset: at });
  }
  if (flagValidKeys) {
    for (const c of findKeyCandidates(buf.toString('latin1'))) {
      if (c.valid) hits.push({ canary: 'valid Flero API key', form: 'plaintext', where, offset: c.start });
    }
  }
  return hits;
}

/** Scans one string (a log, a response body, a captured output). */
export function scanString(text: string, opts: SweepOptions, where = 'string'): CanaryHit[] {
  return scanBuffer(Buffer.from(text, 'utf8'), needles(opts.canaries), where, opts.flagValidKeys ?? true);
}

function readHead(path: string, max: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(max, lstatSync(path).size));
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n <= 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/** Scans files and directories (recursively; symlinks are not followed). Missing paths are skipped. */
export function sweep(paths: readonly string[], opts: SweepOptions): CanaryHit[] {
  const list = needles(opts.canaries);
  const flag = opts.flagValidKeys ?? true;
  const max = opts.maxBytes ?? 64 * 2 ** 20;
  const hits: CanaryHit[] = [];
  const visit = (p: string) => {
    if (opts.skip?.(p)) return;
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) visit(join(p, name));
    } else if (st.isFile()) {
      hits.push(...scanBuffer(readHead(p, max), list, p, flag));
    }
  };
  for (const p of paths) visit(p);
  return hits;
}

/** A human-readable list of hits (labels and places only, never values). */
export function describeHits(hits: readonly CanaryHit[]): string {
  return hits.map((h) => `${h.canary} as ${h.form} in ${h.where} at byte ${h.offset}`).join('\n');
}

/** Counts the files a sweep would read (to prove a sweep looked at something). */
export function countFiles(paths: readonly string[]): number {
  let n = 0;
  const visit = (p: string) => {
    try {
      const st = lstatSync(p);
      if (st.isDirectory()) for (const name of readdirSync(p)) visit(join(p, name));
      else if (st.isFile()) n++;
    } catch {
      /* gone */
    }
  };
  for (const p of paths) visit(p);
  return n;
}

if (process.argv[1] && /canary\.ts$/.test(process.argv[1]) && !process.argv.includes('--test')) {
  const paths = process.argv.slice(2);
  const values = (process.env.FLERO_CANARIES ?? '').split(',').filter(Boolean);
  const canaries = Object.fromEntries(values.map((v, i) => [`canary #${i + 1}`, v]));
  const hits = sweep(paths, { canaries });
  if (hits.length) {
    process.stderr.write(`canary sweep: ${hits.length} hit(s)\n${describeHits(hits)}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write(`canary sweep: clean (${countFiles(paths)} files, ${values.length} canaries)\n`);
  }
}
