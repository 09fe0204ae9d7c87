// Cheap abort signals for the engine's hot path. A run's stop (RunStop) aborts when the caller's signal aborts or the
// run's time limit passes; an HTTP request's abort (RequestAbort in http.ts) when its time-out passes or the run
// stops. Both satisfy StopSignal, the part of AbortSignal the engine's nodes use, so a node takes either a real
// AbortSignal (the API, "Test connection") or one of these. Why not AbortController: creating one and adding and
// removing EventTarget listeners cost ~5 µs of CPU per run under load (the engine bench's profile), and a run
// only ever has a handful of listeners. Listeners may be functions or objects with `handleEvent` (like
// EventTarget's), so a holder passes itself instead of allocating a closure per run.

export type StopListener = (() => void) | { handleEvent(): void };

/** What the engine's nodes need of an abort signal (an AbortSignal is one). */
export interface StopSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: StopListener, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: StopListener): void;
}

function call(listener: StopListener): void {
  try {
    if (typeof listener === 'function') listener();
    else listener.handleEvent();
  } catch {
    // A listener's failure never stops the others.
  }
}

/**
 * A one-shot signal with a small listener list: `abort()` calls each listener once (listeners added afterwards are
 * never called, as with AbortSignal), then forgets them.
 */
export class Stop implements StopSignal {
  aborted = false;
  reason: unknown = undefined;
  #listeners: StopListener[] | undefined;

  addEventListener(_type: 'abort', listener: StopListener): void {
    if (this.aborted) return;
    if (this.#listeners) this.#listeners.push(listener);
    else this.#listeners = [listener];
  }

  removeEventListener(_type: 'abort', listener: StopListener): void {
    const list = this.#listeners;
    if (!list) return;
    const i = list.lastIndexOf(listener);
    if (i >= 0) list.splice(i, 1);
  }

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const list = this.#listeners;
    this.#listeners = undefined;
    if (list) for (const l of list) call(l);
  }
}

function overTime(stop: RunStop): void {
  stop.overTime = true;
  stop.abort(new Error(stop.timeLimitMessage(stop.timeLimitMs)));
}

/** A run's stop: the caller's signal or the run's time limit. `release()` once the run has ended. */
export class RunStop extends Stop {
  /** Set once the time limit has passed (the run then ends `failed`, not `cancelled`). */
  overTime = false;
  readonly #timer: NodeJS.Timeout;
  readonly #caller: AbortSignal | undefined;

  constructor(
    caller: AbortSignal | undefined,
    readonly timeLimitMs: number,
    readonly timeLimitMessage: (ms: number) => string,
  ) {
    super();
    this.#caller = caller;
    this.#timer = setTimeout(overTime, timeLimitMs, this);
    if (caller?.aborted) this.abort(caller.reason);
    else caller?.addEventListener('abort', this, { once: true });
  }

  /** The caller's signal aborted (this object is its listener). */
  handleEvent(): void {
    this.abort(this.#caller?.reason);
  }

  /** Clears the time limit and the listener on the caller's signal. */
  release(): void {
    clearTimeout(this.#timer);
    this.#caller?.removeEventListener('abort', this);
  }
}

/** Resolves `work`'s result, or `stopped` as soon as `signal` aborts (a node that ignores it is not waited for). */
class Waiter<T> {
  resolve!: (v: T) => void;
  constructor(
    private readonly signal: Stop,
    private readonly stopped: T,
    private readonly failed: (err: unknown) => T,
  ) {}
  /** The signal aborted (this object is its listener: no closure per wait). */
  handleEvent(): void {
    this.resolve(this.stopped);
  }
  settle(v: T): void {
    this.signal.removeEventListener('abort', this);
    this.resolve(v);
  }
  fail(err: unknown): void {
    this.settle(this.failed(err));
  }
}

/** `work`'s result (`failed(err)` if it rejects), or `stopped` as soon as `signal` aborts. */
export function untilStopped<T>(work: Promise<T>, signal: Stop, stopped: T, failed: (err: unknown) => T): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.resolve(stopped);
  }
  const waiter = new Waiter(signal, stopped, failed);
  const p = new Promise<T>((resolve) => {
    waiter.resolve = resolve;
  });
  signal.addEventListener('abort', waiter);
  work.then(
    (v) => waiter.settle(v),
    (err: unknown) => waiter.fail(err),
  );
  return p;
}
