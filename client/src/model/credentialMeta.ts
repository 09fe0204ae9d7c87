// Checks credential metadata read back from globalState or received from the language server: the same rules as
// core/credentials.ts CredentialMetaSchema, without zod (it would double the extension bundle). Pure: no vscode.
import type { CredentialMeta } from '../../../server/src/core/credentials';
import { CREDENTIAL_ID_PATTERN, HOST_PATTERN } from '../../../server/src/core/credentialPatterns';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, min: number, max: number): v is string =>
  typeof v === 'string' && v.length >= min && v.length <= max;
const only = (o: Obj, keys: string[]) => Object.keys(o).every((k) => keys.includes(k));

export function parseCredentialMeta(v: unknown): CredentialMeta | undefined {
  if (!isObj(v) || !only(v, ['id', 'name', 'service', 'authType', 'header', 'query', 'hosts', 'basic']))
    return undefined;
  if (!str(v.id, 1, 128) || !CREDENTIAL_ID_PATTERN.test(v.id)) return undefined;
  if (!str(v.name, 1, 200) || !str(v.service, 1, 64)) return undefined;
  if (v.authType !== 'apiKey' && v.authType !== 'bearer' && v.authType !== 'basic') return undefined;
  const meta: CredentialMeta = { id: v.id, name: v.name, service: v.service, authType: v.authType };
  if (v.header !== undefined) {
    const h = v.header;
    if (!isObj(h) || !only(h, ['name', 'prefix']) || !str(h.name, 1, 128) || !str(h.prefix, 0, 64)) return undefined;
    meta.header = { name: h.name, prefix: h.prefix };
  }
  if (v.query !== undefined) {
    const q = v.query;
    if (!isObj(q) || !only(q, ['param']) || !str(q.param, 1, 128)) return undefined;
    meta.query = { param: q.param };
  }
  if (v.hosts !== undefined) {
    if (!Array.isArray(v.hosts) || v.hosts.length > 50) return undefined;
    if (!v.hosts.every((h) => typeof h === 'string' && HOST_PATTERN.test(h))) return undefined;
    meta.hosts = [...(v.hosts as string[])];
  }
  if (v.basic !== undefined) {
    const b = v.basic;
    if (!isObj(b) || !only(b, ['username']) || !str(b.username, 0, 200)) return undefined;
    meta.basic = { username: b.username };
  }
  return meta;
}
