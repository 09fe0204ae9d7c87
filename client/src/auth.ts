// The `flero` AuthenticationProvider: Flero in VS Code's Accounts menu, and Flero sessions for other extensions
// (`vscode.authentication.getSession('flero', ['executions:write'])`). A session is the API key signed in to the
// current server (kept in SecretStorage per server, as before); its scopes are the key's Flero scopes, and a request
// for a scope the key lacks gets no session (getSessions) or a refusal naming the scope (createSession).
// *Sign In with API Key* and *Sign Out* are this provider's createSession and removeSession.
import * as vscode from 'vscode';
import { FleroApi } from './api';
import { type Ctx, OPEN_SETTINGS } from './ctx';
import { PreconditionError, required } from './errors';
import type { KeyInfo } from './model/apiTypes';
import { validatePastedKey } from './model/keyInput';
import { serverLabel } from './model/serverIdentity';
import { checkScopes, missingScopes } from './model/status';

export const AUTH_PROVIDER_ID = 'flero';

export class FleroAuthenticationProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;
  private current: vscode.AuthenticationSession | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly ctx: Ctx) {
    this.subscriptions = [this.changed, ctx.onDidChange(() => void this.announce())];
  }

  /**
   * The signed-in key as a session for `scopes` (when connected and the key has them all). A session's scopes are the
   * ones asked for, as VS Code matches them exactly (the Accounts menu's sign-in request for `[]` is cleared by an added
   * session with `[]`); asked for nothing in particular, they are the key's scopes.
   */
  private async session(scopes?: readonly string[]): Promise<vscode.AuthenticationSession | undefined> {
    const c = this.ctx.connection;
    if (c.state !== 'connected' || !c.me) return undefined;
    if (scopes?.length && missingScopes(c.me, scopes).length) return undefined;
    const key = await this.ctx.secrets.apiKey(c.identity);
    if (!key) return undefined;
    const account = `${c.identity}#${c.me.id}`;
    return {
      id: scopes ? `${account}#${[...scopes].sort().join(' ')}` : account,
      accessToken: key,
      account: { id: account, label: `${c.me.name} (${serverLabel(c.identity)})` },
      scopes: scopes ? [...scopes] : [...c.me.scopes],
    };
  }

  private async announce(): Promise<void> {
    // A re-check of the connection is not a sign-out: sessions would flap (and VS Code would ask for access again).
    if (this.ctx.connection.state === 'connecting') return;
    const next = await this.session([]);
    // It may have started while the key was read.
    if ((this.ctx.connection.state as string) === 'connecting') return;
    const prev = this.current;
    if (prev?.account.id === next?.account.id) return;
    this.current = next;
    this.changed.fire({ added: next ? [next] : [], removed: prev ? [prev] : [], changed: [] });
    // Signed out: ask again, so the Accounts menu offers sign-in.
    if (!next) requestSessionQuietly();
  }

  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    const s = await this.session(scopes);
    return s ? [s] : [];
  }

  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    checkScopes(scopes);
    await signInWithKey(this.ctx, scopes);
    await this.announce();
    const s = await this.session(scopes);
    if (!s) throw new Error(this.ctx.connection.error ?? 'The Flero sign-in did not complete.');
    return s;
  }

  async removeSession(sessionId: string): Promise<void> {
    const identity = sessionId.split('#')[0];
    await this.ctx.secrets.deleteApiKey(identity || this.ctx.connection.identity);
    await this.ctx.connect();
    await this.announce();
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}

/**
 * Asks for a key in a password box, checks it with `GET /api/me` and, when it has every scope in `scopes`, keeps it
 * in SecretStorage for the current server. A key lacking a scope is refused with the scope named, and not kept.
 */
export async function signInWithKey(ctx: Ctx, scopes: readonly string[] = []): Promise<KeyInfo> {
  await ctx.connect();
  const c = ctx.connection;
  if (c.state === 'noServer') {
    throw new PreconditionError('Start the local Flero server (or set "flero.server.url") before signing in.', [
      { title: 'Start Local Server', command: 'flero.startLocalServer' },
      OPEN_SETTINGS,
    ]);
  }
  if (!c.url) throw new PreconditionError(c.error ?? 'The Flero server URL is not valid.', [OPEN_SETTINGS]);
  const url = c.url;
  const key = required(
    await ctx.prompts.input({
      title: 'Flero: Sign In with API Key',
      prompt: `API key for the Flero server ${url}${scopes.length ? ` (needs ${scopes.join(', ')})` : ''}`,
      placeHolder: 'flero_sk_…',
      password: true,
      validateInput: validatePastedKey,
    }),
  ).trim();
  const me = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Checking the key with ${url}…` },
    () => new FleroApi(url, key).me(),
  );
  const missing = missingScopes(me, scopes);
  if (missing.length) {
    throw new Error(
      `The key "${me.name}" lacks the scope${missing.length > 1 ? 's' : ''} ${missing.map((s) => `"${s}"`).join(', ')} that ${missing.length > 1 ? 'were' : 'was'} asked for; it was not kept.`,
    );
  }
  await ctx.secrets.setApiKey(c.identity, key);
  await ctx.connect();
  void ctx.prompts.info(`Signed in to ${url} as "${me.name}" (${me.scopes.length} scopes).`);
  return me;
}

export function registerAuthentication(ctx: Ctx): FleroAuthenticationProvider {
  const provider = new FleroAuthenticationProvider(ctx);
  ctx.subscriptions.push(
    provider,
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, 'Flero', provider, {
      supportsMultipleAccounts: false,
    }),
  );
  return provider;
}

/** Asks VS Code for our own session without prompting, so the Accounts menu offers "Sign in with Flero". */
export function requestSessionQuietly(): void {
  void Promise.resolve(vscode.authentication.getSession(AUTH_PROVIDER_ID, [], { createIfNone: false })).catch(
    () => undefined,
  );
}
