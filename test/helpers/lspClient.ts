// A small JSON-RPC / LSP client of our own over real stdio (Content-Length framing), for driving the built language
// server the way an editor does. Records every byte the server writes (stdout and stderr) for canary sweeps.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

export interface Message {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export interface LspClientOptions {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Answers to server → client requests by method (default: null). */
  onServerRequest?: (method: string, params: unknown) => unknown;
}

export class LspClient {
  readonly proc: ChildProcessWithoutNullStreams;
  /** Notifications and requests the server sent us, in order. */
  readonly received: Message[] = [];
  private stdout = Buffer.alloc(0);
  private readonly rawOut: Buffer[] = [];
  private readonly rawErr: Buffer[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly waiters = new Set<() => void>();
  private exited = false;

  constructor(private readonly options: LspClientOptions) {
    this.proc = spawn(options.command, options.args, { env: options.env ?? process.env, stdio: 'pipe' });
    this.proc.stdout.on('data', (chunk: Buffer) => {
      this.rawOut.push(chunk);
      this.stdout = Buffer.concat([this.stdout, chunk]);
      this.drain();
    });
    this.proc.stderr.on('data', (chunk: Buffer) => this.rawErr.push(chunk));
    this.proc.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error('language server exited'));
      this.pending.clear();
      this.notifyWaiters();
    });
  }

  /** Everything the server wrote to stdout and stderr so far. */
  everything(): string {
    return Buffer.concat([...this.rawOut, ...this.rawErr]).toString('utf8');
  }
  stderr(): string {
    return Buffer.concat(this.rawErr).toString('utf8');
  }

  private drain(): void {
    for (;;) {
      const headerEnd = this.stdout.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.stdout.subarray(0, headerEnd).toString('ascii');
      const m = /Content-Length: (\d+)/i.exec(header);
      if (!m) throw new Error(`bad LSP header: ${header}`);
      const length = Number(m[1]);
      if (this.stdout.length < headerEnd + 4 + length) return;
      const body = this.stdout.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      this.stdout = this.stdout.subarray(headerEnd + 4 + length);
      this.handle(JSON.parse(body) as Message);
    }
  }

  private handle(msg: Message): void {
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(Number(msg.id));
      this.pending.delete(Number(msg.id));
      if (msg.error) p?.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
      else p?.resolve(msg.result);
    } else {
      this.received.push(msg);
      if (msg.id !== undefined && msg.method) {
        const result = this.options.onServerRequest?.(msg.method, msg.params) ?? null;
        this.write({ jsonrpc: '2.0', id: msg.id, result });
      }
    }
    this.notifyWaiters();
  }

  private notifyWaiters(): void {
    for (const w of [...this.waiters]) w();
  }

  private write(msg: Message): void {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  request<T = unknown>(method: string, params?: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.exited) return reject(new Error('language server exited'));
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  /** Sends a request and returns its id and promise (for `$/cancelRequest`). */
  requestWithId<T = unknown>(method: string, params?: unknown): { id: number; done: Promise<T> } {
    const id = this.nextId;
    return { id, done: this.request<T>(method, params) };
  }

  notify(method: string, params?: unknown): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** Resolves with the first received message (from index `from`) that matches; rejects after `timeoutMs`. */
  waitFor(pred: (m: Message) => boolean, timeoutMs = 10_000, from = 0): Promise<Message> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.received.slice(from).find(pred);
        if (hit) {
          cleanup();
          resolve(hit);
        } else if (this.exited) {
          cleanup();
          reject(new Error(`language server exited while waiting (stderr: ${this.stderr().slice(0, 500)})`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error('timed out waiting for a server message'));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  async initialize(
    capabilities: unknown,
    initializationOptions?: unknown,
  ): Promise<{ capabilities: Record<string, unknown> }> {
    const result = await this.request<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities,
      initializationOptions,
    });
    this.notify('initialized', {});
    return result;
  }

  open(uri: string, text: string, version = 1): void {
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version, text } });
  }

  change(uri: string, text: string, version: number): void {
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** shutdown + exit, then waits for the process to end. */
  async close(): Promise<void> {
    if (this.exited) return;
    const ended = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    try {
      await this.request('shutdown');
      this.notify('exit');
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.proc.kill(), 5_000);
    await ended;
    clearTimeout(timer);
  }
}
