// THE table of secret formats. Each rule: id, service, pattern (the `secret` group, when present, is exactly the
// secret; otherwise the whole match), the literal keywords every match contains (checked before the expression
// runs), an optional checksum, the entropy floor of the random part (below it: a placeholder), severity, where the
// format is documented, and an example generator (seeded, so no example is anybody's secret). Order matters: a
// match overlapping an earlier rule's is dropped (specific formats before general ones).
import { hasValidChecksum } from '../keys';
import { basicCredential, githubChecksum, jwtHeader } from './checks';
import { base64url, fleroStyle, githubStyle, type Random } from './random';

export type RuleSeverity = 'error' | 'warning';

export interface SecretRule {
  id: string;
  service: string;
  /** For messages: `a GitHub personal access token`. */
  what: string;
  keywords: readonly string[];
  pattern: RegExp;
  /** The part that should look random (for placeholder and entropy checks); default: the whole secret. */
  body?: (secret: string) => string;
  /** A checksum the format carries: a mismatch makes the match a hint ("mistyped or invented"), never an error. */
  checksum?: { name: string; valid: (secret: string) => boolean };
  /** Structure the format must have (a JWT's header, Basic's `user:password`): no match otherwise. */
  valid?: (secret: string) => boolean;
  /** Bits per character a random body of this format reaches at least. */
  entropy: number;
  severity: RuleSeverity;
  /** The public documentation of the format. */
  source: string;
  example: (r: Random) => string;
  /** The generic rule: the pattern captures `name` and a quoted (`q`) or bare value; runs when this matches the text. */
  keyedHint?: RegExp;
  /** The shortest text a match fits in (a cheap first filter before the keywords). */
  minLength: number;
}

// Boundaries: a token does not start or end inside a longer word.
const B = '(?<![A-Za-z0-9_-])';
const E = '(?![A-Za-z0-9_-])';
const re = (s: string, flags = 'g') => new RegExp(s, flags);
const after = (sep: string) => (s: string) => s.slice(s.indexOf(sep) + sep.length);
const GITHUB = 'https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/';
const SLACK = 'https://api.slack.com/concepts/token-types';

function github(id: string, prefix: string, what: string): SecretRule {
  return {
    id,
    minLength: 40,
    service: 'GitHub',
    what,
    keywords: [`${prefix}_`],
    pattern: re(`${B}${prefix}_[0-9A-Za-z]{36}${E}`),
    body: after('_'),
    checksum: { name: 'CRC-32', valid: githubChecksum },
    entropy: 3.5,
    severity: 'error',
    source: GITHUB,
    example: (r) => githubStyle(`${prefix}_`, r),
  };
}

