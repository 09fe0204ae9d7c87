// Hard-coded secrets in a workflow's string values, by place: any string (the rule table of core/secrets: token
// formats, Flero keys by checksum, Bearer/Basic values, passwords in URLs, values under key-like names), header
// values that should be credentials, key-like query parameters. `{{ … }}` expressions are never secrets. Offsets are
// decoded indices into the string. Placeholders (`YOUR_KEY`, `<token>`, `${VAR}`, `xxxx`, …) are never errors: in a
// credential slot (a header or query parameter that should hold one) they are a hint, elsewhere nothing.
import { parseTemplate } from '../../core/expressions';
import { basicVerdict, isPlaceholder, keyedVerdict, scanText } from '../../core/secrets';
import { AUTH_SCHEME, isSecretQueryParam } from '../../core/secrets/names';

export interface SecretHit {
  start: number;
  end: number;
  what: string;
  severity: 'error' | 'warning' | 'hint';
  reason?: 'placeholder' | 'checksum';
}

/** Text spans of a template that are not inside `{{ … }}`. */
function literalParts(value: string): { start: number; text: string }[] {
  if (!value.includes('{{')) return [{ start: 0, text: value }];
  return parseTemplate(value)
    .filter((p) => p.kind === 'text')
    .map((p) => ({ start: p.start, text: value.slice(p.start, p.end) }));
}

const NONE: readonly SecretHit[] = [];
const SCAN_CACHE_MAX = 8192;
const scanCache = new Map<string, readonly SecretHit[]>();

/** The rule table over a string value (a Code node's source included), memoised by text (strings repeat across
 * nodes, and an edit leaves most of them unchanged). Placeholder hints are dropped here. */
export function scanString(value: string): readonly SecretHit[] {
  if (value.length < 9) return NONE;
  const cached = scanCache.get(value);
  if (cached) return cached;
  const hits: SecretHit[] = [];
  for (const part of literalParts(value))
    for (const f of scanText(part.text)) {
      if (f.reason === 'placeholder') continue;
      hits.push({
        start: part.start + f.start,
        end: part.start + f.end,
        what: f.what,
        severity: f.severity,
        reason: f.reason,
      });
    }
  const result = hits.length ? hits : NONE;
  if (scanCache.size >= SCAN_CACHE_MAX) scanCache.delete(scanCache.keys().next().value!);
  scanCache.set(value, result);
  return result;
}

const placeholderHint = (start: number, end: number): SecretHit => ({
  start,
  end,
  what: 'a placeholder',
  severity: 'hint',
  reason: 'placeholder',
});

/** A literal in a credential slot: a placeholder → hint, a real-looking value → error, nothing when templated. */
function slotLiteral(
  value: string,
  start: number,
  end: number,
  what: string,
  minLength: number,
): SecretHit | undefined {
  const v = value.slice(start, end);
  if (v.includes('{{')) return undefined;
  if (isPlaceholder(v) || v.length < minLength) return placeholderHint(start, end);
  return { start, end, what, severity: 'error' };
}

/** A literal credential in a header value: `Bearer abc…`, `Basic …`, `Token …`, or a literal API-key header. */
export function headerSecret(value: string, credentialHeader: boolean): SecretHit | undefined {
  const m = AUTH_SCHEME.exec(value);
  if (m) {
    const start = m[0].length;
    const rest = value.slice(start).trim();
    if (rest.length === 0 || /\s/.test(rest)) return undefined;
    const end = value.trimEnd().length;
    // Basic: judged on what it decodes to, as the rule table does (`dXNlcjpwYXNzd29yZA==` is `user:password`).
    if (m[1]!.toLowerCase() === 'basic' && !rest.includes('{{') && basicVerdict(rest) === 'placeholder')
      return placeholderHint(start, end);
    return slotLiteral(value, start, end, `a literal ${m[1]} credential`, 8);
  }
  if (!credentialHeader) return undefined;
  const v = value.trim();
  if (v.length === 0 || /\s/.test(v)) return undefined;
  const start = value.indexOf(v);
  return slotLiteral(value, start, start + v.length, 'a literal key', 8);
}

/**
 * The values of a Cookie header, pair by pair (`a=1; session=…; theme=dark`): a random-looking value is an error with
 * exactly its range, a placeholder a hint, a word or a short value (`theme=dark`) nothing. Offsets into `value`.
 */
export function cookieSecrets(value: string): SecretHit[] {
  const out: SecretHit[] = [];
  let i = 0;
  while (i <= value.length) {
    let semi = value.indexOf(';', i);
    if (semi < 0) semi = value.length;
    const pair = value.slice(i, semi);
    const eq = pair.indexOf('=');
    const name = eq < 0 ? '' : pair.slice(0, eq).trim();
    let start = i + eq + 1;
    let end = semi;
    while (start < end && value[start] === ' ') start++;
    while (end > start && value[end - 1] === ' ') end--;
    if (value[start] === '"' && value[end - 1] === '"' && end - start >= 2) {
      start++;
      end--;
    }
    const v = value.slice(start, end);
    if (v && !v.includes('{{')) {
      const verdict = keyedVerdict('cookie', v, true);
      if (verdict === 'placeholder') out.push(placeholderHint(start, end));
      else if (verdict === 'secret')
        out.push({ start, end, what: `a literal cookie value (${name || 'cookie'}=…)`, severity: 'error' });
    }
    i = semi + 1;
  }
  return out;
}

/** A literal value of a key-like query parameter (`query` map or URL), or undefined. */
export function querySecret(name: string, value: string, what: string): SecretHit | undefined {
  if (!isSecretQueryParam(name) || value.length === 0) return undefined;
  return slotLiteral(value, 0, value.length, what, 6);
}

/** A value under a key-like property name (connector params, body and query maps): the generic rule. */
export function keyedSecret(name: string, value: string): SecretHit | undefined {
  if (value.includes('{{')) return undefined;
  const verdict = keyedVerdict(name, value, true);
  if (verdict !== 'secret') return undefined;
  return { start: 0, end: value.length, what: `a high-entropy value under "${name}"`, severity: 'warning' };
}

/** Literal values of key-like query parameters in a URL (`?api_key=…`). Offsets into `url`. */
export function urlQuerySecrets(url: string): (SecretHit & { param: string })[] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  const out: (SecretHit & { param: string })[] = [];
  const end = url.indexOf('#', q) >= 0 ? url.indexOf('#', q) : url.length;
  let i = q + 1;
  while (i < end) {
    let amp = url.indexOf('&', i);
    if (amp < 0 || amp > end) amp = end;
    const pair = url.slice(i, amp);
    const eq = pair.indexOf('=');
    if (eq > 0) {
      const name = safeDecode(pair.slice(0, eq));
      const hit = querySecret(name, safeDecode(pair.slice(eq + 1)), `a key in the URL (${name}=…)`);
      if (hit) out.push({ ...hit, start: i + eq + 1, end: amp, param: name });
    }
    i = amp + 1;
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
