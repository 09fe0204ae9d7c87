// Checks one HTTP answer against the API's error contract: never 5xx; every 4xx an RFC 9457 problem body with `code`.

export interface Answer {
  method: string;
  path: string;
  status: number;
  contentType: string;
  text: string;
}

/** What is wrong with an answer, or undefined when it honours the contract. */
export function contractViolation(a: Answer): string | undefined {
  if (a.status >= 500) return `server error ${a.status}: ${a.text.slice(0, 300)}`;
  if (a.status < 400 || a.method.toUpperCase() === 'HEAD') return undefined;
  // The OAuth2 callback is where a browser lands after consent: its errors are HTML pages a person reads (never a
  // 5xx); what the router refuses before it (a bad method, a malformed target) is a problem body like everywhere.
  if (/^\/oauth2\/callback(\?|$)/.test(a.path) && /^text\/html\b/i.test(a.contentType)) return undefined;
  if (!/^application\/problem\+json\b/i.test(a.contentType))
    return `error ${a.status} with content-type "${a.contentType}" instead of application/problem+json`;
  let body: unknown;
  try {
    body = JSON.parse(a.text);
  } catch {
    return `error ${a.status} with a body that is not JSON: ${a.text.slice(0, 200)}`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return `problem body is not an object`;
  const p = body as Record<string, unknown>;
  for (const field of ['type', 'title', 'detail', 'code'] as const)
    if (typeof p[field] !== 'string' || !(p[field] as string).length) return `problem body lacks a string "${field}"`;
  if (p.status !== a.status) return `problem body status ${String(p.status)} differs from the HTTP status ${a.status}`;
  return undefined;
}
