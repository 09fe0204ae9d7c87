// The server's credential vault: the master key (loaded on first need; the configured `app.masterKey` — from
// FLERO_MASTER_KEY — or the key file beside the embedded data dir), the start-up check that it is the key the store
// was made with, and the run-time resolver the engine uses. One per App.
import { accessSync } from 'node:fs';
import type { CredentialForRun, CredentialResolver } from '../engine/types';
import { loadMasterKey, MasterKeyError, masterKeyFileFor, Vault } from '../engine/vault';
import type { App } from './context';
import { ApiError } from './problem';
import { getSealed, getVaultCheck, setVaultCheckIfAbsent } from './store/credentials';

export class CredentialVault {
  #vault: Vault | undefined;
  #checked = false;

  constructor(private readonly app: App) {}

  /** Loads the key. With `create` false, a missing key file is an error (the store already holds sealed values). */
  #load(create: boolean): Vault {
    if (this.#vault) return this.#vault;
    const env = this.app.masterKey;
    const postgres = this.app.db.kind === 'postgres';
    if (!create && !env && !postgres && this.app.dataDir) {
      const file = masterKeyFileFor(this.app.dataDir);
      try {
        // loadMasterKey creates the file if missing; refuse that when sealed values already exist.
        accessSync(file);
      } catch {
        throw new MasterKeyError(
          `the master key file ${file} is missing, but the store holds encrypted credentials: restore the file or set FLERO_MASTER_KEY`,
        );
      }
    }
    const loaded = loadMasterKey({ env, postgres, ...(this.app.dataDir ? { dataDir: this.app.dataDir } : {}) });
    if (loaded.source === 'new key file')
      process.stderr.write(
        `flero: created the credentials master key ${loaded.file} (mode 0600); back it up: without it stored credentials cannot be decrypted\n`,
      );
    this.#vault = new Vault(loaded.key);
    return this.#vault;
  }

  /** At start-up: if the store holds a vault check, the configured key must open it (else the server refuses). */
  async verifyAtStart(): Promise<void> {
    const check = await getVaultCheck(this.app.db);
    if (!check) return;
    const vault = this.#load(false);
    if (!vault.verify(check))
      throw new MasterKeyError(
        'the master key does not match the one the stored credentials were encrypted with (check FLERO_MASTER_KEY / the key file)',
      );
    this.#checked = true;
  }

  /** The vault for writing values; answers 503 with the reason when no key can be had. */
  async forWrite(): Promise<Vault> {
    let vault: Vault;
    try {
      vault = this.#load(true);
    } catch (e) {
      if (e instanceof MasterKeyError) throw new ApiError(503, 'master_key_unavailable', e.message);
      throw e;
    }
    if (!this.#checked) {
      await setVaultCheckIfAbsent(this.app.db, vault.checkValue());
      const check = await getVaultCheck(this.app.db);
      if (check && !vault.verify(check))
        throw new ApiError(
          503,
          'master_key_mismatch',
          'the master key does not match the one the stored credentials were encrypted with',
        );
      this.#checked = true;
    }
    return vault;
  }

  /** Decrypts one credential for a run or a test; undefined if it does not exist. Throws MasterKeyError. */
  async reveal(id: string): Promise<CredentialForRun | undefined> {
    const found = await getSealed(this.app.db, id);
    if (!found) return undefined;
    const value = this.#load(false).decrypt(id, found.sealed);
    const {
      last4: _l,
      version: _v,
      createdAt: _c,
      updatedAt: _u,
      rotatedAt: _r,
      rollbackUntil: _b,
      ...meta
    } = found.record;
    return { ...meta, value };
  }

  /** The engine's resolver: looked up when a run starts, so a rotation is seen by the next run. */
  resolver(): CredentialResolver {
    return (id) => this.reveal(id);
  }
}

const vaults = new WeakMap<App, CredentialVault>();

export function vaultOf(app: App): CredentialVault {
  let v = vaults.get(app);
  if (!v) {
    v = new CredentialVault(app);
    vaults.set(app, v);
  }
  return v;
}
