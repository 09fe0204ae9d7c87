// The steps of "Generate API Key" as pure logic: what each step offers and what the request body becomes.
import type { CreateApiKeyBody } from '../../../server/src/core/operations';
import { SCOPE_DESCRIPTIONS, SCOPES, type Scope } from '../../../server/src/core/scopes';
import { parseCustomExpiry } from './expiry';

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

/** The labels of the "Workflows" pick. */
export const WORKFLOW_CHOICES = { all: 'All workflows', choose: 'Choose workflows…' } as const;

/** The "Workflows" pick: "All workflows" only for a caller that has them all, then "Choose workflows…". */
export function workflowChoiceItems(caller: CallerRights): { label: string; description: string }[] {
  return [
    ...(mayGrantAllWorkflows(caller)
      ? [{ label: WORKFLOW_CHOICES.all, description: 'every workflow, also ones created later' }]
      : []),
    { label: WORKFLOW_CHOICES.choose, description: 'an allow-list of workflow ids' },
  ];
}

/** The input-box check of a custom expiry: a valid future date, no later than the caller's own expiry. */
export function validateCustomExpiry(text: string, caller: CallerRights, now: Date = new Date()): string | undefined {
  const r = parseCustomExpiry(text, now);
  return 'error' in r ? r.error : checkExpiryWithinCaller(r.iso, caller);
}

/** An expiry no later than the caller's own; returns an error message or undefined. */
export function checkExpiryWithinCaller(expiresAt: string | undefined, caller: CallerRights): string | undefined {
  if (!caller.expiresAt) return undefined;
  if (!expiresAt) return `Your own key expires ${caller.expiresAt.slice(0, 10)}: a new key must expire by then too`;
  if (Date.parse(expiresAt) > Date.parse(caller.expiresAt))
    return `Your own key expires ${caller.expiresAt.slice(0, 10)}: choose an earlier expiry`;
  return undefined;
}

/** The body of POST /api/api-keys (core's type: what the server validates with). */
export type CreateKeyBody = CreateApiKeyBody;

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
