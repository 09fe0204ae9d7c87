// What the language status items on workflow files say (languageStatus.ts draws them) and the scope checks of the
// `flero` authentication provider (auth.ts). Pure: no vscode, so the unit tests read exactly what a user sees.
import { SCOPES, type Scope } from '../../../server/src/core/scopes';
import type { KeyInfo } from './apiTypes';
import { serverLabel } from './serverIdentity';

/** Refuses anything that is not a Flero scope, naming it and the valid ones. */
export function checkScopes(scopes: readonly string[]): Scope[] {
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length) {
    throw new Error(
      `Not a Flero scope: ${unknown.map((s) => `"${s}"`).join(', ')}. Flero scopes are ${SCOPES.join(', ')}.`,
    );
  }
  return scopes as Scope[];
}

/** The scopes of `scopes` the key lacks, in the order asked. */
export function missingScopes(me: Pick<KeyInfo, 'scopes'>, scopes: readonly string[]): string[] {
  return scopes.filter((s) => !me.scopes.includes(s as Scope));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** VS Code's DiagnosticSeverity values (Error 0, Warning 1, Information 2, Hint 3). */
export interface SeverityCounted {
  source?: string;
  severity: number;
}

/** "2 errors, 1 warning" / "no problems" for the Flero diagnostics of one file; `worst` is 0 (error), 1 or none. */
export function lintSummary(diagnostics: readonly SeverityCounted[]): { text: string; worst?: 0 | 1 } {
  const ours = diagnostics.filter((d) => d.source === 'flero');
  const errors = ours.filter((d) => d.severity === 0).length;
  const warnings = ours.filter((d) => d.severity === 1).length;
  const infos = ours.length - errors - warnings;
  const parts = [
    errors ? plural(errors, 'error') : '',
    warnings ? plural(warnings, 'warning') : '',
    infos ? `${infos} info/hint${infos === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return { text: parts.length ? parts.join(', ') : 'no problems', worst: errors ? 0 : warnings ? 1 : undefined };
}

export interface ConnectionView {
  identity: string;
  url?: string;
  state: 'noServer' | 'signedOut' | 'connecting' | 'connected' | 'error';
  me?: Pick<KeyInfo, 'name'>;
  error?: string;
}

export interface ConnectionStatus {
  text: string;
  detail: string;
  warning: boolean;
  busy: boolean;
  command: { title: string; command: string };
}

/** The connection item: the server and key in use, the credentials the checks know, and the one action that helps. */
export function connectionStatus(c: ConnectionView, credentials: number, localStarting: boolean): ConnectionStatus {
  const server = serverLabel(c.identity);
  const known = `${plural(credentials, 'credential')} known to the checks`;
  const busy = c.state === 'connecting' || localStarting;
  switch (c.state) {
    case 'connected':
      return {
        text: `$(key) Flero: ${c.me?.name ?? ''}`,
        detail: `${c.url ?? server} · ${known}`,
        warning: false,
        busy,
        command: { title: 'Open Credentials', command: 'flero.credentials.focus' },
      };
    case 'noServer':
      return {
        text: 'Flero: no server',
        detail: `Runs use credentials in SecretStorage · ${known}`,
        warning: false,
        busy,
        command: { title: 'Start Local Server', command: 'flero.startLocalServer' },
      };
    case 'connecting':
      return {
        text: `Flero: ${server} · connecting…`,
        detail: `checking the key with ${c.url ?? server} · ${known}`,
        warning: false,
        busy,
        command: { title: 'Sign In', command: 'flero.signIn' },
      };
    case 'error':
      return {
        text: `$(warning) Flero: ${server}`,
        detail: `${c.error ?? 'connection error'} · ${known}`,
        warning: true,
        busy,
        command: { title: 'Sign In', command: 'flero.signIn' },
      };
    default:
      return {
        text: `Flero: ${server} · signed out`,
        detail: `not signed in · ${known}`,
        warning: false,
        busy,
        command: { title: 'Sign In', command: 'flero.signIn' },
      };
  }
}
