// The steps of "Add Credential" as pure logic: ids, placement, hosts, the connection-test request.
import type { CredentialMeta } from '../../../server/src/core/credentials';
import { CREDENTIAL_ID_PATTERN, HOST_PATTERN } from '../../../server/src/core/credentialPatterns';
import { type AuthType, defaultPlacementFor, type ServiceSpec } from '../../../server/src/core/services';

export function suggestCredentialId(serviceId: string, taken: ReadonlySet<string>): string {
  const base = `cred_${serviceId.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

export function validateCredentialId(id: string, taken: ReadonlySet<string>): string | undefined {
  if (!CREDENTIAL_ID_PATTERN.test(id)) return 'Letters, digits, _ . - (start with a letter or digit, max 128)';
  if (taken.has(id)) return `"${id}" is already used: pick another id or rotate that credential`;
  return undefined;
}

export function validateSecretValue(value: string): string | undefined {
  if (!value) return 'Paste the secret value';
  if (/[\r\n]/.test(value)) return 'The value must be a single line';
  if (value !== value.trim()) return 'The value starts or ends with spaces: remove them';
  return undefined;
}

export type PlacementKind = 'header' | 'query';

/** The placement kinds an auth type allows: bearer is always the Authorization header. */
export function placementKinds(authType: AuthType): PlacementKind[] {
  return authType === 'bearer' ? ['header'] : ['header', 'query'];
}

/** Pre-filled header name + prefix, or query parameter, for the service and auth type. */
export function prefilledPlacement(
  service: ServiceSpec,
  authType: AuthType,
): { header: { name: string; prefix: string }; query: { param: string }; preferred: PlacementKind } {
  const p = defaultPlacementFor(service, authType);
  return {
    header: p.header ?? { name: 'X-API-Key', prefix: '' },
    query: p.query ?? { param: 'api_key' },
    preferred: p.query && !p.header ? 'query' : 'header',
  };
}

export function validateHeaderName(name: string): string | undefined {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/.test(name)
    ? undefined
    : 'A header name: letters, digits and - (e.g. X-API-Key)';
}

export function validateQueryParam(name: string): string | undefined {
  return /^[A-Za-z0-9_.~-]{1,128}$/.test(name) ? undefined : 'A query parameter name (e.g. api_key)';
}

/** For a `custom` service: the URL of the no-op test call gives the host the credential may be sent to. */
export function parseTestUrl(text: string): { url: string; host: string } | { error: string } {
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    return { error: 'Enter a URL, e.g. https://api.example.com/health' };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { error: 'The URL must be http:// or https://' };
  const host = u.host.toLowerCase();
  if (!HOST_PATTERN.test(host)) return { error: `"${host}" is not a host name Flero accepts` };
  return { url: u.toString(), host };
}

/** The no-op request "Test Connection" makes for a credential (holds the secret: never log the result). */
export function testRequest(
  meta: CredentialMeta,
  value: string,
  service: ServiceSpec,
  testUrl?: string,
): { method: string; url: string; headers: Record<string, string> } | { error: string } {
  const base = testUrl ?? (service.baseUrl ? `${service.baseUrl}${service.test.path}` : undefined);
  if (!base) return { error: `a "${service.name}" credential needs a test URL` };
  const url = new URL(base);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (meta.query) url.searchParams.set(meta.query.param, value);
  else if (meta.header) headers[meta.header.name] = `${meta.header.prefix}${value}`;
  else headers.Authorization = `Bearer ${value}`;
  return { method: testUrl ? 'GET' : service.test.method, url: url.toString(), headers };
}

export interface CredentialAnswers {
  id: string;
  name: string;
  service: ServiceSpec;
  authType: AuthType;
  placement: { header?: { name: string; prefix: string }; query?: { param: string } };
  host?: string;
}

export function credentialMeta(a: CredentialAnswers): CredentialMeta {
  const meta: CredentialMeta = { id: a.id, name: a.name.trim() || a.id, service: a.service.id, authType: a.authType };
  if (a.authType === 'bearer') meta.header = { name: 'Authorization', prefix: 'Bearer ' };
  else if (a.placement.query) meta.query = a.placement.query;
  else if (a.placement.header) meta.header = a.placement.header;
  if (a.host) meta.hosts = [a.host];
  return meta;
}

export type Placement = CredentialAnswers['placement'];

/** The detail line of a service in the "Service" pick. */
export function serviceDetail(s: ServiceSpec): string {
  return `Auth: ${s.authTypes.join(', ')}${s.hosts.length ? ` · hosts: ${s.hosts.join(', ')}` : ''}`;
}

/** Label and description of an auth type in the "Auth Type" pick. */
export function authTypeItem(a: AuthType): { label: string; description: string } {
  if (a === 'oauth2')
    return { label: 'OAuth2', description: 'the Flero server gets and refreshes access tokens (server only)' };
  return a === 'bearer'
    ? { label: 'Bearer token', description: 'Authorization: Bearer …' }
    : { label: 'API key', description: 'a header or query parameter' };
}

/** Label and description of a placement kind in the "Placement" pick, showing the pre-filled names. */
export function placementItem(
  k: PlacementKind,
  pre: ReturnType<typeof prefilledPlacement>,
): { label: string; description: string } {
  return k === 'header'
    ? { label: 'Header', description: `${pre.header.name}: ${pre.header.prefix}…` }
    : { label: 'Query parameter', description: `?${pre.query.param}=…` };
}

/** Where a new credential is kept: the labels of the "Save To" pick. */
export const SAVE_TARGETS = {
  local: 'SecretStorage (this machine)',
  server: 'The Flero server',
  both: 'Both',
} as const;

export function savesToServer(where: string): boolean {
  return where === SAVE_TARGETS.server || where === SAVE_TARGETS.both;
}

export function savesLocally(where: string): boolean {
  return where === SAVE_TARGETS.local || where === SAVE_TARGETS.both;
}

/** "SecretStorage and the server" for Both, else the target's own label. */
export function savedToText(where: string): string {
  return where === SAVE_TARGETS.both ? 'SecretStorage and the server' : where;
}

// ---- OAuth2 (server-only credentials: the server gets, caches and refreshes the tokens) ----------------------

export type OAuth2GrantType = 'client_credentials' | 'authorization_code';

/** The `oauth2` object of a create request (core/oauth2.ts OAuth2ConfigSchema; no zod here: bundle size). */
export interface OAuth2Answers {
  grantType: OAuth2GrantType;
  tokenUrl: string;
  authorizationUrl?: string;
  clientId: string;
  scope?: string;
}

/** The items of the "Grant Type" pick. */
export const GRANT_TYPE_ITEMS: readonly { label: string; description: string; grantType: OAuth2GrantType }[] = [
  {
    label: 'Client credentials',
    description: 'machine to machine: the client id and secret get the tokens',
    grantType: 'client_credentials',
  },
  {
    label: 'Authorization code',
    description: 'a person consents once in a browser (PKCE); the server refreshes the tokens',
    grantType: 'authorization_code',
  },
];

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\./.test(hostname);
}

/**
 * Why a token or authorization URL is refused, as a sentence, or undefined: https, or plain http only on a loopback
 * host; no user name or password. The same rule as the server's (core/oauth2.ts oauth2UrlProblem).
 */
export function validateOAuth2Url(text: string, what: 'token' | 'authorization'): string | undefined {
  const example = what === 'token' ? 'https://auth.example.com/oauth/token' : 'https://auth.example.com/authorize';
  const t = text.trim();
  if (!t) return `Enter the ${what} endpoint, e.g. ${example}`;
  let u: URL;
  try {
    u = new URL(t);
  } catch {
    return `Enter a URL, e.g. ${example}`;
  }
  if (u.username || u.password) return 'The URL must not carry a user name or password';
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:') {
    return isLoopbackHost(u.hostname)
      ? undefined
      : `Plain http is only allowed on a loopback host (127.0.0.1, localhost): use https://${u.host}${u.pathname}`;
  }
  return 'The URL must be https:// (or http:// on a loopback host)';
}

