// `POST /api/leaked-keys`: anyone (a secret scanner, a person) reports keys they found. The answer is the same for
// every well-formed report — 202 `{received: n}` — and is sent before any key is looked up, so neither the body,
// the headers nor the time says whether a key was live (no oracle). Then, in the background: keys whose checksum
// fails are dropped without touching the store, the rest are looked up by SHA-256 only (the plaintext is not kept),
// and each live one is revoked (the next request with it is refused) and audited as `key.leaked` with the source.
// Reports are rate-limited per address. Nothing here logs a key.
import { hashKey, hasValidChecksum, keyStart } from '../core/keys';
import type { App } from './context';

const QUEUE_MAX = 10_000;

interface Job {
  hash: string;
  start: string;
  source: string | undefined;
  ip: string;
}

/** Control characters out, and anything key-shaped in the source masked (the source is stored in the audit log). */
function cleanSource(source: string | undefined): string | undefined {
  if (source === undefined) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return source
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/[a-z][a-z0-9_]{0,30}_[0-9A-Za-z]{36}/g, '[redacted key]');
}

export class LeakedKeyQueue {
  private readonly jobs: Job[] = [];
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly app: App) {}

  /** Takes a report (synchronously: the caller answers right after). Returns nothing about the keys. */
  accept(keys: readonly string[], source: string | undefined, ip: string): void {
    if (this.closed) return;
    const seen = new Set<string>();
    const src = cleanSource(source);
    for (const key of keys) {
      if (seen.has(key) || this.jobs.length >= QUEUE_MAX) continue;
      seen.add(key);
      if (!hasValidChecksum(key)) continue;
      this.jobs.push({ hash: hashKey(key), start: keyStart(key), source: src, ip });
    }
    if (this.jobs.length && !this.running) this.running = this.drain().finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    // Let the 202 go out first.
    await new Promise((resolve) => setImmediate(resolve));
    for (let job = this.jobs.shift(); job; job = this.jobs.shift()) {
      try {
        const revoked = await this.app.keys.revokeByHash(job.hash);
        if (revoked)
          await this.app.audit({
            event: 'key.leaked',
            keyId: null,
            ip: job.ip,
            target: revoked.id,
            detail: { name: revoked.name, start: job.start, ...(job.source ? { source: job.source } : {}) },
          });
      } catch (err) {
        process.stderr.write(`flero: a leaked-key report could not be processed: ${(err as Error).name}\n`);
      }
    }
  }

  /** Waits (bounded) for the reports taken so far. */
  async close(timeoutMs = 5000): Promise<void> {
    this.closed = true;
    if (this.running) await Promise.race([this.running, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }
}
