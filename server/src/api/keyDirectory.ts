// Who holds a key. The embedded store is written by this process only (the data-dir lock), so an in-memory index of
// key hash → key is authoritative and the auth hot path never queries. With PostgreSQL several servers share the
// keys, so there is NO positive cache: every request looks its key up by hash (one indexed query), and a revoke on
// any server is seen by the very next request on every other server.
import { hashKey } from '../core/keys';
import { SCOPES, type Scope } from '../core/scopes';
import { ADVISORY_LOCKS } from './store/advisoryLocks';
import type { Db } from './store/db';
import {
  insertKey,
  type KeyUse,
  keyByHash,
  liveKeysWithHash,
  type NewKey,
  revokeKey,
  revokeLiveKeyByHash,
  type RollPlan,
  rollKey,
  touchKeys,
} from './store/keys';
import type { ApiKeyRecord } from './store/records';

export interface AuthKey {
  record: ApiKeyRecord;
  scopes: ReadonlySet<Scope>;
  /** undefined = all workflows */
  workflows: ReadonlySet<string> | undefined;
  /** ms since epoch, or Infinity */
  expiresMs: number;
}

export function toAuthKey(record: ApiKeyRecord): AuthKey {
  return {
    record,
    scopes: new Set(record.scopes),
    workflows: record.workflows === 'all' ? undefined : new Set(record.workflows),
    expiresMs: record.expiresAt ? Date.parse(record.expiresAt) : Number.POSITIVE_INFINITY,
  };
}

/** The longest User-Agent kept for a key's last use. */
export const MAX_USER_AGENT = 200;

/** A User-Agent as stored: control characters removed, at most MAX_USER_AGENT characters; null when empty. */
export function cleanUserAgent(ua: string | null | undefined): string | null {
  if (!ua) return null;
  const clean = ua
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '')
    .trim()
    .slice(0, MAX_USER_AGENT);
  return clean || null;
}

export class KeyDirectory {
  private readonly index = new Map<string, AuthKey>(); // embedded only
  private readonly byId = new Map<string, string>(); // key id → hash (embedded only)
  private used = new Map<string, KeyUse>(); // key id → last use (ms, address, user agent)
  private usedCount = new Map<string, number>();
  /** key id → the User-Agent header as sent with its pending use (before cleaning). */
  private rawAgents = new Map<string, string | null>();
  /** True after a failed flush until one succeeds (the failure is logged once per streak). */
  private failing = false;

  private constructor(
    private readonly db: Db,
    private readonly onUsed: (keyId: string, count: number, lastMs: number) => Promise<void>,
  ) {}

  static async load(db: Db, onUsed: (keyId: string, count: number, lastMs: number) => Promise<void>) {
    const dir = new KeyDirectory(db, onUsed);
    if (db.kind === 'embedded') for (const { record, hash } of await liveKeysWithHash(db)) dir.remember(record, hash);
    return dir;
  }

  private remember(record: ApiKeyRecord, hash: string) {
    this.index.set(hash, toAuthKey(record));
    this.byId.set(record.id, hash);
  }

  /** True on the embedded store: lookups are answered from memory. */
  get inMemory(): boolean {
    return this.db.kind === 'embedded';
  }

  /** The live key with this hash: synchronous from the index (embedded), a query (PostgreSQL). */
  lookup(hash: string): AuthKey | undefined | Promise<AuthKey | undefined> {
    if (this.db.kind === 'embedded') return this.index.get(hash);
    return keyByHash(this.db, hash).then((r) => (r ? toAuthKey(r) : undefined));
  }

  async create(plaintext: string, k: NewKey): Promise<ApiKeyRecord> {
    const { record, hash } = await insertKey(this.db, plaintext, k);
    if (this.db.kind === 'embedded') this.remember(record, hash);
    return record;
  }

