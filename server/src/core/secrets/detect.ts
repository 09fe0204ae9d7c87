// Runs THE rule table over a text: each rule's keywords first (cheap `includes`), then its expression; a match that
// overlaps an earlier one is dropped; structure, checksum and placeholder checks decide the severity.
import { basicVerdict } from './checks';
import { keyedVerdict } from './keyed';
import { isPlaceholder, isPlaceholderPassword } from './placeholders';
import { SECRET_RULES, type SecretRule } from './rules';
import type { SecretFinding } from './types';

export function overlaps(found: readonly { start: number; end: number }[], start: number, end: number): boolean {
  for (const f of found) if (f.start < end && start < f.end) return true;
  return false;
}

/** The finding for one match of `rule` (undefined: not this format after all). */
export function judge(
  rule: SecretRule,
  secret: string,
  user?: string,
): Pick<SecretFinding, 'severity' | 'reason'> | undefined {
  if (rule.valid && !rule.valid(secret)) return undefined;
  if (rule.id === 'url-password') {
    if (secret.startsWith('$') || secret.startsWith('{{')) return { severity: 'hint', reason: 'placeholder' };
    return isPlaceholderPassword(decode(secret), user)
      ? { severity: 'hint', reason: 'placeholder' }
      : { severity: rule.severity };
  }
  if (rule.id === 'basic-auth')
    return basicVerdict(secret) === 'secret'
      ? { severity: rule.severity }
      : { severity: 'hint', reason: 'placeholder' };
  const body = rule.body ? rule.body(secret) : secret;
  if (isPlaceholder(secret, body, rule.entropy)) return { severity: 'hint', reason: 'placeholder' };
  if (rule.checksum && !rule.checksum.valid(secret)) return { severity: 'hint', reason: 'checksum' };
  return { severity: rule.severity };
}

function judgeKeyed(
  g: Record<string, string | undefined>,
  secret: string,
): Pick<SecretFinding, 'severity' | 'reason'> | undefined {
  const verdict = keyedVerdict(g.name!, secret, g.q !== '');
  if (verdict === 'none') return undefined;
  return verdict === 'secret' ? { severity: 'warning' } : { severity: 'hint', reason: 'placeholder' };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Every format in the table over `text`, including hints (placeholders, checksum mismatches). Sorted by start. */
export function scanFormats(text: string, found: SecretFinding[] = []): SecretFinding[] {
  for (const rule of SECRET_RULES) {
    if (text.length < rule.minLength) continue;
    const kw = rule.keywords;
    if (kw.length > 0) {
      let any = false;
      for (let i = 0; i < kw.length && !any; i++) any = text.includes(kw[i]!);
      if (!any) continue;
    }
    if (rule.keyedHint && !rule.keyedHint.test(text)) continue;
    const re = rule.pattern;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const secret = m.groups?.secret ?? m[0];
      const start = m.indices?.groups?.secret?.[0] ?? m.index;
      const end = start + secret.length;
      const taken = found.length > 0 && overlaps(found, start, end);
      const verdict = taken
        ? undefined
        : rule.keyedHint
          ? judgeKeyed(m.groups!, secret)
          : judge(rule, secret, m.groups?.user);
      if (!verdict) {
        // A rejected name=value candidate may hide a real one inside it (`url: https://h/p?api_key=…` reads as
        // `url` = `https://…`, or `https` = `//…`): look again from one character later, not after the whole match.
        if (rule.keyedHint) re.lastIndex = m.index + 1;
        continue;
      }
      // A Flero-shaped identifier with a wrong checksum is only worth a hint when it says it is a Flero key.
      if (rule.id === 'flero-api-key' && verdict.severity === 'hint' && !secret.startsWith('flero')) continue;
      found.push({ start, end, ruleId: rule.id, service: rule.service, what: rule.what, ...verdict });
    }
  }
  if (found.length > 1) found.sort((a, b) => a.start - b.start);
  return found;
}
