// The bundled Flero server as VS Code sees it: a child process (serverProcess.ts) run with VS Code's own Node — also
// in VS Code for the web, whose extension host runs on the server side — on 127.0.0.1 and a free port, with data
// under the extension's global storage. State changes fire onDidChange.
import type { ChildProcess } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { dataDirOf, LocalServerError, resetServerData, spawnFleroServer, stopChild } from './serverProcess';

export { LocalServerError };
export type LocalServerState = 'stopped' | 'starting' | 'running';

const LAST_URL = 'flero.localServer.lastUrl';

export class LocalServer implements vscode.Disposable {
  private child: ChildProcess | undefined;
  private _url: string | undefined;
  private _state: LocalServerState = 'stopped';
  private readonly changed = new vscode.EventEmitter<LocalServerState>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get state(): LocalServerState {
    return this._state;
  }
  get url(): string | undefined {
    return this._url;
  }

  private setState(s: LocalServerState): void {
    this._state = s;
    this.changed.fire(s);
  }

  /** Folder for the server's data and the transient owner-key file. */
  storageDir(): string {
    const uri = this.context.globalStorageUri;
    return uri.scheme === 'file' ? uri.fsPath : join(homedir(), '.flero-vscode');
  }

  /**
   * Starts the server; resolves with its URL and, on a first start, the owner key (the key file is deleted). The
   * caller puts the key into SecretStorage and never logs it.
   */
  async start(token?: vscode.CancellationToken): Promise<{ url: string; ownerKey?: string }> {
    if (this._state === 'running' && this._url) return { url: this._url };
    if (this._state === 'starting') throw new LocalServerError('The local Flero server is already starting.');
    const abort = new AbortController();
    const sub = token?.onCancellationRequested(() => abort.abort());
    this.setState('starting');
    this.log.info(`Starting the local Flero server (data: ${dataDirOf(this.storageDir())}).`);
    try {
      const s = await spawnFleroServer({
        script: join(this.context.extensionPath, 'dist', 'flero.mjs'),
        execPath: process.execPath,
        storageDir: this.storageDir(),
        onLine: (line) => this.log.info(`[local server] ${line}`),
        signal: abort.signal,
        lastKnownUrl: this.context.globalState.get<string>(LAST_URL),
      });
      this.child = s.child;
      this._url = s.url;
      s.child.once('exit', (code, signal) => {
        if (this.child !== s.child) return;
        this.log.warn(`The local Flero server exited (${signal ?? `code ${code}`}).`);
        this.child = undefined;
        this._url = undefined;
        this.setState('stopped');
      });
      await this.context.globalState.update(LAST_URL, s.url);
      this.setState('running');
      this.log.info(`The local Flero server is listening on ${s.url}`);
      return { url: s.url, ownerKey: s.ownerKey };
    } catch (e) {
      this.setState('stopped');
      throw e;
    } finally {
      sub?.dispose();
    }
  }

  /** Uses a local server another window started on the same data (its lock holder); stop() only forgets it. */
  adopt(url: string): void {
    this._url = url;
    this.setState('running');
    this.log.info(`Using the local Flero server another window started on ${url}.`);
  }

  /** Stops the server (or forgets an adopted one). Returns whether there was one. */
  async stop(): Promise<boolean> {
    const child = this.child;
    const had = !!child || this._url !== undefined;
    this.child = undefined;
    this._url = undefined;
    if (child) {
      await stopChild(child);
      this.log.info('The local Flero server was stopped.');
    }
    if (had) this.setState('stopped');
    return had;
  }

  /** Deletes the server's data (stop it first). */
  resetData(): void {
    resetServerData(this.storageDir());
  }

  dispose(): void {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) child.kill('SIGTERM');
    this.changed.dispose();
  }
}
