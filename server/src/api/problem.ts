// RFC 9457 problem details (`application/problem+json`) with a machine-readable `code`. Every error the API answers
// is an ApiError turned into one of these bodies. No detail repeats client input that could be a key or a secret
// (messages are written not to); as a last line of defence, anything shaped like a Flero API key is redacted.
import { findKeyCandidates } from '../core/keys';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface FieldError {
  /** Dotted path into the body, e.g. `nodes.0.id`; `(body)` for the whole body. */
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  scope?: string;
  verdict?: { ok: boolean; status: number; detail: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly extra: {
      headers?: Record<string, string>;
      errors?: FieldError[];
      scope?: string;
      verdict?: { ok: boolean; status: number; detail: string };
    } = {},
  ) {
    // An answer to the client, not a bug: no stack trace. Capturing one was the largest cost of a refused request
    // (bench/profiles.md: 0.83 s of 6 s under a flood of 404s); nothing reads an ApiError's stack.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(detail);
    Error.stackTraceLimit = limit;
  }

  toProblem(): Problem {
    const p: Problem = {
      type: `https://flero.ai/problems/${this.code}`,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      detail: redactKeys(this.message),
      code: this.code,
    };
    if (this.extra.scope) p.scope = this.extra.scope;
    if (this.extra.verdict) p.verdict = { ...this.extra.verdict, detail: redactKeys(this.extra.verdict.detail) };
    if (this.extra.errors)
      p.errors = this.extra.errors.map((e) => ({ field: redactKeys(e.field), message: redactKeys(e.message) }));
    return p;
  }
}

export function validationError(errors: FieldError[], what = 'the request body'): ApiError {
  const fields = [...new Set(errors.map((e) => e.field))];
  return new ApiError(400, 'validation_failed', `${what} is invalid: ${fields.join(', ')}`, { errors });
}

/** `what` names the resource ("the workflow"), never an id the client sent unless it has the resource's strict id format. */
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} does not exist`);

/** True when the text holds something shaped like a Flero API key (any prefix, checksum valid or not). */
export function hasKeyShape(text: string): boolean {
  return text.length >= 38 && findKeyCandidates(text).length > 0;
}

/** Replaces everything shaped like a Flero API key (any prefix, checksum valid or not). */
export function redactKeys(text: string): string {
  if (!hasKeyShape(text)) return text;
  let out = '';
  let last = 0;
  for (const c of findKeyCandidates(text)) {
    out += `${text.slice(last, c.start)}[a Flero API key]`;
    last = c.end;
  }
  return out + text.slice(last);
}
