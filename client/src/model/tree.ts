// What the three Flero views show, derived from data as plain objects. The view providers turn these into
// TreeItems; the test API returns them as they are. Pure: no vscode.
import type { CredentialMeta } from '../../../server/src/core/credentials';
import { ROUTES } from '../../../server/src/core/routes';
import { SCOPE_DESCRIPTIONS, SCOPES } from '../../../server/src/core/scopes';
import { findService } from '../../../server/src/core/services';
import type { KeyInfo, ServerCredential } from './apiTypes';
import { expiresText, KEY_STATE_ICONS, keyState, relativeTime, utcMinute } from './expiry';

export type NodeRef =
  | { kind: 'apiKey'; key: KeyInfo }
  | { kind: 'credential'; origin: 'local' | 'server'; credential: CredentialMeta }
  | { kind: 'scope'; scope: string };

export interface ViewNode {
  /** Stable across refreshes. */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon?: { id: string; color?: string };
  /** Drives the view/item/context menus (see package.json). */
  contextValue?: string;
  /** Undefined for a leaf. */
  children?: ViewNode[];
  expanded?: boolean;
  ref?: NodeRef;
}

/** "Last used 2026-12-02 10:00 UTC from 127.0.0.1 (curl/8.5)"; the address and client only when the server sends them. */
export function lastUsedText(key: KeyInfo, now: Date = new Date()): string {
  if (!key.lastUsedAt) return 'Last used: never';
  const k = key as KeyInfo & { lastUsedIp?: string | null; lastUsedUserAgent?: string | null };
  const ip = 'lastUsedIp' in k && typeof k.lastUsedIp === 'string' && k.lastUsedIp ? k.lastUsedIp : undefined;
  const ua =
    'lastUsedUserAgent' in k && typeof k.lastUsedUserAgent === 'string' && k.lastUsedUserAgent
      ? k.lastUsedUserAgent
      : undefined;
  return `Last used ${utcMinute(key.lastUsedAt)} UTC (${relativeTime(key.lastUsedAt, now)})${ip ? ` from ${ip}` : ''}${ua ? ` (${ua})` : ''}`;
}

function workflowsText(w: KeyInfo['workflows']): string {
  return w === 'all' ? 'all workflows' : `${w.length} workflow${w.length === 1 ? '' : 's'}`;
}

export function keyNodes(keys: readonly KeyInfo[], now: Date = new Date()): ViewNode[] {
  const order = { active: 0, expiring: 1, expired: 2, revoked: 3 };
  const sorted = [...keys].sort(
    (a, b) => order[keyState(a, now)] - order[keyState(b, now)] || a.name.localeCompare(b.name),
  );
  return sorted.map((raw) => {
    // Scopes in the order of the scope table, whatever order the server stored them in.
    const rank = (s: string) => ((SCOPES as readonly string[]).indexOf(s) + 100) % 100;
    const key = { ...raw, scopes: [...raw.scopes].sort((a, b) => rank(a) - rank(b)) };
    const state = keyState(key, now);
    const base = `key:${key.id}`;
    const expiry = key.revokedAt
      ? `revoked ${relativeTime(key.revokedAt, now)}`
      : key.expiresAt
        ? `${state === 'expired' ? 'expired' : 'expires'} ${relativeTime(key.expiresAt, now)}`
        : 'no expiry';
    const children: ViewNode[] = [
      {
        id: `${base}/scopes`,
        label: 'Scopes',
        description: key.scopes.length ? key.scopes.join(', ') : 'none',
        icon: { id: 'shield' },
        children: key.scopes.map((s) => ({
          id: `${base}/scopes/${s}`,
          label: s,
          description: SCOPE_DESCRIPTIONS[s as keyof typeof SCOPE_DESCRIPTIONS] ?? '',
          icon: { id: 'check' },
        })),
      },
      {
        id: `${base}/workflows`,
        label: 'Workflows',
        description: key.workflows === 'all' ? 'all' : key.workflows.join(', '),
        icon: { id: 'type-hierarchy' },
        ...(key.workflows === 'all'
          ? {}
          : {
              children: key.workflows.map((w) => ({
                id: `${base}/workflows/${w}`,
                label: w,
                icon: { id: 'file-code' },
              })),
            }),
      },
      { id: `${base}/expiry`, label: 'Expiry', description: expiry, icon: { id: 'calendar' } },
      {
        id: `${base}/lastUsed`,
        label: 'Last used',
        description: relativeTime(key.lastUsedAt, now),
        icon: { id: 'pulse' },
      },
    ];
    return {
      id: base,
      label: key.name,
      description: `${state === 'active' ? '' : `${state} · `}${key.start ? `${key.start}… · ` : ''}${key.scopes.length} scope${key.scopes.length === 1 ? '' : 's'} · ${workflowsText(key.workflows)}`,
      tooltip: `${key.name} (${key.id})\nState: ${state}\nScopes: ${key.scopes.join(', ') || 'none'}\nWorkflows: ${
        key.workflows === 'all' ? 'all' : key.workflows.join(', ')
      }\n${(!key.revokedAt && expiresText(key.expiresAt, now)) || `Expiry: ${expiry}`}${
        key.rolledTo ? `\nRolled: replaced by ${key.rolledTo}` : ''
      }${key.rolledFrom ? `\nReplaces: ${key.rolledFrom}` : ''}\n${lastUsedText(key, now)}`,
      icon: KEY_STATE_ICONS[state],
      contextValue: `flero.apiKey.${state}${key.rolledTo && state !== 'revoked' ? '.rolled' : ''}`,
      children,
      ref: { kind: 'apiKey', key },
    };
  });
}

