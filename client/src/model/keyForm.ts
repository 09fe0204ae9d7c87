// The steps of "Generate API Key" as pure logic: what each step offers and what the request body becomes.
import { SCOPE_DESCRIPTIONS, SCOPES, type Scope } from '../../../server/src/core/scopes';

export interface CallerRights {
  scopes: readonly string[];
  workflows: 'all' | readonly string[];
  expiresAt?: string | null;
}

export function validateKeyName(name: string): string | undefined {
  const t = name.trim();
  if (!t) return 'Give the key a name (e.g. "CI deploy")';
  if (t.length > 100) return 'At most 100 characters';
  return undefined;
}

/** Scopes the caller may grant (minting never escalates), with their descriptions. */
export function grantableScopes(caller: CallerRights): { scope: Scope; description: string }[] {
  return SCOPES.filter((s) => caller.scopes.includes(s)).map((scope) => ({
    scope,
    description: SCOPE_DESCRIPTIONS[scope],
  }));
}

/** Whether "All workflows" may be offered: only to a caller that has all workflows itself. */
export function mayGrantAllWorkflows(caller: CallerRights): boolean {
  return caller.workflows === 'all';
}

/** An expiry no later than the caller's own; returns an error message or undefined. */
export function checkExpiryWithinCaller(expiresAt: string | undefined, caller: CallerRights): string | undefined {
  if (!caller.expiresAt) return undefined;
  if (!expiresAt) return `Your own key expires ${caller.expiresAt.slice(0, 10)}: a new key must expire by then too`;
  if (Date.parse(expiresAt) > Date.parse(caller.expiresAt))
    return `Your own key expires ${caller.expiresAt.slice(0, 10)}: choose an earlier expiry`;
  return undefined;
}

export interface CreateKeyBody {
  name: string;
  scopes: string[];
  workflows: 'all' | string[];
  expiresAt?: string;
}

export function createKeyBody(
  name: string,
  scopes: readonly string[],
  workflows: 'all' | readonly string[],
  expiresAt?: string,
): CreateKeyBody {
  const body: CreateKeyBody = {
    name: name.trim(),
    scopes: SCOPES.filter((s) => scopes.includes(s)),
    workflows: workflows === 'all' ? 'all' : [...workflows],
  };
  if (expiresAt) body.expiresAt = expiresAt;
  return body;
}
