// The generic, hand-written parts of the OpenAPI document (openapi.ts builds the rest from the route table and the
// zod schemas): the tags and their descriptions, the security scheme's text, the problem codes, the curl sample of an
// operation, and the clean-up of what z.toJSONSchema emits that only a schema library needs.
import { CHECKSUM_LENGTH, DEFAULT_KEY_PREFIX, RANDOM_LENGTH } from '../core/keys';
import type { RouteSpec } from '../core/routes';
import { SCOPE_DESCRIPTIONS, SCOPES } from '../core/scopes';

type Json = Record<string, unknown>;

export const TAGS = [
  {
    name: 'workflows',
    description:
      'Workflow documents (`*.flero.json`): a trigger, HTTP, Code and connector nodes and the connections between them. A key with a workflow allow-list sees and runs only those workflows.',
  },
  {
    name: 'executions',
    description:
      'Runs of workflows: their status, input, each node’s output and logs (credential values masked). Listed newest first, paged with the `Link` header.',
  },
  {
    name: 'credentials',
    description:
      'External services’ keys, tokens and OAuth2 clients, sealed on the server (AES-256-GCM). The API answers metadata only — never a value; `last4` at most. Rotation tests the new value first and can be rolled back for 24 h.',
  },
  {
    name: 'api-keys',
    description:
      'Flero API keys: scopes, a workflow allow-list and an expiry. A key can mint, read, roll and revoke only keys within its own reach (never more than it holds). The plaintext of a key is shown once, when it is created or rolled.',
  },
  { name: 'audit', description: 'The audit log: who did what, when, from where — never a secret.' },
  { name: 'services', description: 'The service catalog: how each service is authenticated and which hosts it uses.' },
  {
    name: 'leaked-keys',
    description:
      'The public leaked-key report: anyone who finds Flero keys (a secret scanner, a person) posts them here and the live ones are revoked.',
  },
  { name: 'system', description: 'Health and this documentation (no key needed).' },
] as const;

export type TagName = (typeof TAGS)[number]['name'];

/** The tag of a route: the area after `/api/` (`/api/me` is about API keys; `/oauth2/callback` about credentials). */
export function tagOf(route: Pick<RouteSpec, 'path'>): TagName {
  if (route.path === '/api/me') return 'api-keys';
  if (route.path.startsWith('/oauth2/')) return 'credentials';
  const area = route.path.startsWith('/api/') ? route.path.split('/')[2] : undefined;
  return TAGS.find((t) => t.name === area)?.name ?? 'system';
}

/** What `{id}` is, by tag. */
export const ID_PARAM_DESCRIPTIONS: Partial<Record<TagName, string>> = {
  workflows: 'The workflow id (letters, digits, `_ . -`, at most 64), e.g. `hello-world`',
  executions: 'The execution id: `exe_` and 32 hex digits',
  credentials: 'The credential id (letters, digits, `_ . -`, at most 128), e.g. `github-ci`',
  'api-keys': 'The API key id: `key_` and 16 letters or digits (not the key itself)',
};

const keyFormat = `\`<prefix>_<random><checksum>\`: the prefix (\`${DEFAULT_KEY_PREFIX}\` unless the server sets \`--key-prefix\`), ${RANDOM_LENGTH} random base62 characters and a ${CHECKSUM_LENGTH}-character CRC-32 checksum (base62), so a leaked key is recognisable offline`;

