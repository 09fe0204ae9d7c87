// `flero keys` on a data dir or a PostgreSQL database (offline admin, no server). On a data dir it takes the same
// lock as the server, so it refuses (touching nothing) while a server runs there.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { keyView } from '../../api/routes/apiKeys';
import { insertAudit } from '../../api/store/audit';
import { getKey, insertKey, listKeys, revokeKey } from '../../api/store/keys';
import { DataDirLockedError } from '../../api/store/lock';
import { type OpenedStore, openStore } from '../../api/store/open';
import { redactUrl } from '../../api/store/postgres';
import type { ApiKey, CreatedApiKey } from '../../core/operations';
import { generateKey } from '../../core/keys';
import { CommandError } from '../command';
import { UsageError } from '../parser';

export interface StoreTarget {
  dataDir?: string;
  databaseUrl?: string;
}

async function withStore<T>(target: StoreTarget, fn: (s: OpenedStore) => Promise<T>, init = false): Promise<T> {
  if (target.dataDir && !existsSync(resolve(target.dataDir))) {
    if (!init)
      throw new UsageError(
        `no Flero data dir at ${resolve(target.dataDir)} (a typo? To make a new one, add --init, or start \`flero serve --data ${target.dataDir}\` once)`,
      );
  }
  let store: OpenedStore;
  try {
    store = await openStore(target, { logTiming: false });
  } catch (e) {
    if (e instanceof DataDirLockedError)
      throw new CommandError(
        `${e.message} (while it runs, manage keys through it: \`flero keys … --server URL\` with FLERO_API_KEY)`,
      );
    throw new CommandError(
      `cannot open the store ${target.databaseUrl ? redactUrl(target.databaseUrl) : target.dataDir}: ${(e as Error).message}`,
    );
  }
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export interface NewKeyInput {
  name: string;
  scopes: ApiKey['scopes'];
  workflows: ApiKey['workflows'];
  expiresAt: string | null;
  prefix: string;
}

export function createKeyInStore(target: StoreTarget, k: NewKeyInput, init: boolean): Promise<CreatedApiKey> {
  return withStore(
    target,
    async ({ db }) => {
      const plaintext = generateKey(k.prefix);
      const { record } = await insertKey(db, plaintext, {
        name: k.name,
        scopes: k.scopes,
        workflows: k.workflows,
        expiresAt: k.expiresAt,
        createdBy: null,
      });
      await insertAudit(db, {
        event: 'key.created',
        target: record.id,
        detail: {
          name: record.name,
          start: record.start,
          scopes: record.scopes,
          workflows: record.workflows,
          via: 'cli',
        },
      });
      return { ...keyView(record), key: plaintext } as CreatedApiKey;
    },
    init,
  );
}

export function listKeysInStore(target: StoreTarget): Promise<ApiKey[]> {
  return withStore(target, async ({ db }) => (await listKeys(db)).map(keyView) as ApiKey[]);
}

export function showKeyInStore(target: StoreTarget, id: string): Promise<ApiKey> {
  return withStore(target, async ({ db }) => {
    const k = await getKey(db, id);
    if (!k) throw new CommandError(`no API key with id "${id}" (see \`flero keys list\`)`);
    return keyView(k) as ApiKey;
  });
}

/** Revokes; returns the key as it is now and whether it was revoked before. */
export function revokeKeyInStore(target: StoreTarget, id: string): Promise<{ key: ApiKey; already: boolean }> {
  return withStore(target, async ({ db }) => {
    const existing = await getKey(db, id);
    if (!existing) throw new CommandError(`no API key with id "${id}" (see \`flero keys list\`)`);
    if (existing.revokedAt) return { key: keyView(existing) as ApiKey, already: true };
    const r = await revokeKey(db, id);
    await insertAudit(db, { event: 'key.revoked', target: id, detail: { name: existing.name, via: 'cli' } });
    return { key: keyView(r ?? existing) as ApiKey, already: false };
  });
}
