// Runtime masking: one masker per run, built from the secret values in use. Replaces each value — and the forms it
// takes on its way out (base64 and base64url, also inside a longer base64 text such as `Basic base64(user:key)`;
// URL-encoded as a component and as a form; JSON-escaped once and twice; hex) — with `***`, every occurrence, in strings
// and deep in objects (keys included). One combined regular expression (longest alternative first) per masker,
// rebuilt only when a value is added.
//
// Values shorter than MIN_SECRET_LENGTH are not masked (masking "ab" everywhere would destroy outputs and still leak
// by contrast); the engine refuses such credentials instead. Encoded forms embedded at an unknown offset are matched
// by their stable middle part ("core"), which is used only when at least MIN_CORE_LENGTH characters long.

export const MASK = '***';
export const MIN_SECRET_LENGTH = 4;
const MIN_CORE_LENGTH = 8;

function b64(s: string | Buffer): string {
  return (typeof s === 'string' ? Buffer.from(s, 'utf8') : s).toString('base64');
}

function toUrlSafe(s: string): string {
  return s.replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * The base64 characters that depend only on `value` when it is preceded by `offset` (0..2) unknown bytes and followed
 * by unknown bytes: each character carries 6 bits, so those whose bits lie entirely inside the value.
 */
function base64Core(value: Buffer, offset: number): string {
  const encoded = b64(Buffer.concat([Buffer.alloc(offset), value]));
  return encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + value.length)) / 6));
}

function formEncode(s: string): string {
  return new URLSearchParams({ v: s }).toString().slice(2);
}

// Runs of the same workflow mask the same values: forms and compiled expressions are cached per process (bounded,
// oldest dropped first). The cache holds what the resolver already holds in memory, nothing new.
const CACHE_SIZE = 256;
const formsCache = new Map<string, string[]>();
const regexCache = new Map<string, RegExp>();

function remember<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let v = cache.get(key);
  if (v === undefined) {
    v = make();
    cache.set(key, v);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  }
  return v;
}

/** Every form of `value` (and of `prefix + value` for each prefix) the masker replaces. */
export function secretForms(value: string, prefixes: readonly string[] = []): string[] {
  if (value.length < MIN_SECRET_LENGTH) return [];
  return remember(formsCache, JSON.stringify([value, ...prefixes]), () => computeForms(value, prefixes));
}

