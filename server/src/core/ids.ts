// Every id the server mints, in one place: `key_…` (API keys), `cred_…` (credentials), `exe_…` (executions), `srv_…`
// (a server process, as the owner of execution leases). The formats are what clients have seen since 0.1 and stay
// as they are; all come from a CSPRNG.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { BASE62 } from './keys';

/** `prefix` + 16 random base62 characters. */
function base62Id(prefix: string, length = 16): string {
  let s = '';
  for (let i = 0; i < length; i++) s += BASE62[randomInt(62)];
  return prefix + s;
}

/** An API key's id (not the key): `key_` + 16 base62 characters. */
export function newKeyId(): string {
  return base62Id('key_');
}

/** A credential's id when the client gives none: `cred_` + 12 characters of [A-Za-z0-9x]. */
export function newCredentialId(): string {
  return `cred_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
}

/** An execution's id: `exe_` + the 32 hex digits of a random UUID without its dashes (8-4-4-4-12). */
export function newExecutionId(): string {
  const u = randomUUID();
  return `exe_${u.slice(0, 8)}${u.slice(9, 13)}${u.slice(14, 18)}${u.slice(19, 23)}${u.slice(24)}`;
}

/** A server process's id, the owner of the execution leases it holds: `srv_` + 12 base64url characters. */
export function newServerId(): string {
  return `srv_${randomBytes(9).toString('base64url')}`;
}
