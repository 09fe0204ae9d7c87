// `flero scan --report URL`: the Flero keys found, sent to a server's public `POST /api/leaked-keys` (no key needed;
// the server answers 202 whatever the keys are and revokes the live ones). Batches of 100, the endpoint's limit.
// Never prints a key: only how many were sent and where.
const BATCH = 100;

export async function reportKeys(url: URL, keys: readonly string[], source: string | undefined): Promise<boolean> {
  if (!keys.length) {
    process.stderr.write('flero scan: no Flero keys to report\n');
    return true;
  }
  let sent = 0;
  for (let i = 0; i < keys.length; i += BATCH) {
    const body = JSON.stringify({ keys: keys.slice(i, i + BATCH), ...(source ? { source } : {}) });
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      process.stderr.write(`flero scan: could not report to ${url.origin}: ${cause}\n`);
      return false;
    }
    await res.arrayBuffer().catch(() => undefined);
    if (res.status !== 202) {
      const retry = res.headers.get('retry-after');
      process.stderr.write(
        `flero scan: ${url.origin} answered ${res.status} to the report${res.status === 429 && retry ? ` (retry after ${retry} s)` : ''}; ${sent} of ${keys.length} key(s) reported\n`,
      );
      return false;
    }
    sent += Math.min(BATCH, keys.length - i);
  }
  process.stderr.write(`flero scan: reported ${sent} Flero key(s) to ${url.origin}\n`);
  return true;
}
