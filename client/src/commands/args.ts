// Reading command arguments: a tree node (from a view menu), an id string (from a script), or nothing (palette).
import type { CredentialMeta } from '../../../server/src/core/credentials';
import type { KeyInfo } from '../model/apiTypes';
import type { ViewNode } from '../model/tree';

export function keyFromArg(arg: unknown, keys: readonly KeyInfo[]): KeyInfo | undefined {
  const node = arg as ViewNode | undefined;
  if (node?.ref?.kind === 'apiKey') return node.ref.key;
  if (typeof arg === 'string') return keys.find((k) => k.id === arg || k.name === arg);
  return undefined;
}

export function credentialFromArg(
  arg: unknown,
):
  | { origin: 'local' | 'server'; credential: CredentialMeta }
  | { id: string; origin?: 'local' | 'server' }
  | undefined {
  const node = arg as ViewNode | undefined;
  if (node?.ref?.kind === 'credential') return { origin: node.ref.origin, credential: node.ref.credential };
  if (typeof arg === 'string') {
    const m = /^(local|server):(.+)$/.exec(arg);
    return m ? { origin: m[1] as 'local' | 'server', id: m[2]! } : { id: arg };
  }
  return undefined;
}
