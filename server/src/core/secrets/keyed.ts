// The generic rule: a high-entropy literal under a key-like name (`apiKey`, `client_secret`, `X-Auth-Token`,
// `DATABASE_PASSWORD`) — in a workflow's maps, a Code node's assignments and object literals, `.env` and YAML files.
import { isSecretName, normaliseName } from './names';
import { entropy, isPlaceholder, isPlaceholderPassword } from './placeholders';

const PASSWORD_NAME = /password|passwd|pwd|passphrase/;
const TOKEN_CHARS = /^[A-Za-z0-9_+/=.~-]+$/;

/** The last segment of a dotted name (`config.env.API_KEY` → `API_KEY`). */
export function lastSegment(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name : name.slice(dot + 1);
}

export type KeyedVerdict = 'secret' | 'placeholder' | 'none';

/** Whether `value`, written under `name`, is a hard-coded secret, an obvious placeholder, or not a secret at all. */
export function keyedVerdict(name: string, value: string, quoted: boolean): KeyedVerdict {
  const key = lastSegment(name);
  if (!isSecretName(key)) return 'none';
  const v = value;
  if (v.length < 6 || v.length > 300) return 'none';
  if (/\s/.test(v) || v.includes('://') || /^\.{0,2}\//.test(v)) return 'none';
  if (!quoted && !TOKEN_CHARS.test(v)) return 'none';
  if (/^(?:true|false|null|undefined|none|nil)$/i.test(v) || /^\d+$/.test(v)) return 'none';
  if (PASSWORD_NAME.test(normaliseName(key))) {
    if (isPlaceholderPassword(v) || isPlaceholder(v, v, 1.5)) return 'placeholder';
    if (/^[A-Za-z_.$]+$/.test(v) && !quoted) return 'none';
    return 'secret';
  }
  if (isPlaceholder(v)) return 'placeholder';
  if (v.length < 16) return 'none';
  // Identifiers, words and constants are names, not secrets: a random value mixes letters and digits.
  if (/^[A-Za-z_.$-]+$/.test(v) && v.length < 32) return 'none';
  const classes = +/[a-z]/.test(v) + +/[A-Z]/.test(v) + +/[0-9]/.test(v);
  if (classes < 2) return 'none';
  return entropy(v) >= 3 ? 'secret' : 'placeholder';
}
