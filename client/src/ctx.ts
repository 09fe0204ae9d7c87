// The Ctx owns everything with a lifetime: the log channel, secrets, the local server, the language client, the
// connection to a Flero server and the data the views show. Commands and views receive it.
import * as vscode from 'vscode';
import type { CredentialMeta } from '../../server/src/core/credentials';
import type { Scope } from '../../server/src/core/scopes';
import { type ApiError, FleroApi } from './api';
import { readConfig } from './config';
import { PreconditionError } from './errors';
import { CodeNodeFiles } from './codeNodes/codeFiles';
import { ExecutionDocuments } from './executionDocs';
import { FleroLanguageClient } from './languageClient';
import { LocalServer } from './localServer';
import type { KeyInfo, ServerCredential } from './model/apiTypes';
import { LOCAL_SERVER, serverIdentity } from './model/serverIdentity';
import { Secrets } from './secrets';
import type { Prompts } from './ui';

export type ConnectionState = 'noServer' | 'signedOut' | 'connecting' | 'connected' | 'error';

export interface Connection {
  /** `local` or the normalised server URL. */
  identity: string;
  /** Base URL when known (the local server's changes per start). */
  url?: string;
  state: ConnectionState;
  /** The signed-in key's metadata (never the key). */
  me?: KeyInfo;
  error?: string;
}

export interface ServerData {
  keys?: KeyInfo[];
  keysError?: string;
  credentials?: ServerCredential[];
  credentialsError?: string;
}

export const SIGN_IN = { title: 'Sign In with API Key', command: 'flero.signIn' };
export const START_SERVER = { title: 'Start Local Server', command: 'flero.startLocalServer' };
export const OPEN_SETTINGS = { title: 'Open Settings', command: 'flero.openSettings' };

