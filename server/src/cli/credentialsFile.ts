// THE parser for credential metadata files given to the CLI (`flero lint --credentials FILE`; written so that
// `flero run`'s FLERO_CREDENTIALS file can use it too). It accepts a JSON array (or `{ "credentials": [...] }`) of
//   (a) credential views as `GET /api/credentials` returns them: id, name, service, authType, header?, query?,
//       hosts?, last4, version, createdAt, updatedAt, rotatedAt (the view-only fields are checked and dropped), and
//   (b) local-run entries as `flero run` reads them: id, service, authType, header?, query?, hosts?, name?,
//       value | valueEnv.
// With `allowValues: false` (lint, CI) `valueEnv` references are ignored and a literal `value` is refused: a file
// that CI keeps must not hold secrets. With `allowValues: true` both are kept for the caller to resolve.
//
// Every error names the file, the entry (zero-based, with its id when it has a valid one) and the field, and says
// what was expected; none quotes a value from the file (a misplaced secret could be anywhere in it):
//   credentials.json: entry 2 ("gh"): authType: expected one of apiKey, bearer
import { readFile } from 'node:fs/promises';
import { type ParseError, parse, printParseErrorCode } from '../lsp/service/jsonc';
import { CREDENTIAL_ID_PATTERN, type CredentialMeta, CredentialMetaSchema, HOST_PATTERN } from '../core/credentials';

export class CredentialsFileError extends Error {
  override name = 'CredentialsFileError';
}

export interface CredentialsFileOptions {
  /** true: keep `value` / `valueEnv` (for running); false: refuse `value`, ignore `valueEnv` (metadata only). */
  allowValues: boolean;
}

/** A credential's metadata plus how a run would get its value (only with `allowValues: true`). */
export type CredentialMetaWithValue = CredentialMeta & { value?: string; valueEnv?: string };

const AUTH_TYPES = ['apiKey', 'bearer'] as const;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const QUERY_PARAM = /^[A-Za-z0-9_.~-]+$/;
const VIEW_FIELDS = new Set(['last4', 'version', 'createdAt', 'updatedAt', 'rotatedAt']);
const META_FIELDS = new Set(['id', 'name', 'service', 'authType', 'header', 'query', 'hosts']);
const VALUE_FIELDS = new Set(['value', 'valueEnv']);

