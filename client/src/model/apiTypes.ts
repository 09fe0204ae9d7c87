// Shapes of the Flero HTTP API as the extension reads them, parsed tolerantly (a missing optional field never
// breaks a view). Pure: no vscode.
import type { CredentialMeta } from '../../../server/src/core/credentials';

export interface KeyInfo {
  id: string;
  name: string;
  start?: string;
  scopes: string[];
  workflows: 'all' | string[];
  expiresAt?: string | null;
  createdAt?: string | null;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
}

export interface ServerCredential extends CredentialMeta {
  last4?: string;
  createdAt?: string;
  updatedAt?: string;
}

export interface WorkflowSummary {
  id: string;
  name: string;
}

export interface TestResult {
  ok: boolean;
  status: number;
  detail: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strOrNull = (v: unknown): string | null | undefined => (v === null ? null : str(v));

/** A list body: a bare array, or the first array under a usual wrapper property. */
export function asList(body: unknown, ...keys: string[]): unknown[] {
  if (Array.isArray(body)) return body;
  if (!isObj(body)) return [];
  for (const k of [...keys, 'items', 'data', 'results']) {
    const v = body[k];
    if (Array.isArray(v)) return v;
  }
  return [];
}

export function parseKey(v: unknown): KeyInfo | undefined {
  if (!isObj(v)) return undefined;
  const inner = isObj(v.apiKey) ? v.apiKey : v;
  const id = str(inner.id);
  if (!id) return undefined;
  const workflows = Array.isArray(inner.workflows) ? inner.workflows.filter((w) => typeof w === 'string') : 'all';
  return {
    id,
    name: str(inner.name) ?? id,
    start: str(inner.start),
    scopes: Array.isArray(inner.scopes) ? inner.scopes.filter((s): s is string => typeof s === 'string') : [],
    workflows,
    expiresAt: strOrNull(inner.expiresAt),
    createdAt: strOrNull(inner.createdAt),
    lastUsedAt: strOrNull(inner.lastUsedAt),
    revokedAt: strOrNull(inner.revokedAt),
  };
}

export function parseKeys(body: unknown): KeyInfo[] {
  return asList(body, 'apiKeys', 'keys')
    .map(parseKey)
    .filter((k): k is KeyInfo => !!k);
}

/** The plaintext of a freshly created key (`key` in the create response). Never logged. */
export function createdKeyPlaintext(body: unknown): string | undefined {
  if (!isObj(body)) return undefined;
  return str(body.key) ?? str(body.plaintext) ?? str(body.secret);
}

export function parseCredential(v: unknown): ServerCredential | undefined {
  if (!isObj(v)) return undefined;
  const id = str(v.id);
  const service = str(v.service);
  if (!id || !service) return undefined;
  const authType = v.authType === 'bearer' ? 'bearer' : 'apiKey';
  const out: ServerCredential = { id, name: str(v.name) ?? id, service, authType };
  if (isObj(v.header) && str(v.header.name))
    out.header = { name: str(v.header.name)!, prefix: str(v.header.prefix) ?? '' };
  if (isObj(v.query) && str(v.query.param)) out.query = { param: str(v.query.param)! };
  if (Array.isArray(v.hosts)) out.hosts = v.hosts.filter((h): h is string => typeof h === 'string');
  const last4 = str(v.last4);
  if (last4) out.last4 = last4;
  return out;
}

export function parseCredentials(body: unknown): ServerCredential[] {
  return asList(body, 'credentials')
    .map(parseCredential)
    .filter((c): c is ServerCredential => !!c);
}

export function parseWorkflows(body: unknown): WorkflowSummary[] {
  return asList(body, 'workflows').flatMap((w) => {
    if (!isObj(w) || !str(w.id)) return [];
    return [{ id: str(w.id)!, name: str(w.name) ?? str(w.id)! }];
  });
}

export function parseTestResult(body: unknown): TestResult {
  if (!isObj(body)) return { ok: false, status: 0, detail: 'the server sent no result' };
  return {
    ok: body.ok === true,
    status: typeof body.status === 'number' ? body.status : 0,
    detail: str(body.detail) ?? '',
  };
}

/** RFC 9457 problem body, as far as present. */
export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  code?: string;
}

export function parseProblem(status: number, body: unknown): Problem {
  if (!isObj(body)) return { status };
  return { status, title: str(body.title), detail: str(body.detail), code: str(body.code) };
}

/** A sentence a person can act on, for an HTTP failure of `action` (e.g. "list API keys"). */
export function describeProblem(action: string, p: Problem, wwwAuthenticate?: string | null): string {
  const said = p.detail || p.title;
  const tail = said ? `: ${said}` : '';
  if (p.status === 401) {
    const expired = /expired/i.test(`${wwwAuthenticate ?? ''} ${said ?? ''}`);
    return `Could not ${action}: the server did not accept the API key${expired ? ' (it has expired)' : ' (unknown, revoked or expired)'}. Sign in again with "Flero: Sign In with API Key".`;
  }
  if (p.status === 403) {
    const scope = /scope="([^"]+)"/.exec(wwwAuthenticate ?? '')?.[1];
    if (p.code === 'workflow_not_allowed')
      return `Could not ${action}: the key is not allowed to use this workflow${tail}`;
    if (p.code === 'privilege_escalation')
      return `Could not ${action}: a key cannot grant more than it holds itself${tail}`;
    return `Could not ${action}: the signed-in key lacks ${scope ? `the scope "${scope}"` : 'a required scope'}${tail}`;
  }
  if (p.status === 404) return `Could not ${action}: not found on the server${tail}`;
  if (p.status === 429) return `Could not ${action}: too many failed attempts, try again later${tail}`;
  return `Could not ${action}: HTTP ${p.status}${tail}`;
}
