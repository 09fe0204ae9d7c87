// The bundled Flero server in a child process: `process.execPath` (VS Code's own Node, also in VS Code for the web's
// server-side extension host) running dist/flero.mjs serve on 127.0.0.1 and a free port, with data under the
// extension's global storage. Its owner key goes from the key file straight into SecretStorage; the file is deleted.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { findKeyCandidates } from '../../server/src/core/keys';
import { classifyStartFailure, parseListeningLine } from './model/listening';

export type LocalServerState = 'stopped' | 'starting' | 'running';

export class LocalServerError extends Error {
  constructor(
    message: string,
    /** URL of a server that already holds the data folder's lock, when known. */
    readonly runningUrl?: string,
    readonly lockHeld = false,
  ) {
    super(message);
  }
}

const LAST_URL = 'flero.localServer.lastUrl';
const START_TIMEOUT_MS = 90_000;

/** Replaces anything that looks like a Flero key with a redaction marker (defence in depth for logged output). */
export function redactKeys(text: string): string {
  let out = text;
  for (const c of findKeyCandidates(text).reverse()) out = `${out.slice(0, c.start)}[redacted key]${out.slice(c.end)}`;
  return out;
}

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
  /** The URL a previous start (maybe another window) announced; may no longer answer. */
  get lastUrl(): string | undefined {
    return this.context.globalState.get<string>(LAST_URL);
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
  dataDir(): string {
    return join(this.storageDir(), 'server');
  }

  /**
   * Starts the server and resolves with its URL and, on a first start, the owner key (read from the key file,
   * which is then deleted). The caller puts the key into SecretStorage and must never log it.
   */
  async start(token?: vscode.CancellationToken): Promise<{ url: string; ownerKey?: string }> {
    if (this.child && this._url) return { url: this._url };
    if (this.child) throw new LocalServerError('The local Flero server is already starting.');
    const script = join(this.context.extensionPath, 'dist', 'flero.mjs');
    if (!existsSync(script))
      throw new LocalServerError(`The bundled server is missing (${script}). Reinstall the extension.`);
    mkdirSync(this.dataDir(), { recursive: true });
    const keyFile = join(this.storageDir(), `owner-key-${randomBytes(6).toString('hex')}.txt`);
    const args = [
      script,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data',
      this.dataDir(),
      '--owner-key-file',
      keyFile,
    ];
    const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
    this.log.info(`Starting the local Flero server: ${process.execPath} ${args.slice(0, -1).join(' ')} <key file>`);
    this.setState('starting');
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    this.child = child;
    let output = '';
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new LocalServerError('The local Flero server did not start within 90 s.')),
          START_TIMEOUT_MS,
        );
        const cancel = token?.onCancellationRequested(() => reject(new LocalServerError('Cancelled.')));
        const done = () => {
          clearTimeout(timer);
          cancel?.dispose();
        };
        const onData = (chunk: Buffer) => {
          const text = chunk.toString('utf8');
          output = (output + text).slice(-8_000);
          for (const line of text.split(/\r?\n/)) if (line.trim()) this.log.info(`[local server] ${redactKeys(line)}`);
          const found = parseListeningLine(output);
          if (found) {
            done();
            resolve(found);
          }
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        child.once('error', (e) => {
          done();
          reject(new LocalServerError(`Could not start the local Flero server: ${e.message}`));
        });
        child.once('exit', (code) => {
          done();
          const f = classifyStartFailure(output, code);
          if (f.kind === 'lock-held') {
            const known = f.url ?? this.lastUrl;
            reject(
              new LocalServerError(
                'Another Flero server (perhaps in another VS Code window) is already using the local data folder.',
                known,
                true,
              ),
            );
          } else
            reject(
              new LocalServerError(
                `The local Flero server stopped (exit code ${f.code ?? 'none'}): ${redactKeys(f.detail)}`,
              ),
            );
        });
      });
      child.once('exit', (code, signal) => {
        if (this.child !== child) return;
        this.log.warn(`The local Flero server exited (${signal ?? `code ${code}`}).`);
        this.child = undefined;
        this._url = undefined;
        this.setState('stopped');
      });
      this._url = url;
      await this.context.globalState.update(LAST_URL, url);
      this.setState('running');
      this.log.info(`The local Flero server is listening on ${url}`);
      return { url, ownerKey: readAndDeleteKeyFile(keyFile) };
    } catch (e) {
      readAndDeleteKeyFile(keyFile);
      if (this.child === child) {
        this.child = undefined;
        child.kill();
      }
      this.setState('stopped');
      throw e;
    }
  }

  /** Uses a local server another window started on the same data (its lock holder); stop() only forgets it. */
  adopt(url: string): void {
    this._url = url;
    this.setState('running');
    this.log.info(`Using the local Flero server another window started on ${url}.`);
  }

  async stop(): Promise<boolean> {
    const child = this.child;
    if (!child) {
      const adopted = this._url !== undefined;
      this._url = undefined;
      if (adopted) this.setState('stopped');
      return adopted;
    }
    this.child = undefined;
    this._url = undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      if (child.exitCode !== null || !child.kill('SIGTERM')) {
        clearTimeout(timer);
        resolve();
      }
    });
    this.log.info('The local Flero server was stopped.');
    this.setState('stopped');
    return true;
  }

  /** Deletes the server's data folder (the server must be stopped). */
  resetData(): void {
    // The data folder and whatever the server keeps beside it (its master-key file is named after the folder).
    rmSync(this.dataDir(), { recursive: true, force: true });
    const dir = this.storageDir();
    if (existsSync(dir))
      for (const f of readdirSync(dir)) if (f.startsWith('server.')) rmSync(join(dir, f), { force: true });
  }

  dispose(): void {
    void this.stop();
    this.changed.dispose();
  }
}

function readAndDeleteKeyFile(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const key = readFileSync(file, 'utf8').trim();
    return key || undefined;
  } finally {
    rmSync(file, { force: true });
  }
}
