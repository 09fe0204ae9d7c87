// Reads and parses a JSON request body: 413 over the limit (checked on Content-Length and while streaming), 415 for
// another media type, 400 `malformed_json` for bad JSON, then zod validation → 400 `validation_failed` with fields.
// No message here quotes the request: not the Content-Type, not a snippet of the body (V8's JSON.parse messages do),
// not a field name that could be a pasted secret.
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { ApiError, type FieldError, validationError } from './problem';

export const MAX_BODY_BYTES = 1024 * 1024;
/** Deeper JSON is refused before it is parsed: no document of ours nests like this, and recursive walks would not cope. */
export const MAX_JSON_DEPTH = 128;

const tooLarge = () =>
  new ApiError(413, 'payload_too_large', `the request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB)`);

function isJsonType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** The raw body, or undefined when there is none. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer | undefined> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw tooLarge();
  if (declared === '0' || (declared === undefined && req.headers['transfer-encoding'] === undefined)) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return size ? Buffer.concat(chunks, size) : undefined;
}

/** Parses the JSON body (if any); `undefined` when there is no body. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req);
  if (!raw) return undefined;
  if (!isJsonType(req.headers['content-type']))
    throw new ApiError(
      415,
      'unsupported_media_type',
      `send the body as application/json (${req.headers['content-type'] ? 'the Content-Type is another media type' : 'no Content-Type was sent'})`,
    );
  const depth = jsonDepthOver(raw, MAX_JSON_DEPTH);
  if (depth)
    throw validationError(
      [{ field: '(body)', message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels (at byte ${depth})` }],
      'the request body',
    );
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, 'malformed_json', `the request body is not valid JSON (${whereJsonFails(text, err)})`);
  }
}

/**
 * The byte offset where `raw` JSON first nests deeper than `max` (arrays and objects, outside strings), or 0.
 * One pass over the bytes; strings are skipped with their escapes.
 */
export function jsonDepthOver(raw: Uint8Array, max: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return 0;
}

/**
 * Where a JSON text fails, in words: V8's message quotes the text ("Unexpected token 'x', "…" is not valid JSON"),
 * so only its position is used, as line and column.
 */
function whereJsonFails(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  if (/Unexpected end of JSON input/.test(message)) return 'it ends too early';
  const at = /at position (\d+)/.exec(message);
  if (!at) return 'it does not parse';
  const pos = Number(at[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `at line ${line}, column ${column}`;
}

/**
 * A field name safe to repeat in an error: a short identifier (no Flero key is that short). Anything else may be a
 * pasted secret, and is named `(a field)`.
 */
const SAFE_FIELD = /^[A-Za-z_$][A-Za-z0-9_$-]{0,31}$/;
const fieldName = (k: PropertyKey) =>
  typeof k === 'number' ? String(k) : typeof k === 'string' && SAFE_FIELD.test(k) ? k : '(a field)';

export function zodFieldErrors(error: z.ZodError): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(fieldName);
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out.push({ field: [...base, fieldName(k)].join('.'), message: 'unknown field' });
      continue;
    }
    out.push({ field: base.length ? base.join('.') : '(body)', message: issue.message });
  }
  return out;
}

/** Paths of strings (values or keys) holding U+0000, which no store text column can hold. */
function nulPaths(value: unknown, path: string, out: string[]): string[] {
  if (out.length >= 20) return out;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) out.push(path || '(body)');
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) nulPaths(value[i], `${path}[${i}]`, out);
  } else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${fieldName(k)}` : fieldName(k);
      if (k.includes('\u0000')) out.push(p);
      nulPaths(v, p, out);
    }
  return out;
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, what?: string): z.output<S> {
  const nul = nulPaths(value, '', []);
  if (nul.length)
    throw validationError(
      nul.map((field) => ({ field, message: 'must not contain the NUL character (\\u0000)' })),
      what,
    );
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(zodFieldErrors(r.error), what);
  return r.data;
}
