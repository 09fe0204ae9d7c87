// THE route → scope table. The API router registers exactly these routes with exactly these scopes; the OpenAPI
// document is generated from it; the extension's Scopes view and the tests' route × scope × allow-list matrix read it.
import type { Scope } from './scopes';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * `scope`:
 *  - a Scope: the key must hold it;
 *  - 'none': public (no key needed);
 *  - 'any': any valid key.
 * `workflowParam`: the route acts on one workflow (or an execution / of a workflow): the key's allow-list applies.
 * `needsAllWorkflows`: the key must have `"all"` workflows (creating workflows).
 */
export interface RouteSpec {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI-style path, e.g. `/api/workflows/{id}`. */
  path: string;
  scope: Scope | 'none' | 'any';
  summary: string;
  workflowScoped?: 'param' | 'list' | 'execution';
  needsAllWorkflows?: boolean;
}

const TABLE = [
  { operationId: 'health', method: 'GET', path: '/healthz', scope: 'none', summary: 'Liveness check' },
  { operationId: 'apiDocs', method: 'GET', path: '/api-docs', scope: 'none', summary: 'HTML API reference' },
  {
    operationId: 'openapi',
    method: 'GET',
    path: '/api-docs/openapi.json',
    scope: 'none',
    summary: 'OpenAPI 3.1 document',
  },
  {
    operationId: 'listWorkflows',
    method: 'GET',
    path: '/api/workflows',
    scope: 'workflows:read',
    summary: 'List the workflows the key may see',
    workflowScoped: 'list',
  },
  {
    operationId: 'createWorkflow',
    method: 'POST',
    path: '/api/workflows',
    scope: 'workflows:write',
    summary: 'Create a workflow',
    needsAllWorkflows: true,
  },
  {
    operationId: 'getWorkflow',
    method: 'GET',
    path: '/api/workflows/{id}',
    scope: 'workflows:read',
    summary: 'Read a workflow',
    workflowScoped: 'param',
  },
  {
    operationId: 'putWorkflow',
    method: 'PUT',
    path: '/api/workflows/{id}',
    scope: 'workflows:write',
    summary: 'Create or replace a workflow',
    workflowScoped: 'param',
  },
  {
    operationId: 'deleteWorkflow',
    method: 'DELETE',
    path: '/api/workflows/{id}',
    scope: 'workflows:write',
    summary: 'Delete a workflow',
    workflowScoped: 'param',
  },
  {
    operationId: 'runWorkflow',
    method: 'POST',
    path: '/api/workflows/{id}/run',
    scope: 'executions:write',
    summary: 'Run a workflow',
    workflowScoped: 'param',
  },
  {
    operationId: 'listExecutions',
    method: 'GET',
    path: '/api/executions',
    scope: 'executions:read',
    summary: 'List executions of the workflows the key may see',
    workflowScoped: 'list',
  },
  {
    operationId: 'getExecution',
    method: 'GET',
    path: '/api/executions/{id}',
    scope: 'executions:read',
    summary: 'Read an execution',
    workflowScoped: 'execution',
  },
  {
    operationId: 'deleteExecution',
    method: 'DELETE',
    path: '/api/executions/{id}',
    scope: 'executions:write',
    summary: 'Delete a finished execution',
    workflowScoped: 'execution',
  },
  {
    operationId: 'cancelExecution',
    method: 'POST',
    path: '/api/executions/{id}/cancel',
    scope: 'executions:write',
    summary: 'Cancel a running execution',
    workflowScoped: 'execution',
  },
  {
    operationId: 'listCredentials',
    method: 'GET',
    path: '/api/credentials',
    scope: 'credentials:read',
    summary: 'List credentials (metadata only)',
  },
  {
    operationId: 'createCredential',
    method: 'POST',
    path: '/api/credentials',
    scope: 'credentials:write',
    summary: 'Create a credential',
  },
  {
    operationId: 'getCredential',
    method: 'GET',
    path: '/api/credentials/{id}',
    scope: 'credentials:read',
    summary: 'Read a credential (metadata only)',
  },
  {
    operationId: 'updateCredential',
    method: 'PATCH',
    path: '/api/credentials/{id}',
    scope: 'credentials:write',
    summary: 'Edit or rotate a credential',
  },
  {
    operationId: 'deleteCredential',
    method: 'DELETE',
    path: '/api/credentials/{id}',
    scope: 'credentials:write',
    summary: 'Delete a credential',
  },
  {
    operationId: 'rollbackCredential',
    method: 'POST',
    path: '/api/credentials/{id}/rollback',
    scope: 'credentials:write',
    summary: 'Restore the value before the last rotation (within 24 h of it)',
  },
  {
    operationId: 'testCredential',
    method: 'POST',
    path: '/api/credentials/{id}/test',
    scope: 'credentials:read',
    summary: 'Test a credential with the service’s no-op call',
  },
  {
    operationId: 'authorizeOAuth2Credential',
    method: 'POST',
    path: '/api/credentials/{id}/oauth2/authorize',
    scope: 'credentials:write',
    summary: 'Start the OAuth2 consent of an authorization_code credential (PKCE + state): the URL to open',
  },
  {
    operationId: 'oauth2Callback',
    method: 'GET',
    path: '/oauth2/callback',
    scope: 'none',
    summary: 'Where the OAuth2 provider redirects after consent (completes it; answers a small HTML page)',
  },
  {
    operationId: 'whoami',
    method: 'GET',
    path: '/api/me',
    scope: 'any',
    summary: 'The calling key’s own metadata (name, scopes, workflows, expiry)',
  },
  { operationId: 'listServices', method: 'GET', path: '/api/services', scope: 'any', summary: 'The service catalog' },
  {
    operationId: 'listApiKeys',
    method: 'GET',
    path: '/api/api-keys',
    scope: 'api-keys:read',
    summary: 'List API keys',
  },
  {
    operationId: 'createApiKey',
    method: 'POST',
    path: '/api/api-keys',
    scope: 'api-keys:write',
    summary: 'Generate an API key (plaintext returned once)',
  },
  {
    operationId: 'getApiKey',
    method: 'GET',
    path: '/api/api-keys/{id}',
    scope: 'api-keys:read',
    summary: 'Read an API key’s metadata',
  },
  {
    operationId: 'revokeApiKey',
    method: 'DELETE',
    path: '/api/api-keys/{id}',
    scope: 'api-keys:write',
    summary: 'Revoke an API key',
  },
  {
    operationId: 'rollApiKey',
    method: 'POST',
    path: '/api/api-keys/{id}/roll',
    scope: 'api-keys:write',
    summary: 'Roll an API key: a new key replaces it, the old one keeps working for the overlap',
  },
  { operationId: 'listAudit', method: 'GET', path: '/api/audit', scope: 'audit:read', summary: 'Read the audit log' },
  {
    operationId: 'reportLeakedKeys',
    method: 'POST',
    path: '/api/leaked-keys',
    scope: 'none',
    summary: 'Report leaked keys (no key needed): live Flero keys in the report are revoked',
  },
] as const satisfies readonly RouteSpec[];

/** Every operation's id, as a type (the typed API client is keyed by it). */
export type OperationId = (typeof TABLE)[number]['operationId'];
/** An operation's path template, e.g. `/api/workflows/{id}/run`. */
export type OperationPath<O extends OperationId> = Extract<(typeof TABLE)[number], { operationId: O }>['path'];

export const ROUTES: readonly RouteSpec[] = TABLE;

/** The route of an operation, by id. */
export const ROUTE_BY_ID: ReadonlyMap<OperationId, RouteSpec> = new Map(
  ROUTES.map((r) => [r.operationId as OperationId, r]),
);

/** Routes a scope unlocks (for the Scopes view and hover). */
export function routesForScope(scope: Scope): RouteSpec[] {
  return ROUTES.filter((r) => r.scope === scope);
}
