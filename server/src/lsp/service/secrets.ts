// Hard-coded secrets in string values: Flero keys (recognised by their checksum), well-known token formats, literal
// auth-scheme values, keys in URL query strings. `{{ … }}` expressions are never secrets. Offsets are decoded indices.
import { parseTemplate } from '../../core/expressions';
import { findKeyCandidates } from '../../core/keys';
import { AUTH_SCHEME, isSecretQueryParam } from './secretNames';

export interface SecretHit {
  start: number;
  end: number;
  what: string;
  severity: 'error' | 'info';
}

/** `hint`: a literal every match contains, checked before running the expression. */
const WELL_KNOWN: { re: RegExp; what: string; hint: string }[] = [
  { re: /(?<![A-Za-z0-9_])ghp_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g, what: 'a GitHub personal access token', hint: 'ghp_' },
  { re: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255}/g, what: 'a GitHub fine-grained token', hint: 'github_pat_' },
  { re: /(?<![A-Za-z0-9_])(?:gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g, what: 'a GitHub token', hint: 'gh' },
  { re: /(?<![A-Za-z0-9_])(?:sk|rk)_live_[A-Za-z0-9]{16,247}/g, what: 'a Stripe live key', hint: '_live_' },
  { re: /(?<![A-Za-z0-9_])xox[abposr]-[A-Za-z0-9-]{10,250}/g, what: 'a Slack token', hint: 'xox' },
  {
    re: /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}/g,
    what: 'an OpenAI API key',
    hint: 'sk-',
  },
  { re: /(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])/g, what: 'an AWS access key id', hint: 'IA' },
];

/** Text spans of a template that are not inside `{{ … }}`. */
function literalParts(value: string): { start: number; text: string }[] {
  if (!value.includes('{{')) return [{ start: 0, text: value }];
  return parseTemplate(value)
    .filter((p) => p.kind === 'text')
    .map((p) => ({ start: p.start, text: value.slice(p.start, p.end) }));
}

/** Flero keys and well-known token formats anywhere in a string value. */
export function scanString(value: string): SecretHit[] {
  if (value.length < 20) return [];
  const hits: SecretHit[] = [];
  for (const part of literalParts(value)) {
    for (const { re, what, hint } of WELL_KNOWN) {
      if (!part.text.includes(hint)) continue;
      re.lastIndex = 0;
      for (let m = re.exec(part.text); m; m = re.exec(part.text)) {
        const start = part.start + m.index;
        if (hits.some((h) => h.start <= start && start < h.end)) continue;
        hits.push({ start, end: start + m[0].length, what, severity: 'error' });
      }
    }
    // A Flero key is at least 38 characters: a prefix of two or more ending in `_`, then 36 base62 characters.
    if (part.text.length < 38 || !part.text.includes('_')) continue;
    for (const c of findKeyCandidates(part.text)) {
      if (hits.some((h) => h.start < part.start + c.end && part.start + c.start < h.end)) continue;
      hits.push({
        start: part.start + c.start,
        end: part.start + c.end,
        what: c.valid ? 'a Flero API key' : 'a Flero-looking key whose checksum does not match',
        severity: c.valid ? 'error' : 'info',
      });
    }
  }
  return hits;
}

/** A literal credential in a header value: `Bearer abc…`, `Basic …`, `Token …`, or a literal API-key header. */
export function headerSecret(value: string, credentialHeader: boolean): SecretHit | undefined {
  const m = AUTH_SCHEME.exec(value);
  if (m) {
    const start = m[0].length;
    const rest = value.slice(start);
    if (rest.trim().length < 4 || rest.includes('{{')) return undefined;
    return { start, end: value.length, what: `a literal ${m[1]} credential`, severity: 'error' };
  }
  if (!credentialHeader || value.includes('{{')) return undefined;
  const v = value.trim();
  if (v.length < 8 || /\s/.test(v) || /^(x+|\*+|<[^>]*>|changeme|your[-_]?key.*)$/i.test(v)) return undefined;
  return { start: value.indexOf(v), end: value.indexOf(v) + v.length, what: 'a literal key', severity: 'error' };
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
      const val = pair.slice(eq + 1);
      if (isSecretQueryParam(name) && val.length >= 6 && !val.includes('{{'))
        out.push({ start: i + eq + 1, end: amp, what: `a key in the URL (${name}=…)`, severity: 'error', param: name });
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