export function parseCredentialMetaList(text: string, fileName: string, opts: { allowValues: false }): CredentialMeta[];
export function parseCredentialMetaList(
  text: string,
  fileName: string,
  opts: CredentialsFileOptions,
): CredentialMetaWithValue[];
export function parseCredentialMetaList(
  text: string,
  fileName: string,
  opts: CredentialsFileOptions,
): CredentialMetaWithValue[] {
  const fail = (msg: string): never => {
    throw new CredentialsFileError(`${fileName}: ${msg}`);
  };
  const errors: ParseError[] = [];
  const raw: unknown = parse(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length || !text.trim()) {
    const e = errors[0];
    // Position and kind of the first error only: JSON.parse's messages quote the text around it.
    if (!e) fail('not JSON (the file is empty)');
    const { line, column } = lineColumn(text, e!.offset);
    fail(`not JSON: ${printParseErrorCode(e!.error)} at line ${line}, column ${column}`);
  }
  const list = Array.isArray(raw) ? raw : isObject(raw) && Array.isArray(raw.credentials) ? raw.credentials : null;
  if (!list)
    fail('expected a JSON array of credentials (as GET /api/credentials returns, or a flero run credentials file)');
  const out: CredentialMetaWithValue[] = [];
  const firstIndexOf = new Map<string, number>();
  list!.forEach((entry: unknown, i) => {
    const validId = isObject(entry) && typeof entry.id === 'string' && CREDENTIAL_ID_PATTERN.test(entry.id);
    const where = `entry ${i}${validId ? ` (${JSON.stringify((entry as { id: string }).id)})` : ''}`;
    const bad = (field: string, msg: string): never => fail(`${where}: ${field}: ${msg}`);
    if (!isObject(entry)) fail(`${where}: expected an object, got ${kind(entry)}`);
    const e = entry as Record<string, unknown>;
    for (const k of Object.keys(e))
      if (!META_FIELDS.has(k) && !VIEW_FIELDS.has(k) && !VALUE_FIELDS.has(k))
        bad(k, `unknown field (expected ${[...META_FIELDS, ...VALUE_FIELDS].join(', ')})`);

    if (e.id === undefined) bad('id', 'missing');
    if (!validId) bad('id', 'expected a credential id: a letter or digit, then letters, digits, _ . - (at most 128)');
    const id = e.id as string;
    const prev = firstIndexOf.get(id);
    if (prev !== undefined) bad('id', `the same id as entry ${prev}`);
    firstIndexOf.set(id, i);

    if (e.name !== undefined && !(typeof e.name === 'string' && e.name.length >= 1 && e.name.length <= 200))
      bad('name', `expected a string of 1 to 200 characters, got ${kind(e.name)}`);
    if (e.service === undefined) bad('service', 'missing');
    if (!(typeof e.service === 'string' && e.service.length >= 1 && e.service.length <= 64))
      bad('service', `expected a service id (a string of 1 to 64 characters), got ${kind(e.service)}`);
    if (e.authType === undefined) bad('authType', `missing (one of ${AUTH_TYPES.join(', ')})`);
    if (!AUTH_TYPES.includes(e.authType as (typeof AUTH_TYPES)[number]))
      bad('authType', `expected one of ${AUTH_TYPES.join(', ')}`);

    if (e.header !== undefined) {
      if (!isObject(e.header)) bad('header', `expected an object { name, prefix }, got ${kind(e.header)}`);
      const h = e.header as Record<string, unknown>;
      for (const k of Object.keys(h)) if (k !== 'name' && k !== 'prefix') bad(`header.${k}`, 'unknown field');
      if (!(typeof h.name === 'string' && h.name.length <= 128 && HEADER_NAME.test(h.name)))
        bad('header.name', 'expected a header name (letters, digits, - and a few symbols; at most 128)');
      if (!(typeof h.prefix === 'string' && h.prefix.length <= 64 && PRINTABLE_ASCII.test(h.prefix)))
        bad('header.prefix', 'expected a string of printable ASCII (at most 64; "" for none)');
    }
    if (e.query !== undefined) {
      if (!isObject(e.query)) bad('query', `expected an object { param }, got ${kind(e.query)}`);
      const q = e.query as Record<string, unknown>;
      for (const k of Object.keys(q)) if (k !== 'param') bad(`query.${k}`, 'unknown field');
      if (!(typeof q.param === 'string' && q.param.length <= 128 && QUERY_PARAM.test(q.param)))
        bad('query.param', 'expected a query parameter name (letters, digits, _ . ~ -; at most 128)');
    }
    if (e.hosts !== undefined) {
      if (!Array.isArray(e.hosts)) bad('hosts', `expected an array of host names, got ${kind(e.hosts)}`);
      const hosts = e.hosts as unknown[];
      if (hosts.length > 50) bad('hosts', 'at most 50 hosts');
      hosts.forEach((h, j) => {
        if (!(typeof h === 'string' && HOST_PATTERN.test(h)))
          bad(`hosts[${j}]`, 'expected a host name (host, host:port or *.domain; no scheme, no path)');
      });
    }

    // The view-only fields of GET /api/credentials: checked for type, then dropped.
    if (e.last4 !== undefined && e.last4 !== null && typeof e.last4 !== 'string')
      bad('last4', `expected a string or null, got ${kind(e.last4)}`);
    if (e.version !== undefined && !Number.isInteger(e.version))
      bad('version', `expected an integer, got ${kind(e.version)}`);
    for (const k of ['createdAt', 'updatedAt'] as const)
      if (e[k] !== undefined && typeof e[k] !== 'string') bad(k, `expected a string, got ${kind(e[k])}`);
    if (e.rotatedAt !== undefined && e.rotatedAt !== null && typeof e.rotatedAt !== 'string')
      bad('rotatedAt', `expected a string or null, got ${kind(e.rotatedAt)}`);

    if (e.value !== undefined && !opts.allowValues)
      bad('value', 'a credentials file for lint holds metadata only, never a secret value: remove "value"');
    if (e.value !== undefined && typeof e.value !== 'string') bad('value', `expected a string, got ${kind(e.value)}`);
    if (e.valueEnv !== undefined && !(typeof e.valueEnv === 'string' && e.valueEnv.length > 0))
      bad('valueEnv', `expected the name of an environment variable, got ${kind(e.valueEnv)}`);

    const meta = {
      id,
      name: (e.name as string | undefined) ?? id,
      service: e.service as string,
      authType: e.authType as CredentialMeta['authType'],
      ...(e.header === undefined ? {} : { header: e.header as CredentialMeta['header'] }),
      ...(e.query === undefined ? {} : { query: e.query as CredentialMeta['query'] }),
      ...(e.hosts === undefined ? {} : { hosts: e.hosts as string[] }),
    };
    // The shared schema is the last word (the checks above exist to say precisely what is wrong).
    const checked = CredentialMetaSchema.safeParse(meta);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      bad(issue?.path.join('.') || '(entry)', issue?.message ?? 'not credential metadata');
    }
    const item: CredentialMetaWithValue = { ...checked.data! };
    if (opts.allowValues) {
      if (typeof e.value === 'string') item.value = e.value;
      if (typeof e.valueEnv === 'string') item.valueEnv = e.valueEnv;
    }
    out.push(item);
  });
  return out;
}

/** Reads and parses a credentials file; an unreadable file is a CredentialsFileError naming the file and errno. */
export async function readCredentialMetaFile(file: string, opts: { allowValues: false }): Promise<CredentialMeta[]>;
export async function readCredentialMetaFile(
  file: string,
  opts: CredentialsFileOptions,
): Promise<CredentialMetaWithValue[]>;
export async function readCredentialMetaFile(
  file: string,
  opts: CredentialsFileOptions,
): Promise<CredentialMetaWithValue[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CredentialsFileError(
      `cannot read credentials file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  return parseCredentialMetaList(text, file, opts);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON type of a value — never the value itself. */
function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v === undefined) return 'nothing';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
