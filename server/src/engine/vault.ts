// Credential values at rest: AES-256-GCM (core/seal.ts) under a master key kept outside the database —
// `FLERO_MASTER_KEY` (base64 of 32 random bytes) or, for an embedded store without it, a key file created beside the
// data dir (`<data>.master-key`, mode 0600). Each value is sealed with its credential id as additional data, so a
// sealed value copied onto another row does not decrypt.
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { seal, unseal } from '../core/seal';

export class MasterKeyError extends Error {
  override name = 'MasterKeyError';
}

/** Decodes a master key; throws a MasterKeyError that never repeats the input. */
export function parseMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed))
    throw new MasterKeyError(
      `${source} is not base64 (expected 32 random bytes, base64; e.g. \`openssl rand -base64 32\`)`,
    );
  const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== 32)
    throw new MasterKeyError(
      `${source} must decode to 32 bytes, got ${key.length} (generate one with \`openssl rand -base64 32\`)`,
    );
  return key;
}

export function masterKeyFileFor(dataDir: string): string {
  return `${resolve(dataDir).replace(/[/\\]+$/, '')}.master-key`;
}

export interface MasterKeySource {
  key: Buffer;
  /** Where it came from, for the start-up line (never the key). */
  source: 'FLERO_MASTER_KEY' | 'key file' | 'new key file';
  file?: string;
}

/**
 * The master key: `FLERO_MASTER_KEY` if set; else, with a data dir, the key file beside it (created on first use,
 * mode 0600). A shared PostgreSQL store needs `FLERO_MASTER_KEY` (every instance must use the same key).
 */
export function loadMasterKey(opts: {
  env?: string | undefined;
  dataDir?: string;
  postgres?: boolean;
}): MasterKeySource {
  if (opts.env !== undefined && opts.env !== '')
    return { key: parseMasterKey(opts.env, 'FLERO_MASTER_KEY'), source: 'FLERO_MASTER_KEY' };
  if (opts.postgres || !opts.dataDir)
    throw new MasterKeyError(
      'FLERO_MASTER_KEY is required with --database-url: every server sharing the database must use the same key (32 random bytes, base64)',
    );
  const file = masterKeyFileFor(opts.dataDir);
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return { key: parseMasterKey(readFileSync(file, 'utf8'), file), source: 'new key file', file };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (process.platform !== 'win32') {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077)
      throw new MasterKeyError(
        `${file} is readable by other users (mode ${mode.toString(8)}); run \`chmod 600 ${file}\``,
      );
  }
  return { key: parseMasterKey(readFileSync(file, 'utf8'), file), source: 'key file', file };
}

const CHECK_PLAINTEXT = 'flero-master-key-check';

/** HKDF info of the key that fingerprints credential values (rotation: `value_unchanged` / `value_reused`). */
const FINGERPRINT_INFO = 'flero credential fingerprint v1';

export class Vault {
  readonly #key: Buffer;
  #fingerprintKey: Buffer | undefined;
  constructor(key: Buffer) {
    if (key.length !== 32) throw new MasterKeyError('the master key must be 32 bytes');
    this.#key = key;
  }

  /**
   * A keyed fingerprint of a value of one credential: HMAC-SHA-256 under a key derived from the master key (HKDF,
   * info "flero credential fingerprint v1"), over the credential id and the value. Without the master key it tells
   * nothing about the value (no offline guessing from a stolen database), and the same value on two credentials
   * gives two unrelated fingerprints. Base64url, 43 characters.
   */
  fingerprint(credentialId: string, value: string): string {
    this.#fingerprintKey ??= Buffer.from(hkdfSync('sha256', this.#key, Buffer.alloc(0), FINGERPRINT_INFO, 32));
    return createHmac('sha256', this.#fingerprintKey).update(`${credentialId}\u0000${value}`).digest('base64url');
  }

  encrypt(credentialId: string, value: string): string {
    return seal(this.#key, value, `credential:${credentialId}`);
  }

  decrypt(credentialId: string, sealed: string): string {
    try {
      return unseal(this.#key, sealed, `credential:${credentialId}`);
    } catch {
      throw new MasterKeyError(
        `credential "${credentialId}" cannot be decrypted: the master key differs from the one it was stored with`,
      );
    }
  }

  /**
   * Seals other secrets of a credential (e.g. its OAuth2 tokens) bound to the credential id and a purpose, so they
   * neither open as its value nor on another row.
   */
  encryptFor(purpose: string, credentialId: string, value: string): string {
    return seal(this.#key, value, `${purpose}:${credentialId}`);
  }

  decryptFor(purpose: string, credentialId: string, sealed: string): string {
    try {
      return unseal(this.#key, sealed, `${purpose}:${credentialId}`);
    } catch {
      throw new MasterKeyError(`the ${purpose} of credential "${credentialId}" cannot be decrypted`);
    }
  }

  /** A sealed marker to store once; `verify` tells at start-up whether the key is the one the store was made with. */
  checkValue(): string {
    return seal(this.#key, CHECK_PLAINTEXT, 'check');
  }

  verify(checkValue: string): boolean {
    try {
      return unseal(this.#key, checkValue, 'check') === CHECK_PLAINTEXT;
    } catch {
      return false;
    }
  }
}
