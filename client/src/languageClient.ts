// The language client: starts dist/languageServer.mjs with VS Code's own Node and a fresh run key in its environment
// (never in initializationOptions), tells it credential metadata and the connected server, and runs workflows in it
// with the needed credential values sealed under the run key.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import type { CredentialMeta } from '../../server/src/core/credentials';
import { seal } from '../../server/src/core/seal';
import {
  type InitializationOptions,
  RUN_KEY_ENV,
  RunProgressNotification,
  type RunProgressParams,
  RunWorkflowRequest,
  type RunWorkflowParams,
  type RunWorkflowResult,
  SetCredentialsNotification,
  SetServerNotification,
  type SetServerParams,
} from '../../server/src/lsp/protocol';

export const WORKFLOW_SELECTOR = [{ pattern: '**/*.flero.json' }];

export class FleroLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private runKey: Buffer | undefined;
  private starting: Promise<void> | undefined;
  private readonly progress = new Map<string, (p: RunProgressParams) => void>();
  private credentials: CredentialMeta[] = [];
  private server: SetServerParams = { connected: false };

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get state(): 'running' | 'starting' | 'stopped' {
    if (this.client?.state === State.Running) return 'running';
    if (this.starting || this.client?.state === State.Starting) return 'starting';
    return 'stopped';
  }

  start(): Promise<void> {
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    if (this.client) return;
    const module = join(this.context.extensionPath, 'dist', 'languageServer.mjs');
    this.runKey = randomBytes(32);
    // Forked with the extension host's Node (the client adds ELECTRON_RUN_AS_NODE and the rest of process.env).
    const env = { [RUN_KEY_ENV]: this.runKey.toString('base64') };
    const transport = TransportKind.stdio;
    const serverOptions: ServerOptions = {
      run: { module, transport, options: { env } },
      debug: { module, transport, options: { env, execArgv: ['--nolazy', '--inspect=6009'] } },
    };
    const initializationOptions: InitializationOptions = { credentials: this.credentials, server: this.server };
    const clientOptions: LanguageClientOptions = {
      documentSelector: WORKFLOW_SELECTOR,
      outputChannel: this.log,
      initializationOptions,
    };
    const client = new LanguageClient('flero', 'Flero Language Server', serverOptions, clientOptions);
    this.client = client;
    try {
      await client.start();
      client.onNotification(RunProgressNotification, (p) => this.progress.get(p.runId)?.(p));
      this.log.info('The Flero language server is running.');
    } catch (e) {
      this.client = undefined;
      this.runKey = undefined;
      throw new Error(`The Flero language server did not start: ${(e as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.runKey = undefined;
    if (c) await c.stop().catch(() => undefined);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  setCredentials(credentials: CredentialMeta[]): void {
    this.credentials = credentials;
    if (this.client?.state === State.Running)
      void this.client.sendNotification(SetCredentialsNotification, { credentials }).catch(() => undefined);
  }

  setServer(server: SetServerParams): void {
    if (JSON.stringify(server) === JSON.stringify(this.server)) return;
    this.server = server;
    if (this.client?.state === State.Running)
      void this.client.sendNotification(SetServerNotification, server).catch(() => undefined);
  }

  /**
   * Runs a workflow document in the language server. `values` are the credential values it needs: sealed here with
   * the run key, so the request (and any LSP trace) carries ciphertext only.
   */
  async run(
    uri: vscode.Uri,
    input: unknown,
    values: Record<string, string>,
    onProgress: (p: RunProgressParams) => void,
    token: vscode.CancellationToken,
  ): Promise<RunWorkflowResult> {
    await this.start();
    const client = this.client;
    if (!client || !this.runKey) throw new Error('The Flero language server is not running.');
    const runId = randomBytes(8).toString('hex');
    const params: RunWorkflowParams = { uri: client.code2ProtocolConverter.asUri(uri), runId, input };
    if (Object.keys(values).length) params.sealedCredentials = seal(this.runKey, JSON.stringify(values));
    this.progress.set(runId, onProgress);
    try {
      return await client.sendRequest(RunWorkflowRequest, params, token);
    } finally {
      this.progress.delete(runId);
    }
  }

  dispose(): void {
    void this.stop();
  }
}