export const SECURITY_DESCRIPTION = [
  'A Flero API key, sent as `Authorization: Bearer <key>`.',
  '',
  `**Format:** ${keyFormat}. Listings show only \`start\` (the prefix and 4 random characters); the server stores a SHA-256 hash, never the key.`,
  '',
  '**Where keys come from:** the local server writes its *owner key* (every scope, all workflows) once, on first start, to its owner key file (or prints it once); `flero keys create --name … --scopes …` mints a narrower one; the VS Code extension’s **Flero: Generate API Key** does the same and keeps its own key in SecretStorage; `POST /api/api-keys` with an `api-keys:write` key.',
  '',
  `**Scopes:** ${SCOPES.map((s) => `\`${s}\` (${SCOPE_DESCRIPTIONS[s]})`).join('; ')}.`,
].join('\n');

/** Every `code` the API answers in a problem, with its meaning (shown in `info.description`). */
export const PROBLEM_CODES: Record<string, string> = {
  validation_failed: 'the body or a query parameter is invalid; `errors` lists the fields',
  malformed_json: 'the body is not JSON',
  payload_too_large: 'the body is over 1 MiB',
  unsupported_media_type: 'the body is not `application/json`',
  invalid_token: 'the key is malformed, unknown, revoked or expired',
  insufficient_scope: 'the key lacks the operation’s scope (`scope` names it)',
  workflow_not_allowed: 'the workflow is not on the key’s allow-list',
  privilege_escalation: 'the request would give or touch more than the calling key holds',
  too_many_failed_auth: 'too many failed authentications from this address (see `Retry-After`)',
  too_many_reports: 'too many leaked-key reports from this address (see `Retry-After`)',
  not_found: 'no such id',
  conflict: 'the id exists already',
  key_lifetime_exceeded: 'the key would outlive the server’s `--max-key-lifetime`',
  already_rolled: 'the key was rolled before: roll the key that replaced it',
  key_not_active: 'the key is revoked or expired',
  rotation_test_failed: 'the service’s test call refused the new value (`verdict` says how)',
  value_unchanged: 'the new value is the current one',
  value_reused: 'the new value is one of the credential’s previous values',
  nothing_to_roll_back: 'no rotation within the last 24 h',
  not_authorization_code: 'not an oauth2 `authorization_code` credential',
  execution_finished: 'the execution is no longer running',
  execution_running: 'the execution is still running',
  master_key_unavailable: 'the server has no master key to open credentials',
};

/** The problem codes a response description names (in backticks). */
export function codesIn(description: string): string[] {
  return [...description.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!).filter((c) => c in PROBLEM_CODES);
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The curl sample of an operation (`x-codeSamples`), with the example path id, query and body. */
export function curlSample(
  route: RouteSpec,
  opts: { id?: string | undefined; query?: Record<string, string | number> | undefined; body?: unknown },
): Json {
  let path = route.path.replace('{id}', encodeURIComponent(opts.id ?? 'ID'));
  if (opts.query && Object.keys(opts.query).length)
    path += `?${new URLSearchParams(Object.entries(opts.query).map(([k, v]): [string, string] => [k, String(v)]))}`;
  const lines = [`curl -X ${route.method} "$FLERO_SERVER_URL${path}"`];
  if (route.scope !== 'none') lines.push(`-H "Authorization: Bearer $FLERO_API_KEY"`);
  if (opts.body !== undefined)
    lines.push('-H "Content-Type: application/json"', `-d ${shellQuote(JSON.stringify(opts.body))}`);
  return { lang: 'Shell', label: 'curl', source: lines.join(' \\\n  ') };
}

const SAFE_INT = Number.MAX_SAFE_INTEGER;

/** `{type: "string"}` and nothing else: a key schema that says no more than JSON does. */
const isStringOnly = (v: unknown) =>
  !!v && typeof v === 'object' && Object.keys(v).length === 1 && (v as Json).type === 'string';

/**
 * Removes what z.toJSONSchema emits for the schema library rather than for readers: the long `pattern` beside
 * `format: date-time` (`format` says it), the ±2^53−1 bounds of every integer (JSON numbers' limit, not ours) and
 * z.record's `propertyNames: {type: "string"}` (an object's keys are strings anyway).
 */
export function cleanSchema<T>(node: T): T {
  if (Array.isArray(node)) return node.map(cleanSchema) as T;
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'pattern' && (node as Json).format === 'date-time') continue;
    if ((k === 'minimum' || k === 'maximum') && (v === SAFE_INT || v === -SAFE_INT)) continue;
    if (k === 'propertyNames' && isStringOnly(v)) continue;
    out[k] = cleanSchema(v);
  }
  return out as T;
}
