// Failed-auth limiter: after `limit` failed authentications from one address within `windowMs`, that address gets
// 429 + Retry-After for every FAILING authentication until the window passes; a valid key is never refused (the app
// consults the limiter only after a key failed to resolve). Memory is bounded (`maxTracked` addresses).
export class FailedAuthLimiter {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxTracked = 10_000,
  ) {}

  /** Seconds to wait if `ip` is blocked now, else 0. */
  retryAfter(ip: string, now: number): number {
    const f = this.failures.get(ip);
    if (!f) return 0;
    if (now - f.since >= this.windowMs) {
      this.failures.delete(ip);
      return 0;
    }
    return f.count >= this.limit ? Math.max(1, Math.ceil((f.since + this.windowMs - now) / 1000)) : 0;
  }

  /** Counts a failure; returns true when this failure crossed the limit. */
  fail(ip: string, now: number): boolean {
    let f = this.failures.get(ip);
    if (!f || now - f.since >= this.windowMs) {
      if (this.failures.size >= this.maxTracked) this.prune(now);
      f = { count: 0, since: now };
      this.failures.set(ip, f);
    }
    f.count++;
    return f.count === this.limit;
  }

  private prune(now: number) {
    for (const [ip, f] of this.failures) if (now - f.since >= this.windowMs) this.failures.delete(ip);
    if (this.failures.size >= this.maxTracked) this.failures.delete(this.failures.keys().next().value!);
  }
}