export function validateClientId(text: string): string | undefined {
  if (!text.trim()) return 'Enter the client id the provider gave you';
  if (text.length > 512) return 'The client id is at most 512 characters';
  if (text !== text.trim()) return 'The client id starts or ends with spaces: remove them';
  return undefined;
}

export function validateScope(text: string): string | undefined {
  if (text.length > 2048) return 'The scope is at most 2048 characters';
  if (/[\r\n\t]/.test(text)) return 'Space-separated scopes on one line';
  return undefined;
}

/** The `oauth2` body: URLs trimmed, an empty scope left out. */
export function oauth2Config(a: OAuth2Answers): OAuth2Answers {
  const config: OAuth2Answers = { grantType: a.grantType, tokenUrl: a.tokenUrl.trim(), clientId: a.clientId };
  if (a.grantType === 'authorization_code' && a.authorizationUrl) config.authorizationUrl = a.authorizationUrl.trim();
  const scope = a.scope?.trim().replace(/\s+/g, ' ');
  if (scope) config.scope = scope;
  return config;
}

/** The metadata of an OAuth2 credential: no header/query (the server sends `Authorization: Bearer <token>`). */
export function oauth2CredentialMeta(a: {
  id: string;
  name: string;
  service: ServiceSpec;
  host?: string;
}): CredentialMeta {
  const meta: CredentialMeta = { id: a.id, name: a.name.trim() || a.id, service: a.service.id, authType: 'oauth2' };
  if (a.host) meta.hosts = [a.host];
  return meta;
}

/** The "Client Secret" choice for authorization_code: a public client sends none (PKCE protects the code). */
export const NO_CLIENT_SECRET = 'No secret (public client with PKCE)';
export const ENTER_CLIENT_SECRET = 'Enter the client secret';

/** Why OAuth2 cannot be offered (no server / no write scope), or undefined. */
export function oauth2NeedsServer(state: string, scopes: readonly string[] | undefined): string | undefined {
  if (state !== 'connected')
    return 'OAuth2 credentials are kept on the Flero server only (it gets and refreshes the tokens): connect to a server and sign in first.';
  if (!scopes?.includes('credentials:write'))
    return 'OAuth2 credentials are kept on the Flero server only: the signed-in key needs the credentials:write scope.';
  return undefined;
}
