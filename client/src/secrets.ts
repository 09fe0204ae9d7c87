// The only place secrets live: VS Code SecretStorage. Metadata of local credentials (never values) is kept in
// globalState so the Credentials view can list them (SecretStorage cannot list its keys).
import type * as vscode from 'vscode';
import type { CredentialMeta } from '../../server/src/core/credentials';
import { parseCredentialMeta } from './model/credentialMeta';
import { apiKeySecretName, credentialSecretName, keptKeySecretName } from './model/serverIdentity';

const LOCAL_CREDENTIALS = 'flero.localCredentials';

/** Local credential metadata plus, for generic services, the URL its connection test calls (not secret). */
export interface LocalCredential extends CredentialMeta {
  testUrl?: string;
}

export class Secrets {
  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly state: vscode.Memento,
  ) {}

  readonly onDidChange = (listener: () => void): vscode.Disposable => this.storage.onDidChange(() => listener());

  apiKey(identity: string): Thenable<string | undefined> {
    return this.storage.get(apiKeySecretName(identity));
  }
  setApiKey(identity: string, key: string): Thenable<void> {
    return this.storage.store(apiKeySecretName(identity), key);
  }
  deleteApiKey(identity: string): Thenable<void> {
    return this.storage.delete(apiKeySecretName(identity));
  }
  keepGeneratedKey(identity: string, keyId: string, key: string): Thenable<void> {
    return this.storage.store(keptKeySecretName(identity, keyId), key);
  }

  localCredentials(): LocalCredential[] {
    const raw = this.state.get<unknown[]>(LOCAL_CREDENTIALS) ?? [];
    return raw.flatMap((r) => {
      const { testUrl, ...meta } = (r ?? {}) as LocalCredential;
      const ok = parseCredentialMeta(meta);
      if (!ok) return [];
      return [typeof testUrl === 'string' ? { ...ok, testUrl } : ok];
    });
  }

  localCredential(id: string): LocalCredential | undefined {
    return this.localCredentials().find((c) => c.id === id);
  }

  credentialValue(id: string): Thenable<string | undefined> {
    return this.storage.get(credentialSecretName(id));
  }

  async saveLocalCredential(meta: LocalCredential, value: string): Promise<void> {
    await this.storage.store(credentialSecretName(meta.id), value);
    const others = this.localCredentials().filter((c) => c.id !== meta.id);
    await this.state.update(LOCAL_CREDENTIALS, [...others, meta]);
  }

  async rotateLocalCredential(id: string, value: string): Promise<void> {
    await this.storage.store(credentialSecretName(id), value);
  }

  async deleteLocalCredential(id: string): Promise<void> {
    await this.storage.delete(credentialSecretName(id));
    await this.state.update(
      LOCAL_CREDENTIALS,
      this.localCredentials().filter((c) => c.id !== id),
    );
  }
}