/**
 * Scope → what it allows (routes from THE route table) → the keys that hold it. `keys` undefined = not connected
 * (the "Keys" branch says so instead of listing).
 */
export function scopeNodes(keys: readonly KeyInfo[] | undefined, now: Date = new Date()): ViewNode[] {
  return SCOPES.map((scope) => {
    const base = `scope:${scope}`;
    const routes = ROUTES.filter((r) => r.scope === scope);
    const holders = keys?.filter((k) => k.scopes.includes(scope) && keyState(k, now) !== 'revoked');
    return {
      id: base,
      label: scope,
      description: SCOPE_DESCRIPTIONS[scope],
      tooltip: `${scope}: ${SCOPE_DESCRIPTIONS[scope]}`,
      icon: { id: 'shield' },
      contextValue: 'flero.scope',
      ref: { kind: 'scope', scope },
      children: [
        {
          id: `${base}/routes`,
          label: 'Allows',
          description: `${routes.length} route${routes.length === 1 ? '' : 's'}`,
          icon: { id: 'globe' },
          children: routes.map((r) => ({
            id: `${base}/routes/${r.operationId}`,
            label: `${r.method} ${r.path}`,
            description: r.summary,
            icon: { id: 'arrow-right' },
          })),
        },
        {
          id: `${base}/keys`,
          label: 'Keys',
          description: holders ? `${holders.length} key${holders.length === 1 ? '' : 's'}` : 'not connected',
          icon: { id: 'key' },
          children: (holders ?? []).map((k) => ({
            id: `${base}/keys/${k.id}`,
            label: k.name,
            description: keyState(k, now) === 'active' ? '' : keyState(k, now),
            icon: KEY_STATE_ICONS[keyState(k, now)],
          })),
        },
      ],
    };
  });
}

function placementText(c: CredentialMeta): string {
  if (c.query) return `query ?${c.query.param}=`;
  if (c.header) return `header ${c.header.name}${c.header.prefix ? `: ${c.header.prefix.trim()} …` : ''}`;
  return c.authType === 'bearer' ? 'header Authorization: Bearer …' : '';
}

/** Whether "Undo Rotation" applies: the server says a rollback is possible until a time still in the future. */
export function canUndoRotation(c: { rollbackUntil?: string | null }, now: Date = new Date()): boolean {
  if (!c.rollbackUntil) return false;
  const at = Date.parse(c.rollbackUntil);
  return Number.isFinite(at) && at > now.getTime();
}

type OAuth2State = NonNullable<ServerCredential['oauth2']>;

