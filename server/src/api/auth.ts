// Bearer authentication and authorisation from the route table (RFC 6750 challenges).
import type { IncomingMessage } from 'node:http';
import { hashKey, hasValidChecksum } from '../core/keys';
import type { RouteSpec } from '../core/routes';
import type { AuthKey, KeyDirectory } from './keyDirectory';
import { ApiError } from './problem';

const REALM = 'Bearer realm="flero"';

export const unauthenticated = (code: string, detail: string) =>
  new ApiError(401, code, detail, { headers: { 'www-authenticate': REALM } });

export const invalidToken = (detail: string) =>
  new ApiError(401, 'invalid_token', detail, {
    headers: { 'www-authenticate': `${REALM}, error="invalid_token", error_description="${detail}"` },
  });

/** The bearer token of a request, or an ApiError. Counts Authorization headers in rawHeaders (Node keeps the first). */
export function bearerToken(req: IncomingMessage): string | ApiError {
  const header = req.headers.authorization;
  if (header === undefined)
    return unauthenticated('missing_credentials', 'send an API key: Authorization: Bearer <key>');
  const raw = req.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i]!.length === 13 && raw[i]!.toLowerCase() === 'authorization') seen++;
  if (seen > 1)
    return new ApiError(400, 'invalid_request', 'send exactly one Authorization header', {
      headers: { 'www-authenticate': `${REALM}, error="invalid_request"` },
    });
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer')
    return unauthenticated(
      'unsupported_auth_scheme',
      'only the Bearer scheme is supported: Authorization: Bearer <key>',
    );
  const token = header.slice(space + 1).trim();
  if (!token || /\s/.test(token)) return invalidToken('the bearer token is malformed');
  return token;
}

const MALFORMED = 'the key is malformed (not a Flero API key)';

/** Resolves a token to a live key (or an invalid_token error). Sync on the embedded store. */
export function resolveKey(
  keys: KeyDirectory,
  token: string,
  now: number,
): AuthKey | ApiError | Promise<AuthKey | ApiError> {
  // Embedded: the index lookup is cheaper than the checksum, so the checksum only words the miss. PostgreSQL: a
  // malformed token never reaches the database.
  if (!keys.inMemory && !hasValidChecksum(token)) return invalidToken(MALFORMED);
  const found = keys.lookup(hashKey(token));
  const check = (k: AuthKey | undefined): AuthKey | ApiError => {
    if (!k) return invalidToken(hasValidChecksum(token) ? 'the key is unknown or revoked' : MALFORMED);
    if (k.expiresMs <= now) return invalidToken('the key expired');
    return k;
  };
  return found instanceof Promise ? found.then(check) : check(found);
}

/** Scope and allow-list checks the route table declares. `workflowId` = the `{id}` of workflow-param routes. */
export function authorize(route: RouteSpec, key: AuthKey, workflowId: string | undefined): ApiError | undefined {
  if (route.scope !== 'none' && route.scope !== 'any' && !key.scopes.has(route.scope)) {
    return new ApiError(403, 'insufficient_scope', `this request needs the scope ${route.scope}`, {
      scope: route.scope,
      headers: {
        'www-authenticate': `${REALM}, error="insufficient_scope", scope="${route.scope}", error_description="this request needs the scope ${route.scope}"`,
      },
    });
  }
  if (route.needsAllWorkflows && key.workflows)
    return new ApiError(
      403,
      'workflow_not_allowed',
      'this request needs a key allowed on all workflows (its allow-list is limited)',
    );
  if (route.workflowScoped === 'param' && key.workflows && workflowId !== undefined && !key.workflows.has(workflowId))
    return workflowNotAllowed();
  return undefined;
}

/** Names no workflow: the id came from the client (or belongs to a workflow this key may not see). */
export const workflowNotAllowed = () =>
  new ApiError(403, 'workflow_not_allowed', 'this key is not allowed on this workflow (it is outside its allow-list)');

/** May this key see that workflow? */
export function allows(key: AuthKey, workflowId: string): boolean {
  return !key.workflows || key.workflows.has(workflowId);
}
