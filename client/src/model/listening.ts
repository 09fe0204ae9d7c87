// The bundled server's command line and reading its console output. Pure: no vscode.

const LISTENING = /Flero API listening on (https?:\/\/[^\s]+)/;

/** The URL from a "Flero API listening on http://HOST:PORT" line, if the text contains one. */
export function parseListeningLine(text: string): string | undefined {
  const m = LISTENING.exec(text);
  return m?.[1]?.replace(/\/+$/, '');
}

export type StartFailure =
  | { kind: 'lock-held'; url?: string }
  | { kind: 'exited'; code: number | null; detail: string };

/** Classifies why the server exited before listening, from its stderr/stdout tail. */
export function classifyStartFailure(output: string, code: number | null): StartFailure {
  if (/\block\b|already (running|in use)|in use by another|another (flero )?server/i.test(output)) {
    const url = /(https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):\d+)/.exec(output)?.[1];
    return url ? { kind: 'lock-held', url } : { kind: 'lock-held' };
  }
  const lines = output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return { kind: 'exited', code, detail: lines.slice(-3).join(' — ') || 'no output' };
}

/** The command line of `flero serve` on a free loopback port, with the data folder and the owner-key file. */
export function serveArgs(script: string, dataDir: string, keyFile: string): string[] {
  return [script, 'serve', '--host', '127.0.0.1', '--port', '0', '--data', dataDir, '--owner-key-file', keyFile];
}

/** The server's output: the last 8,000 characters kept for parsing, complete non-blank lines passed on. */
export class OutputLines {
  tail = '';
  private partial = '';
  constructor(private readonly onLine: (line: string) => void) {}

  /** Adds a chunk; returns the tail. */
  add(text: string): string {
    this.tail = (this.tail + text).slice(-8_000);
    const lines = (this.partial + text).split(/\r?\n/);
    this.partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) this.onLine(line);
    return this.tail;
  }

  /** Passes on the unfinished last line, if any. */
  flush(): void {
    if (this.partial.trim()) this.onLine(this.partial);
  }
}