export class Ctx implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly secrets: Secrets;
  readonly localServer: LocalServer;
  readonly lsp: FleroLanguageClient;
  readonly executions = new ExecutionDocuments();
  /** Code nodes edited as JavaScript files (codeNodes/). */
  readonly codeNodes: CodeNodeFiles;
  readonly subscriptions: vscode.Disposable[] = [];

  connection: Connection = { identity: LOCAL_SERVER, state: 'noServer' };
  data: ServerData = {};
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the connection or the views' data changed. */
  readonly onDidChange = this.changed.event;
  private connecting: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(
    readonly extension: vscode.ExtensionContext,
    /** Every prompt goes through here (ui.ts): VsCodePrompts when shipped, scripted ones in the test build. */
    readonly prompts: Prompts,
  ) {
    this.log = vscode.window.createOutputChannel('Flero', { log: true });
    this.secrets = new Secrets(extension.secrets, extension.globalState);
    this.localServer = new LocalServer(extension, this.log);
    this.lsp = new FleroLanguageClient(extension, this.log);
    this.codeNodes = new CodeNodeFiles(
      vscode.Uri.joinPath(extension.globalStorageUri, 'code-nodes').fsPath,
      this.log,
      (m) => void prompts.error(m),
    );
    this.subscriptions.push(this.log, this.localServer, this.lsp, this.changed, this.executions, this.codeNodes);
  }

  /** The identity from settings; a malformed URL is reported as an error state. */
  private identity(): string {
    return serverIdentity(readConfig().serverUrl);
  }

  /** A client for the current server with the stored key, or a PreconditionError that says what is missing. */
  async api(): Promise<FleroApi> {
    const c = this.connection;
    if (c.state === 'noServer') {
      throw new PreconditionError(
        c.identity === LOCAL_SERVER
          ? 'The local Flero server is not running. Start it, or set "flero.server.url" to use another server.'
          : `No Flero server is configured.`,
        [START_SERVER, OPEN_SETTINGS],
      );
    }
    if (c.state === 'error') throw new PreconditionError(c.error ?? 'The Flero server connection failed.', [SIGN_IN]);
    const url = c.url;
    const key = await this.secrets.apiKey(c.identity);
    if (!url || !key) {
      throw new PreconditionError(`You are not signed in to the Flero server ${url ?? c.identity}.`, [SIGN_IN]);
    }
    return new FleroApi(url, key);
  }

  /** Base URL for unauthenticated calls (API docs), or a PreconditionError. */
  baseUrl(): string {
    if (!this.connection.url)
      throw new PreconditionError('No Flero server is running or configured.', [START_SERVER, OPEN_SETTINGS]);
    return this.connection.url;
  }

  /** (Re)evaluates the connection: server URL, stored key, `GET /api/me`; then refreshes the data. */
  connect(): Promise<void> {
    // One check at a time; a call during a check queues one more (it may have been made because the key or the
    // server just changed, which the running check may have read too early). Calls while one is queued share it.
    if (this.queued) return this.queued;
    if (!this.connecting) {
      this.connecting = this.doConnect().finally(() => {
        this.connecting = undefined;
      });
      return this.connecting;
    }
    this.queued = this.connecting.then(() => {
      this.queued = undefined;
      return this.connect();
    });
    return this.queued;
  }

  private async doConnect(): Promise<void> {
    let identity: string;
    try {
      identity = this.identity();
    } catch (e) {
      this.setConnection({
        identity: readConfig().serverUrl,
        state: 'error',
        error: `flero.server.url: ${(e as Error).message}`,
      });
      return;
    }
    const url = identity === LOCAL_SERVER ? this.localServer.url : identity;
    if (!url) {
      this.setConnection({ identity, state: 'noServer' });
      return;
    }
    const key = await this.secrets.apiKey(identity);
    if (!key) {
      this.setConnection({ identity, url, state: 'signedOut' });
      return;
    }
    this.setConnection({ identity, url, state: 'connecting' });
    try {
      const me = await new FleroApi(url, key).me();
      this.setConnection({ identity, url, state: 'connected', me });
      this.log.info(`Signed in to ${url} as "${me.name}" (${me.id}; scopes: ${me.scopes.join(', ')}).`);
    } catch (e) {
      const msg = (e as Error).message;
      this.log.warn(msg);
      this.setConnection({ identity, url, state: 'error', error: msg });
    }
    await this.refresh();
  }

  private setConnection(c: Connection): void {
    this.connection = c;
    const connected = c.state === 'connected';
    void vscode.commands.executeCommand('setContext', 'flero.connected', connected);
    void vscode.commands.executeCommand('setContext', 'flero.connectionState', c.state);
    void vscode.commands.executeCommand('setContext', 'flero.localServerRunning', this.localServer.state === 'running');
    void vscode.commands.executeCommand('setContext', 'flero.usesLocalServer', c.identity === LOCAL_SERVER);
    if (!connected) this.data = {};
    // While a check runs the language server keeps what it knew (its lenses would flicker away and back).
    if (c.state !== 'connecting')
      this.lsp.setServer(
        connected && c.me
          ? {
              connected: true,
              url: c.url,
              key: {
                id: c.me.id,
                name: c.me.name,
                scopes: c.me.scopes,
                workflows: c.me.workflows,
                expiresAt: c.me.expiresAt ?? null,
              },
            }
          : { connected: false, ...(c.url ? { url: c.url } : {}) },
      );
    this.changed.fire();
  }

  /** Re-reads keys and server credentials (when connected) and pushes credential metadata to the language server. */
  async refresh(): Promise<void> {
    const data: ServerData = {};
    if (this.connection.state === 'connected') {
      const api = await this.api().catch(() => undefined);
      if (api) {
        const [keys, creds] = await Promise.allSettled([api.listKeys(), api.listCredentials()]);
        if (keys.status === 'fulfilled') data.keys = keys.value;
        else data.keysError = errorText(keys.reason);
        if (creds.status === 'fulfilled') data.credentials = creds.value;
        else data.credentialsError = errorText(creds.reason);
        if (keys.status === 'rejected' && (keys.reason as ApiError).status === 401) {
          // The key stopped working (revoked or expired) while we were signed in.
          this.setConnection({ ...this.connection, state: 'error', error: errorText(keys.reason) });
        }
      }
    }
    this.data = data;
    this.lsp.setCredentials(this.credentialMetadata());
    this.changed.fire();
  }

  /** Metadata of every credential this window knows: local ones first, then the server's (never values). */
  credentialMetadata(): CredentialMeta[] {
    const out = new Map<string, CredentialMeta>();
    for (const c of this.secrets.localCredentials()) {
      const { testUrl: _t, ...meta } = c;
      out.set(c.id, meta);
    }
    for (const c of this.data.credentials ?? []) {
      if (out.has(c.id)) continue;
      const { last4: _l, createdAt: _c, updatedAt: _u, ...meta } = c;
      out.set(c.id, meta);
    }
    return [...out.values()];
  }

  requireScope(scope: Scope, action: string): void {
    const me = this.connection.me;
    if (me && !me.scopes.includes(scope)) {
      throw new PreconditionError(
        `The signed-in key "${me.name}" cannot ${action}: it lacks the scope "${scope}". Sign in with a key that has it.`,
        [SIGN_IN],
      );
    }
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