  /** Creates the owner key (all scopes, all workflows) if the store has no key yet; false if it has one. */
  async createOwnerIfEmpty(plaintext: string): Promise<ApiKeyRecord | undefined> {
    const made = await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.ownerKey]); // servers starting together on PostgreSQL
      const n = await tx.query<{ n: number | string }>('SELECT count(*) AS n FROM api_keys');
      if (Number(n[0]?.n ?? 0) > 0) return undefined;
      return insertKey(tx, plaintext, {
        name: 'owner',
        scopes: [...SCOPES],
        workflows: 'all',
        expiresAt: null,
        createdBy: null,
      });
    });
    if (!made) return undefined;
    if (this.db.kind === 'embedded') this.remember(made.record, made.hash);
    return made.record;
  }

  async revoke(id: string): Promise<ApiKeyRecord | undefined> {
    const record = await revokeKey(this.db, id);
    const hash = this.byId.get(id);
    if (hash) {
      this.index.delete(hash);
      this.byId.delete(id);
    }
    return record;
  }

  /** Revokes a live key known only by its hash (a leak report); the embedded store skips the database for a hash
   * it does not hold. Returns the revoked record, or undefined. */
  async revokeByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    if (this.db.kind === 'embedded' && !this.index.has(hash)) return undefined;
    const record = await revokeLiveKeyByHash(this.db, hash);
    if (record) {
      this.index.delete(hash);
      this.byId.delete(record.id);
    }
    return record;
  }

  /**
   * Rolls a key (store/keys.ts rollKey). On the embedded store the index learns the new key and the old key's
   * shortened expiry at once, so the very next request with the old key sees it (PostgreSQL reads every request).
   */
  async roll(id: string, plaintext: string, plan: RollPlan): ReturnType<typeof rollKey> {
    const r = await rollKey(this.db, id, plaintext, plan);
    if ('record' in r && 'hash' in r && this.db.kind === 'embedded') {
      this.remember(r.record, r.hash);
      const oldHash = this.byId.get(id);
      const cached = oldHash ? this.index.get(oldHash) : undefined;
      if (oldHash && cached)
        this.index.set(oldHash, toAuthKey({ ...r.old, lastUsedAt: cached.record.lastUsedAt ?? r.old.lastUsedAt }));
    }
    return r;
  }

  /**
   * Records a use (no I/O): flushed in one batch by `flush()`. The user agent is cleaned (cleanUserAgent). This runs
   * on every authenticated request: a key used again from the same address with the same agent (a client's usual
   * loop) only moves the time of its pending use — no new record, no second cleaning of the agent.
   */
  markUsed(keyId: string, now: number, ip: string | null = null, userAgent: string | null = null) {
    const pending = this.used.get(keyId);
    if (pending !== undefined && pending.ip === ip && this.rawAgents.get(keyId) === userAgent) pending.at = now;
    else {
      this.used.set(keyId, { at: now, ip, userAgent: cleanUserAgent(userAgent) });
      this.rawAgents.set(keyId, userAgent);
    }
    this.usedCount.set(keyId, (this.usedCount.get(keyId) ?? 0) + 1);
  }

  /** The key's last use (time, address, agent): the pending (unflushed) one, else the stored one. */
  lastUse(record: ApiKeyRecord): Pick<ApiKeyRecord, 'lastUsedAt' | 'lastUsedIp' | 'lastUsedUserAgent'> {
    const pending = this.used.get(record.id);
    return pending !== undefined
      ? { lastUsedAt: new Date(pending.at).toISOString(), lastUsedIp: pending.ip, lastUsedUserAgent: pending.userAgent }
      : { lastUsedAt: record.lastUsedAt, lastUsedIp: record.lastUsedIp, lastUsedUserAgent: record.lastUsedUserAgent };
  }

  /** When the key was last used: the pending (unflushed) use, else the stored one. */
  lastUsedAt(record: ApiKeyRecord): string | null {
    const pending = this.used.get(record.id);
    return pending !== undefined ? new Date(pending.at).toISOString() : record.lastUsedAt;
  }

  /**
   * Writes lastUsedAt for every key used since the last flush (one statement) and their `key.used` audit rows. On a
   * failed write nothing is dropped: the entries not written go back into the pending maps (merged with uses since:
   * the newest lastUsedAt wins, counts add up), so the next flush retries them; the first failure of a streak is
   * logged on stderr (key count and the store's message, never a key). Rejects with the write's error.
   */
  async flush(): Promise<void> {
    if (!this.used.size) return;
    const used = this.used;
    const counts = this.usedCount;
    this.used = new Map();
    this.usedCount = new Map();
    this.rawAgents = new Map();
    try {
      await touchKeys(this.db, used);
    } catch (e) {
      this.requeue(used, counts, used.keys());
      throw this.failed(e, used.size);
    }
    for (const [id, last] of used) {
      const k = this.index.get(this.byId.get(id) ?? '');
      if (k) {
        k.record.lastUsedAt = new Date(last.at).toISOString();
        k.record.lastUsedIp = last.ip;
        k.record.lastUsedUserAgent = last.userAgent;
      }
    }
    const ids = [...used.keys()];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      try {
        await this.onUsed(id, counts.get(id) ?? 1, used.get(id)!.at);
      } catch (e) {
        // lastUsedAt is written (re-writing it is harmless: the store keeps the later time); the audit rows from
        // here on are not.
        this.requeue(used, counts, ids.slice(i));
        throw this.failed(e, ids.length - i);
      }
    }
    if (this.failing) process.stderr.write('flero: key usage (lastUsedAt, key.used) written again after a failure\n');
    this.failing = false;
  }

  private requeue(used: Map<string, KeyUse>, counts: Map<string, number>, ids: Iterable<string>) {
    for (const id of ids) {
      const last = used.get(id)!;
      const newer = this.used.get(id);
      this.used.set(id, newer !== undefined && newer.at > last.at ? newer : last);
      this.usedCount.set(id, (this.usedCount.get(id) ?? 0) + (counts.get(id) ?? 1));
    }
  }

  private failed(e: unknown, keys: number): unknown {
    if (!this.failing) {
      // The store's message names a table or a connection problem; the statement's parameters (key ids, times)
      // are not in it, and a key is never in them.
      const reason = String((e as Error)?.message ?? e).slice(0, 300);
      process.stderr.write(
        `flero: could not record key usage (lastUsedAt, key.used) for ${keys} key(s): ${reason}; kept, retried at the next flush\n`,
      );
    }
    this.failing = true;
    return e;
  }

  static hash(plaintext: string): string {
    return hashKey(plaintext);
  }
}
