// Reading the bundled server's console output. Pure: no vscode.

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