/** How an OAuth2 credential's token state shows: icon, the description's words, a tooltip line. */
export function oauth2Health(o: OAuth2State): {
  icon: { id: string; color?: string };
  text: string;
  tooltip: string;
  needsReconnect: boolean;
} {
  const grant = o.grantType === 'authorization_code' ? 'authorization code' : 'client credentials';
  const how =
    o.grantType === 'authorization_code'
      ? 'Reconnect (consent again in a browser)'
      : 'Rotate Credential (the client secret) or fix the client on the provider';
  switch (o.status) {
    case 'connected':
      return {
        icon: { id: 'pass', color: 'testing.iconPassed' },
        text: 'connected',
        tooltip: `OAuth2 (${grant}): connected${o.expiresAt ? ` · the access token expires ${utcMinute(o.expiresAt)} UTC` : ''}`,
        needsReconnect: false,
      };
    case 'needs_consent':
      return {
        icon: { id: 'warning', color: 'list.warningForeground' },
        text: 'needs consent',
        tooltip: `OAuth2 (${grant}): needs consent — runs that use it fail until then\n${how}`,
        needsReconnect: true,
      };
    default:
      return {
        icon: { id: 'error', color: 'list.errorForeground' },
        text: 'refresh failed',
        tooltip: `OAuth2 (${grant}): the token refresh failed${o.detail ? `: ${o.detail}` : ''}\n${how}`,
        needsReconnect: true,
      };
  }
}

function credentialNode(
  c: CredentialMeta & { last4?: string | null; version?: number; rollbackUntil?: string | null },
  origin: 'local' | 'server',
  now: Date,
): ViewNode {
  const undoable = origin === 'server' && canUndoRotation(c, now);
  const service = findService(c.service)?.name ?? c.service;
  const where = origin === 'local' ? 'SecretStorage' : 'server';
  // Only the server's views carry the token state (`status`); local metadata never has oauth2.
  const o = c.authType === 'oauth2' && c.oauth2 && 'status' in c.oauth2 ? (c.oauth2 as OAuth2State) : undefined;
  const health = o ? oauth2Health(o) : undefined;
  const auth = o
    ? `oauth2 (${o.grantType}), Authorization: Bearer <access token>\nToken URL: ${o.tokenUrl}${
        o.authorizationUrl ? `\nAuthorization URL: ${o.authorizationUrl}` : ''
      }\nClient id: ${o.clientId}${o.scope ? `\nScope: ${o.scope}` : ''}`
    : `${c.authType}, ${placementText(c)}`;
  const suffix = `${undoable ? '.undoable' : ''}${o ? `.oauth2${o.grantType === 'authorization_code' ? '.authCode' : ''}` : ''}${
    health?.needsReconnect ? '.needsReconnect' : ''
  }`;
  return {
    id: `cred:${origin}:${c.id}`,
    label: c.id,
    description: `${where} · ${service} · ${c.authType}${health ? ` · ${health.text}` : ''}`,
    tooltip: `${c.name} (${c.id})\nStored: ${origin === 'local' ? 'in VS Code SecretStorage on this machine' : 'on the Flero server (encrypted at rest)'}\nService: ${service}\nAuth: ${auth}${health ? `\n${health.tooltip}` : ''}\nHosts: ${(c.hosts ?? []).join(', ') || 'the service’s'}${c.last4 ? `\nEnds in: …${c.last4}` : ''}${c.version ? `\nVersion: ${c.version}` : ''}${
      undoable && c.rollbackUntil ? `\nThe last rotation can be undone until ${utcMinute(c.rollbackUntil)} UTC` : ''
    }`,
    icon: health?.icon ?? { id: origin === 'local' ? 'lock' : 'server' },
    contextValue: `flero.credential.${origin}${suffix}`,
    ref: { kind: 'credential', origin, credential: c },
  };
}

/** Local credentials first, then the server's; `server` undefined = not connected (not listed). */
export function credentialNodes(
  local: readonly CredentialMeta[],
  server: readonly ServerCredential[] | undefined,
  now: Date = new Date(),
): ViewNode[] {
  const byId = (a: CredentialMeta, b: CredentialMeta) => a.id.localeCompare(b.id);
  return [
    ...[...local].sort(byId).map((c) => credentialNode(c, 'local', now)),
    ...[...(server ?? [])].sort(byId).map((c) => credentialNode(c, 'server', now)),
  ];
}
