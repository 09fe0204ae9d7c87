// Push diagnostics (clients without pull support): a burst of edits to one document publishes once, shortly after
// the last. The server hands in what publishing means (compute from the analysis cache, `sendDiagnostics`).

/** Quiet time after the last change of a document before its diagnostics are pushed. */
export const PUSH_DELAY_MS = 20;

export class PushScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly publish: (uri: string) => void,
    private readonly delayMs = PUSH_DELAY_MS,
  ) {}

  /** Publish `uri` after the delay, replacing a publication already scheduled for it. */
  schedule(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.publish(uri);
      }, this.delayMs),
    );
  }

  /** Drop a scheduled publication (the document was closed). */
  cancel(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
  }
}
