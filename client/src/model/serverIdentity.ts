// Which Flero server the extension talks to, and the SecretStorage names derived from it. Pure: no vscode.

/** The identity of the bundled local server: its URL changes on every start (port 0), its key does not. */
export const LOCAL_SERVER = 'local';

/**
 * Normalises a configured server URL: scheme and host lower-cased, default ports dropped, no trailing slash, no
 * query or fragment. Throws a readable error when the text is not an http(s) URL.
 */
export function normalizeServerUrl(raw: string): string {
  const text = raw.trim();
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new Error(`"${text}" is not a URL (expected e.g. http://127.0.0.1:8787)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new Error(`"${text}" must start with http:// or https://`);
  }
  if (u.username || u.password) throw new Error('the server URL must not contain a user name or password');
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.protocol}//${u.host}${path}`;
}

/** `local` for the bundled server (setting empty), else the normalised URL. */
export function serverIdentity(configuredUrl: string | undefined): string {
  const t = (configuredUrl ?? '').trim();
  return t ? normalizeServerUrl(t) : LOCAL_SERVER;
}

/** SecretStorage name of the Flero API key used for a server identity. */
export function apiKeySecretName(identity: string): string {
  return `flero.apiKey/${identity}`;
}

/** SecretStorage name of a locally stored external-service credential's value. */
export function credentialSecretName(credentialId: string): string {
  return `flero.credential/${credentialId}`;
}

/** SecretStorage name under which a generated key the user chose to keep is stored. */
export function keptKeySecretName(identity: string, keyId: string): string {
  return `flero.keptKey/${identity}/${keyId}`;
}

/** A short label for the status bar: `local`, or host[:port] of a remote server. */
export function serverLabel(identity: string): string {
  if (identity === LOCAL_SERVER) return 'local';
  try {
    return new URL(identity).host;
  } catch {
    return identity;
  }
}