export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'pem-private-key',
    minLength: 100,
    service: 'PEM',
    what: 'a private key',
    keywords: ['PRIVATE KEY'],
    pattern:
      /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?)PRIVATE KEY( BLOCK)?-----[\s\S]{0,16000}?-----END \1PRIVATE KEY\2-----/g,
    body: (s) => s.replace(/-----[A-Z ]+-----/g, '').replace(/\\[nr]|\s/g, ''),
    valid: (s) => s.replace(/-----[A-Z ]+-----/g, '').replace(/\\[nr]|\s/g, '').length >= 64,
    entropy: 4.5,
    severity: 'error',
    source: 'https://www.rfc-editor.org/rfc/rfc7468',
    example: (r) =>
      `-----BEGIN RSA PRIVATE KEY-----\n${Array.from({ length: 6 }, () => r.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 64)).join('\n')}\n-----END RSA PRIVATE KEY-----`,
  },
  {
    id: 'slack-webhook-url',
    minLength: 70,
    service: 'Slack',
    what: 'a Slack webhook URL',
    keywords: ['hooks.slack.com/'],
    pattern:
      /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/T[A-Z0-9]{8,12}\/[AB][A-Z0-9]{8,12}\/[A-Za-z0-9]{24,32}(?![A-Za-z0-9])/g,
    body: (s) => s.slice(s.lastIndexOf('/') + 1),
    entropy: 3.5,
    severity: 'error',
    source: 'https://api.slack.com/messaging/webhooks',
    example: (r) => `https://hooks.slack.com/services/T${r.upper(10)}/B${r.upper(10)}/${r.base62(24)}`,
  },
  github('github-pat', 'ghp', 'a GitHub personal access token'),
  github('github-oauth', 'gho', 'a GitHub OAuth access token'),
  github('github-user-to-server', 'ghu', 'a GitHub App user-to-server token'),
  github('github-server-to-server', 'ghs', 'a GitHub App installation token'),
  {
    ...github('github-refresh', 'ghr', 'a GitHub refresh token'),
    pattern: re(`${B}ghr_(?:[0-9A-Za-z]{36}|[0-9A-Za-z]{76})${E}`),
  },
  {
    id: 'github-fine-grained-pat',
    minLength: 93,
    service: 'GitHub',
    what: 'a GitHub fine-grained personal access token',
    keywords: ['github_pat_'],
    pattern: re(`${B}github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59}${E}`),
    body: after('github_pat_'),
    entropy: 4,
    severity: 'error',
    source:
      'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats',
    example: (r) => `github_pat_11${r.upper(20)}_${r.base62(59)}`,
  },
  {
    id: 'gitlab-token',
    minLength: 25,
    service: 'GitLab',
    what: 'a GitLab token',
    keywords: ['gl'],
    pattern: re(
      `${B}(?:glpat|gldt|glrt|glptt|gloas|glsoat|glffct|glcbt)-[0-9A-Za-z_-]{20,300}(?:\\.[0-9a-z]{2}\\.[0-9a-z]{7,9})?${E}`,
    ),
    body: after('-'),
    entropy: 3.5,
    severity: 'error',
    source: 'https://docs.gitlab.com/security/tokens/#token-prefixes',
    example: (r) => `glpat-${r.base62(20)}`,
  },
  {
    id: 'stripe-secret-key',
    minLength: 32,
    service: 'Stripe',
    what: 'a Stripe secret key',
    keywords: ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'],
    pattern: re(`${B}(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{24,247}${E}`),
    body: (s) => s.slice(8),
    entropy: 3.5,
    severity: 'error',
    source: 'https://docs.stripe.com/keys',
    example: (r) => `sk_live_51${r.base62(97)}`,
  },
  {
    id: 'slack-config-token',
    minLength: 145,
    service: 'Slack',
    what: 'a Slack configuration token',
    keywords: ['xoxe'],
    pattern: /(?<![A-Za-z0-9_.-])xoxe(?:\.xox[bp])?-\d-[0-9A-Za-z]{140,180}(?![A-Za-z0-9_-])/g,
    body: (s) => s.slice(s.lastIndexOf('-') + 1),
    entropy: 4,
    severity: 'error',
    source: 'https://api.slack.com/authentication/config-tokens',
    example: (r) => `xoxe.xoxp-1-${r.base62(163)}`,
  },
  {
    id: 'slack-token',
    minLength: 13,
    service: 'Slack',
    what: 'a Slack token',
    keywords: ['xox'],
    pattern:
      /(?<![A-Za-z0-9_.-])(?:xoxb-\d{8,14}-\d{8,14}-[0-9A-Za-z]{24}|xoxb-\d{8,14}-[0-9A-Za-z]{18,26}|xoxp-\d{8,14}-\d{8,14}-\d{8,14}-[0-9a-f]{32}|xox[os]-\d{6,14}-\d{6,14}-\d{6,14}-[0-9a-fA-F]{16,64}|xox[ar]-(?:\d-)?[0-9A-Za-z]{8,48}(?:-[0-9A-Za-z]{8,64}){0,4})(?![A-Za-z0-9_-])/g,
    body: (s) => s.slice(s.lastIndexOf('-') + 1),
    valid: (s) => /\d/.test(s.slice(5)),
    entropy: 2.5,
    severity: 'error',
    source: SLACK,
    example: (r) => `xoxb-${r.digits(12)}-${r.digits(13)}-${r.base62(24)}`,
  },
  {
    id: 'slack-app-token',
    minLength: 90,
    service: 'Slack',
    what: 'a Slack app-level token',
    keywords: ['xapp-'],
    pattern: re(`${B}xapp-\\d-[A-Z0-9]{9,12}-\\d{10,14}-[0-9a-f]{64}${E}`),
    body: (s) => s.slice(s.lastIndexOf('-') + 1),
    entropy: 3.2,
    severity: 'error',
    source: SLACK,
    // Joined, not one literal: the .vsix packager's own secret check takes a literal `xapp-1-…` for a token.
    example: (r) => ['xapp', '1', `A${r.upper(10)}`, r.digits(13), r.hex(64)].join('-'),
  },
  {
    id: 'anthropic-api-key',
    minLength: 93,
    service: 'Anthropic',
    what: 'an Anthropic API key',
    keywords: ['sk-ant-'],
    pattern: re(`${B}sk-ant-(?:api|admin|oat)\\d{2}-[0-9A-Za-z_-]{80,120}${E}`),
    body: (s) => s.slice(14),
    entropy: 4,
    severity: 'error',
    source: 'https://docs.anthropic.com/en/api/overview#authentication',
    example: (r) => `sk-ant-api03-${r.base64url(93)}AA`,
  },
  {
    id: 'openai-api-key',
    minLength: 48,
    service: 'OpenAI',
    what: 'an OpenAI API key',
    keywords: ['sk-'],
    pattern: re(
      `${B}(?:sk-(?:proj|svcacct|admin)-[0-9A-Za-z_-]{40,250}|sk-[0-9A-Za-z]{20}T3BlbkFJ[0-9A-Za-z]{20}|sk-[0-9A-Za-z_-]{20,120}T3BlbkFJ[0-9A-Za-z_-]{20,120})${E}`,
    ),
    body: (s) => s.slice(s.startsWith('sk-proj-') || s.startsWith('sk-admin-') ? 8 : 3),
    entropy: 4,
    severity: 'error',
    source: 'https://platform.openai.com/docs/api-reference/authentication',
    example: (r) => `sk-proj-${r.base64url(74)}T3BlbkFJ${r.base64url(74)}`,
  },
  {
    id: 'aws-access-key-id',
    minLength: 20,
    service: 'AWS',
    what: 'an AWS access key id',
    keywords: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/g,
    body: (s) => s.slice(4),
    entropy: 2.8,
    severity: 'error',
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids',
    example: (r) => `${r.next() < 0.5 ? 'AKIA' : 'ASIA'}${r.base32(16)}`,
  },
  {
    id: 'google-api-key',
    minLength: 39,
    service: 'Google',
    what: 'a Google API key',
    keywords: ['AIza'],
    pattern: re(`${B}AIza[0-9A-Za-z_-]{35}${E}`),
    body: (s) => s.slice(4),
    entropy: 3.5,
    severity: 'error',
    source: 'https://cloud.google.com/docs/authentication/api-keys',
    example: (r) => `AIza${r.base64url(35)}`,
  },
  {
    id: 'sendgrid-api-key',
    minLength: 69,
    service: 'SendGrid',
    what: 'a SendGrid API key',
    keywords: ['SG.'],
    pattern: re(`${B}SG\\.[0-9A-Za-z_-]{22}\\.[0-9A-Za-z_-]{43}${E}`),
    body: (s) => s.slice(3),
    entropy: 4,
    severity: 'error',
    source: 'https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys',
    example: (r) => `SG.${r.base64url(22)}.${r.base64url(43)}`,
  },
  {
    id: 'twilio-api-key',
    minLength: 34,
    service: 'Twilio',
    what: 'a Twilio API key SID',
    keywords: ['SK'],
    pattern: /(?<![A-Za-z0-9])SK[0-9a-f]{32}(?![A-Za-z0-9])/g,
    body: (s) => s.slice(2),
    entropy: 3,
    severity: 'warning',
    source: 'https://www.twilio.com/docs/iam/api-keys',
    example: (r) => `SK${r.hex(32)}`,
  },
  {
    id: 'npm-token',
    minLength: 40,
    service: 'npm',
    what: 'an npm access token',
    keywords: ['npm_'],
    pattern: re(`${B}npm_[0-9A-Za-z]{36}${E}`),
    body: after('_'),
    checksum: { name: 'CRC-32', valid: githubChecksum },
    entropy: 3.5,
    severity: 'error',
    source: 'https://github.blog/security/announcing-npms-new-access-token-format/',
    example: (r) => githubStyle('npm_', r),
  },
  {
    id: 'airtable-pat',
    minLength: 82,
    service: 'Airtable',
    what: 'an Airtable personal access token',
    keywords: ['pat'],
    pattern: re(`${B}pat[0-9A-Za-z]{14}\\.[0-9a-f]{64}${E}`),
    body: (s) => s.slice(18),
    entropy: 3.2,
    severity: 'error',
    source: 'https://airtable.com/developers/web/guides/personal-access-tokens',
    example: (r) => `pat${r.base62(14)}.${r.hex(64)}`,
  },
  {
    id: 'notion-token',
    minLength: 50,
    service: 'Notion',
    what: 'a Notion integration token',
    keywords: ['ntn_', 'secret_'],
    pattern: re(`${B}(?:ntn_\\d{11}[0-9A-Za-z]{35}|secret_[0-9A-Za-z]{43})${E}`),
    body: after('_'),
    entropy: 3.5,
    severity: 'error',
    source: 'https://developers.notion.com/docs/authorization',
    example: (r) => `ntn_${r.digits(11)}${r.base62(35)}`,
  },
  {
    id: 'jwt',
    minLength: 40,
    service: 'JWT',
    what: 'a JSON Web Token',
    keywords: ['eyJ'],
    pattern: re(`${B}eyJ[0-9A-Za-z_-]{10,}\\.eyJ[0-9A-Za-z_-]{10,}\\.[0-9A-Za-z_-]{16,}${E}`),
    body: (s) => s.slice(s.lastIndexOf('.') + 1),
    valid: jwtHeader,
    entropy: 3.5,
    severity: 'warning',
    source: 'https://www.rfc-editor.org/rfc/rfc7519',
    example: (r) =>
      `${base64url('{"alg":"HS256","typ":"JWT"}')}.${base64url(`{"sub":"${r.digits(8)}","iat":${1700000000 + r.int(0, 9e7)}}`)}.${r.base64url(43)}`,
  },
  {
    id: 'flero-api-key',
    minLength: 38,
    service: 'Flero',
    what: 'a Flero API key',
    keywords: ['_'],
    pattern: /(?<![A-Za-z0-9_])[a-z][a-z0-9_]{0,30}_[0-9A-Za-z]{36}(?![A-Za-z0-9_])/g,
    body: (s) => s.slice(-36),
    checksum: { name: 'CRC-32', valid: hasValidChecksum },
    entropy: 3.5,
    severity: 'error',
    source: 'docs/flero-api-keys (this product: prefix + 30 random base62 + CRC-32 of prefix and random, base62)',
    example: (r) => fleroStyle('flero_sk_', r),
  },
  {
    id: 'basic-auth',
    minLength: 12,
    service: 'HTTP',
    what: 'a literal Basic credential',
    keywords: ['asic'],
    pattern: /(?<![A-Za-z0-9])[Bb]asic\s+(?<secret>[A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])/dg,
    valid: (s) => basicCredential(s) !== undefined,
    entropy: 2.5,
    severity: 'error',
    source: 'https://www.rfc-editor.org/rfc/rfc7617',
    example: (r) => Buffer.from(`svc-${r.digits(4)}:${r.base62(20)}`).toString('base64'),
  },
  {
    id: 'bearer-token',
    minLength: 22,
    service: 'HTTP',
    what: 'a literal Bearer credential',
    keywords: ['earer', 'oken'],
    pattern: /(?<![A-Za-z0-9])(?:[Bb]earer|[Tt]oken)\s+(?<secret>[A-Za-z0-9._~+/_-]{16,}=*)(?![A-Za-z0-9._~+/=_-])/dg,
    valid: (s) => /[0-9]/.test(s) || s.length >= 32,
    entropy: 3.2,
    severity: 'error',
    source: 'https://www.rfc-editor.org/rfc/rfc6750#section-2.1',
    example: (r) => r.base64url(40),
  },
  {
    id: 'url-password',
    minLength: 9,
    service: 'URL',
    what: 'a password in a URL',
    keywords: ['://'],
    pattern:
      /\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}:\/\/(?<user>[^\s:/?#@'"`\\]{1,128}):(?<secret>[^\s/?#@'"`\\]{1,128})@[A-Za-z0-9[]/dg,
    entropy: 0,
    severity: 'error',
    source: 'https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1',
    example: (r) => r.base62(16),
  },
  {
    id: 'generic-keyed-secret',
    minLength: 9,
    service: 'generic',
    what: 'a high-entropy value under a key-like name',
    keywords: [],
    keyedHint: /key|token|secret|pass|pwd|auth|cred|cookie|bearer/i,
    // A name, `=` `:` `:=` `=>`, then a quoted or bare value (quotes may be JSON-escaped: `\"`).
    pattern:
      /(?<![A-Za-z0-9_$.-])(?<name>[A-Za-z_$][A-Za-z0-9_$.-]{1,60}?)(?:\\?["'])?[ \t]*(?::=|=>|=|:)[ \t]*(?<q>\\?["'`]|)(?<secret>[^\s"'`\\]{6,300}?)\k<q>(?=$|[\s,;)}\]"'`\\&#])/dgm,
    entropy: 3,
    severity: 'warning',
    source: 'names: server/src/core/secrets/names.ts; entropy floor 3 bits/char, letters and digits mixed',
    example: (r) => r.base62(32),
  },
];

export const RULES_BY_ID: ReadonlyMap<string, SecretRule> = new Map(SECRET_RULES.map((r) => [r.id, r]));