function computeForms(value: string, prefixes: readonly string[]): string[] {
  const forms = new Set<string>([value]);
  const bytes = Buffer.from(value, 'utf8');
  const whole = [value, ...prefixes.filter((p) => p.length > 0).map((p) => p + value)];
  for (const w of whole) {
    const std = b64(w);
    forms.add(std);
    forms.add(std.replace(/=+$/, ''));
    forms.add(toUrlSafe(std).replace(/=+$/, ''));
  }
  for (let offset = 0; offset < 3; offset++) {
    const core = base64Core(bytes, offset);
    if (core.length >= MIN_CORE_LENGTH) {
      forms.add(core);
      forms.add(toUrlSafe(core));
    }
  }
  for (const encoded of [encodeURIComponent(value), encodeURI(value), formEncode(value)]) {
    forms.add(encoded);
    forms.add(encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  }
  forms.add(bytes.toString('hex'));
  forms.add(bytes.toString('hex').toUpperCase());
  const jsonOnce = JSON.stringify(value).slice(1, -1);
  forms.add(jsonOnce);
  forms.add(JSON.stringify(jsonOnce).slice(1, -1));
  // Non-ASCII values: JSON.stringify keeps them; some serialisers write \uXXXX escapes.
  forms.add(jsonOnce.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  // Every character as \uXXXX (valid JSON; ASCII-only serialisers and obfuscation), lower and upper hex, once and
  // JSON-escaped again.
  const uAll = unicodeEscapeAll(value);
  const uAllUpper = uAll.replace(/[0-9a-f]{4}/g, (h) => h.toUpperCase());
  for (const u of [uAll, uAllUpper]) {
    forms.add(u);
    forms.add(u.replace(/\\/g, '\\\\'));
  }
  // URL-encoded twice (a query built from an already-encoded string).
  const twice = encodeURIComponent(encodeURIComponent(value));
  forms.add(twice);
  forms.add(twice.replace(/%25([0-9A-F]{2})/g, (_m, h: string) => `%25${h.toLowerCase()}`));
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

function unicodeEscapeAll(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) out += `\\u${value.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(forms: Iterable<string>): RegExp | undefined {
  const sorted = [...forms].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  if (!sorted.length) return undefined;
  return remember(regexCache, sorted.join('\u0000'), () => new RegExp(sorted.map(escapeRegExp).join('|'), 'g'));
}

// A masker's regex and form count depend only on its (value, prefixes) set: a new masker per run with the same
// credentials reuses them without recomputing forms, sorting or joining.
interface Compiled {
  re: RegExp | undefined;
  size: number;
  /** The shortest form's length: a shorter string cannot contain any form. */
  minLength: number;
  /** The longest form's length: a partial occurrence at the end of a cut text is shorter. */
  maxLength: number;
}
const compiledCache = new Map<string, Compiled>();

function compileValues(keys: readonly string[], entries: readonly (readonly [string, readonly string[]])[]): Compiled {
  return remember(compiledCache, keys.join(','), () => {
    const forms = new Set<string>();
    for (const [value, prefixes] of entries) for (const f of secretForms(value, prefixes)) forms.add(f);
    let minLength = Number.POSITIVE_INFINITY;
    let maxLength = 0;
    for (const f of forms) {
      if (f.length < minLength) minLength = f.length;
      if (f.length > maxLength) maxLength = f.length;
    }
    return { re: compile(forms), size: forms.size, minLength, maxLength };
  });
}

export class Masker {
  readonly #values = new Set<string>();
  readonly #keys: string[] = [];
  readonly #entries: (readonly [string, readonly string[]])[] = [];
  #compiled: Compiled = { re: undefined, size: 0, minLength: Number.POSITIVE_INFINITY, maxLength: 0 };
  #dirty = false;

  constructor(values: Iterable<{ value: string; prefixes?: readonly string[] } | string> = []) {
    for (const v of values) typeof v === 'string' ? this.add(v) : this.add(v.value, v.prefixes);
  }

  /** Adds a secret (and the prefixes it is sent with, e.g. `Bearer `, `Basic `). */
  add(value: string, prefixes: readonly string[] = []): void {
    const key = JSON.stringify([value, ...prefixes]);
    if (this.#values.has(key)) return;
    this.#values.add(key);
    if (value.length < MIN_SECRET_LENGTH) return;
    this.#keys.push(key);
    this.#entries.push([value, [...prefixes]]);
    this.#dirty = true;
  }

  /** How many distinct forms are masked (for tests and diagnostics). */
  get size(): number {
    this.#regex();
    return this.#compiled.size;
  }

  #regex(): RegExp | undefined {
    if (this.#dirty) {
      this.#compiled = compileValues(this.#keys, this.#entries);
      this.#dirty = false;
    }
    return this.#compiled.re;
  }

  mask(s: string): string {
    const re = this.#regex();
    if (!re || s.length < MIN_SECRET_LENGTH || s.length < this.#compiled.minLength) return s;
    // Most strings hold no secret: a test is cheaper than a replace that finds nothing.
    re.lastIndex = 0;
    if (!re.test(s)) return s;
    re.lastIndex = 0;
    return s.replace(re, MASK);
  }

  /**
   * Masks `s`, then cuts it to `max` characters (marking the cut) — never the other way round, so a secret that
   * straddles the cut cannot leave its head behind. `cutUpstream`: `s` was already cut by something that could not
   * mask (the code sandbox caps raw log lines), so it may end in a partial secret: the characters that could be one
   * (the longest form's length − 1) are dropped as well.
   */
  maskCut(s: string, max: number, cutUpstream = false): string {
    let out = this.mask(s);
    let cut = cutUpstream;
    if (cutUpstream) {
      this.#regex();
      const drop = Math.max(0, this.#compiled.maxLength - 1);
      out = out.slice(0, Math.max(0, out.length - drop));
    }
    if (out.length > max) {
      out = out.slice(0, max);
      cut = true;
    }
    return cut ? `${out}… (truncated)` : out;
  }

  /** A masked deep copy of a JSON-like value (strings, keys, arrays, plain objects). */
  maskDeep<T>(value: T): T {
    if (!this.#regex()) return value;
    return this.#deep(value, 0) as T;
  }

  /**
   * Masks a value nobody else holds (freshly parsed JSON: an HTTP response, a code node's output) in place and
   * returns it: strings are replaced where they stand, and only an object with a key to mask is rebuilt (keeping its
   * key order). The same result as maskDeep without copying every object and array.
   */
  maskOwned<T>(value: T): T {
    if (!this.#regex()) return value;
    return this.#owned(value, 0) as T;
  }

  #owned(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.mask(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > 200) return this.mask(JSON.stringify(value) ?? '');
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v = value[i] as unknown;
        if (v !== null && (typeof v === 'string' || typeof v === 'object')) value[i] = this.#owned(v, depth + 1);
      }
      return value;
    }
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    let renamed = false;
    for (const k of keys) {
      const v = obj[k];
      if (v !== null && (typeof v === 'string' || typeof v === 'object')) {
        const m = this.#owned(v, depth + 1);
        if (m !== v) obj[k] = m;
      }
      if (!renamed && this.mask(k) !== k) renamed = true;
    }
    if (!renamed) return obj;
    const out: Record<string, unknown> = {};
    for (const k of keys) out[this.mask(k)] = obj[k];
    return out;
  }

  #deep(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.mask(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > 200) return this.mask(JSON.stringify(value) ?? '');
    if (Array.isArray(value)) return value.map((v) => this.#deep(v, depth + 1));
    const out: Record<string, unknown> = {};
    const obj = value as Record<string, unknown>;
    for (const k in obj) if (Object.hasOwn(obj, k)) out[this.mask(k)] = this.#deep(obj[k], depth + 1);
    return out;
  }
}
