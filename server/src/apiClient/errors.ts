// A FleroApiError as one sentence a person can act on. The API's own words (the problem's detail) stay in; the front
// end adds what to do about a refused key (the CLI: FLERO_API_KEY; the extension: its sign-in command).
import type { FleroApiError } from './transport';

export interface ExplainOptions {
  /** What to do when the key is refused (401), e.g. 'Set FLERO_API_KEY to a valid key.' */
  onUnauthorized?: string;
  /** Who holds the key, for 403s: "the key" (default) or "the signed-in key". */
  keyName?: string;
}

export function explainApiError(err: FleroApiError, opts: ExplainOptions = {}): string {
  if (err.kind !== 'http') return err.message;
  const p = err.problem ?? {};
  const said = p.detail || p.title;
  const tail = said ? `: ${said}` : '';
  const keyName = opts.keyName ?? 'the key';
  const start = `Could not ${err.action}`;
  switch (err.status) {
    case 401: {
      const expired = /expired/i.test(`${err.wwwAuthenticate ?? ''} ${said ?? ''}`);
      const why =
        !p.code && !said ? ' (no key was sent)' : expired ? ' (it has expired)' : ' (unknown, revoked or expired)';
      return `${start}: the server did not accept ${keyName}${why}.${opts.onUnauthorized ? ` ${opts.onUnauthorized}` : ''}`;
    }
    case 403: {
      if (p.code === 'workflow_not_allowed') return `${start}: ${keyName} is not allowed to use this workflow${tail}`;
      if (p.code === 'privilege_escalation') return `${start}: a key cannot grant more than it holds itself${tail}`;
      const scope = p.scope ?? /scope="([^"]+)"/.exec(err.wwwAuthenticate ?? '')?.[1];
      const restated = scope && said?.includes(scope);
      return `${start}: ${keyName} lacks ${scope ? `the scope "${scope}"` : 'a required scope'}${restated ? '' : tail}`;
    }
    case 404:
      return `${start}: not found on the server${tail}`;
    case 429:
      return `${start}: too many failed attempts from this address, try again later${tail}`;
    default: {
      const fields = p.errors?.length ? ` (${p.errors.map((e) => `${e.field}: ${e.message}`).join('; ')})` : '';
      return `${start}: HTTP ${err.status}${p.code ? ` ${p.code}` : ''}${tail}${fields}`;
    }
  }
}
