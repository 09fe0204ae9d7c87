// Obvious fakes are not secrets: `YOUR_API_KEY`, `<token>`, `xxxx`, `****`, `${VAR}`, `$VAR`, `changeme`, `…EXAMPLE`,
// repeated characters, sequences, low entropy, and the example keys services print in their own documentation.
// One function, used by every rule and every place, so a placeholder is treated the same everywhere.

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Template and variable references: `${VAR}`, `$VAR`, `{{ x }}`, `%VAR%`, `<token>`, `[KEY]`, an environment read. */
const REFERENCE =
  /\$\{[^}]*\}?|^\$[A-Za-z_][A-Za-z0-9_]*$|\{\{|^%[A-Za-z_][A-Za-z0-9_]*%$|<[^<>]*>?$|^\[[^\]]*\]$|process[.]env|os[.]environ|getenv/;
/** Words that fakes are made of. */
const WORDS =
  /your|example|sample|placeholder|change[-_ ]?me|replace|redacted|dummy|fake|insert|xxx|\*\*\*|\.\.\.|…|todo|tbd|secret[-_]?here|token[-_]?here|key[-_]?here|notreal|not[-_]a[-_]|invalid|lorem|foobar/i;
/** A word standing where a key should be (`X-Api-Key: secret`). */
const SLOT_WORDS =
  /^(?:password|passwd|secret|token|apikey|api[-_]key|key|test|testing|demo|none|null|nil|empty|string|value|undefined|admin|default)$/i;
/** Sequences people type instead of randomness. */
const SEQUENCES = ['0123456', '1234567', 'abcdefg', 'ABCDEFG', 'qwertyu', 'QWERTYU', '9876543'];
/** Values shown in services' documentation (AWS, jwt.io, Stripe): public, not anybody's secret. */
const KNOWN_EXAMPLES = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
  'sk_test_BQokikJOvBiI2HlWgH4olfQ2',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
]);
const PASSWORD_WORDS = new Set([
  'password',
  'passwd',
  'pass',
  'pwd',
  'secret',
  'changeme',
  'admin',
  'root',
  'test',
  'user',
]);

/**
 * True when `value` is an obvious fake. `body`: the part that should be random (a token without its fixed prefix);
 * `floor`: the entropy (bits/char) a random body of this format has at least.
 */
export function isPlaceholder(value: string, body = value, floor?: number): boolean {
  if (KNOWN_EXAMPLES.has(value)) return true;
  if (REFERENCE.test(value) || WORDS.test(body) || SLOT_WORDS.test(value)) return true;
  if (/(.)\1{4,}/.test(body)) return true;
  for (const s of SEQUENCES) if (body.includes(s)) return true;
  const limit = floor ?? Math.min(3, Math.log2(Math.max(body.length, 2)) - 1);
  return entropy(body) < limit;
}

/** A password in a URL or a Basic credential that is a fake: a word people use for one, or the user name again. */
export function isPlaceholderPassword(password: string, user = ''): boolean {
  if (password.length < 3 || password === user || PASSWORD_WORDS.has(password.toLowerCase())) return true;
  return REFERENCE.test(password) || WORDS.test(password) || /^(.)\1*$/.test(password) || /^\*+$/.test(password);
}
