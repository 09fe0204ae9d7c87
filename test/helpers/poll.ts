// Waiting without sleeping blindly: poll a condition until it yields a value, or fail naming what was awaited.
//
//   const e = await until('the run to finish', async () => (await get(id)).status === 'running' ? undefined : …, 30_000);
export async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
