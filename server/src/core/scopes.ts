// The nine scopes of Flero's API. Everything that needs to know about scopes (the router, the OpenAPI document, the
// extension's scope tree, the language server's hover, the tests) reads this file and `routes.ts`.

export const SCOPES = [
  'workflows:read',
  'workflows:write',
  'executions:read',
  'executions:write',
  'credentials:read',
  'credentials:write',
  'api-keys:read',
  'api-keys:write',
  'audit:read',
] as const;

export type Scope = (typeof SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'workflows:read': 'List and read workflows the key may see',
  'workflows:write': 'Create, update and delete workflows',
  'executions:read': 'List and read executions and their logs',
  'executions:write': 'Run workflows',
  'credentials:read': 'List credential metadata and test connections (never values)',
  'credentials:write': 'Create, rotate and delete credentials',
  'api-keys:read': 'List API keys (never their values)',
  'api-keys:write': 'Generate and revoke API keys (never beyond the caller’s own rights)',
  'audit:read': 'Read the audit log',
};

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}
