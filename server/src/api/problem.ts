// RFC 9457 problem details (`application/problem+json`) with a machine-readable `code`. Every error the API answers
// is an ApiError turned into one of these bodies.

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
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly extra: { headers?: Record<string, string>; errors?: FieldError[]; scope?: string } = {},
  ) {
    super(detail);
  }

  toProblem(): Problem {
    const p: Problem = {
      type: `https://flero.ai/problems/${this.code}`,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      detail: this.message,
      code: this.code,
    };
    if (this.extra.scope) p.scope = this.extra.scope;
    if (this.extra.errors) p.errors = this.extra.errors;
    return p;
  }
}

export function validationError(errors: FieldError[], what = 'the request body'): ApiError {
  const fields = [...new Set(errors.map((e) => e.field))];
  return new ApiError(400, 'validation_failed', `${what} is invalid: ${fields.join(', ')}`, { errors });
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} does not exist`);
