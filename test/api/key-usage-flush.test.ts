// Key usage (lastUsedAt, key.used) is batched; a failed write drops nothing. A real store (PGlite, and PostgreSQL
// when its binaries are installed) whose api_keys (then audit_log) table is renamed away makes the write fail: the
// entries stay pending (merged with uses during the failed write: the newest lastUsedAt wins, counts add up), the
// failure is logged once without a key, and the next flush writes them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateKey } from '../../server/src/core/keys';
import { KeyDirectory } from '../../server/src/api/keyDirectory';
import { insertAudit } from '../../server/src/api/store/audit';
import type { Db } from '../../server/src/api/store/db';
import { getKey } from '../../server/src/api/store/keys';
import { migrate } from '../../server/src/api/store/migrations';
import { openPglite } from '../../server/src/api/store/pglite';
import { openPostgres } from '../../server/src/api/store/postgres';
import { postgresUnavailable, startPostgres } from '../helpers/postgres';
import { tmpDir } from '../helpers/tmp';

const STORES: { name: string; skip?: string; open(): Promise<{ db: Db; close(): Promise<void> }> }[] = [
  {
    name: 'PGlite',
    async open() {
      const dir = tmpDir('flero-flush');
      const db = await openPglite(dir.path);
      const close = async () => {
        await db.close();
        dir.remove();
      };
      return { db, close };
    },
  },
  {
    name: 'PostgreSQL',
    skip: postgresUnavailable(),
    async open() {
      const server = await startPostgres();
      const db = await openPostgres(server.url);
      const close = async () => {
        await db.close();
        await server.stop();
      };
      return { db, close };
    },
  },
];

let db: Db;

/** Runs `fn` with stderr captured (and still written). */
async function withStderr<T>(fn: () => Promise<T>): Promise<{ value: T; stderr: string }> {
  const original = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    stderr += String(chunk);
    return original(chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    return { value: await fn(), stderr };
  } finally {
    process.stderr.write = original;
  }
}

async function usedAudit(keyId: string): Promise<{ requests: number }[]> {
  const rows = await db.query<{ detail: unknown }>(
    "SELECT detail FROM audit_log WHERE event = 'key.used' AND key_id = $1 ORDER BY at",
    [keyId],
  );
  return rows.map((r) => (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as { requests: number });
}

for (const store of STORES)
  describe(`key usage flush on ${store.name}`, { skip: store.skip }, () => {
    let opened: { db: Db; close(): Promise<void> } | undefined;
    before(async () => {
      opened = await store.open();
      db = opened.db;
      await migrate(db);
    });
    after(() => opened?.close());

    test('a failed lastUsedAt write keeps the entries, logs once, and the next flush writes them', async () => {
      const keys = await KeyDirectory.load(db, (keyId, count, last) =>
        insertAudit(db, {
          event: 'key.used',
          keyId,
          target: keyId,
          at: new Date(last).toISOString(),
          detail: { requests: count },
        }),
      );
      const plaintext = generateKey('flero_sk_');
      const rec = await keys.create(plaintext, {
        name: 'k',
        scopes: ['workflows:read'],
        workflows: 'all',
        expiresAt: null,
        createdBy: null,
      });
      const t0 = Date.parse('2026-01-01T00:00:00Z');
      keys.markUsed(rec.id, t0 + 1000);
      keys.markUsed(rec.id, t0 + 2000);

      await db.query('ALTER TABLE api_keys RENAME TO api_keys_away');
      const { stderr } = await withStderr(async () => {
        const failing = keys.flush();
        // Uses while the failing write is in flight: one older than the pending entry, which must not win.
        keys.markUsed(rec.id, t0 + 1500);
        await assert.rejects(failing);
        await assert.rejects(keys.flush()); // a second failure of the same streak is not logged again
      });
      assert.equal(stderr.match(/could not record key usage/g)?.length, 1, stderr);
      assert.match(stderr, /for 1 key\(s\)/);
      assert.ok(!stderr.includes(plaintext), 'the key never reaches the log');
      assert.equal(keys.lastUsedAt(rec), new Date(t0 + 2000).toISOString(), 'the newest pending use is kept');
      await db.query('ALTER TABLE api_keys_away RENAME TO api_keys');

      const written = await withStderr(() => keys.flush());
      assert.match(written.stderr, /written again after a failure/);
      assert.equal((await getKey(db, rec.id))?.lastUsedAt, new Date(t0 + 2000).toISOString());
      assert.deepEqual(await usedAudit(rec.id), [{ requests: 3 }], 'every use counted once');
    });

    test('a failed key.used audit write is retried too', async () => {
      const keys = await KeyDirectory.load(db, (keyId, count, last) =>
        insertAudit(db, {
          event: 'key.used',
          keyId,
          target: keyId,
          at: new Date(last).toISOString(),
          detail: { requests: count },
        }),
      );
      const rec = await keys.create(generateKey('flero_sk_'), {
        name: 'k2',
        scopes: ['workflows:read'],
        workflows: 'all',
        expiresAt: null,
        createdBy: null,
      });
      const t = Date.parse('2026-02-01T00:00:00Z');
      keys.markUsed(rec.id, t);
      await db.query('ALTER TABLE audit_log RENAME TO audit_log_away');
      await withStderr(() => assert.rejects(keys.flush()));
      await db.query('ALTER TABLE audit_log_away RENAME TO audit_log');
      keys.markUsed(rec.id, t + 10);
      await withStderr(() => keys.flush());
      assert.equal((await getKey(db, rec.id))?.lastUsedAt, new Date(t + 10).toISOString());
      assert.deepEqual(await usedAudit(rec.id), [{ requests: 2 }]);
    });
  });
