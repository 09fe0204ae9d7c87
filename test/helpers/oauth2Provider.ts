// A real, standards-conformant OAuth2 authorization server for credential tests: oidc-provider (panva) on
// 127.0.0.1:0 with a client_credentials client (`svc`), an authorization_code + refresh_token client (`app`, PKCE
// required), a resource server client (`rs`) for introspection, short token lifetimes, dev interactions (login +
// consent forms, driven headlessly by `consent`) and an in-memory adapter the test can reach into (revoke refresh
// tokens). Counts token-endpoint requests.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

// biome-ignore lint/suspicious/noExplicitAny: oidc-provider adapter payloads are untyped
type Payload = Record<string, any>;

/** Models whose ids are the token values themselves (opaque tokens). */
const TOKEN_MODELS = new Set(['AccessToken', 'ClientCredentials', 'RefreshToken', 'AuthorizationCode']);

function memoryAdapter(store: Map<string, Payload>, issued: string[]) {
  return class MemoryAdapter {
    constructor(private readonly name: string) {}
    #key(id: string) {
      return `${this.name}:${id}`;
    }
    async upsert(id: string, payload: Payload) {
      if (TOKEN_MODELS.has(this.name)) issued.push(id);
      store.set(this.#key(id), payload);
      if (payload.uid) store.set(`${this.name}:uid:${payload.uid}`, { id });
      if (payload.userCode) store.set(`${this.name}:userCode:${payload.userCode}`, { id });
    }
    async find(id: string) {
      return store.get(this.#key(id));
    }
    async findByUid(uid: string) {
      const ref = store.get(`${this.name}:uid:${uid}`);
      return ref ? store.get(this.#key(ref.id as string)) : undefined;
    }
    async findByUserCode(code: string) {
      const ref = store.get(`${this.name}:userCode:${code}`);
      return ref ? store.get(this.#key(ref.id as string)) : undefined;
    }
    async consume(id: string) {
      const p = store.get(this.#key(id));
      if (p) p.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.#key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [k, v] of store) if (v.grantId === grantId) store.delete(k);
    }
  };
}

export interface TestProvider {
  /** `http://127.0.0.1:<port>` (the issuer) */
  url: string;
  tokenUrl: string;
  authorizationUrl: string;
  svcSecret: string;
  appSecret: string;
  /** POSTs to the token endpoint so far. */
  tokenRequests(): number;
  /** Every token the provider issued (access, client credentials, refresh tokens, codes): canaries. */
  issued(): string[];
  /** Is this access token active? (introspection by the resource server client) */
  introspect(token: string): Promise<boolean>;
  /** Revokes every refresh token (as a user revoking the app would). */
  revokeRefreshTokens(): void;
  /** Revokes one access token at the provider. */
  revokeAccessToken(token: string): Promise<void>;
  close(): Promise<void>;
}

export async function startProvider(opts: { redirectUri: string; ttlSeconds: number }): Promise<TestProvider> {
  const svcSecret = `svcSecret_${randomBytes(18).toString('base64url')}`;
  const appSecret = `appSecret_${randomBytes(18).toString('base64url')}`;
  const rsSecret = `rsSecret_${randomBytes(18).toString('base64url')}`;
  const store = new Map<string, Payload>();
  const issued: string[] = [];
  let tokenRequests = 0;
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST' && (req.url ?? '').split('?')[0] === '/token') tokenRequests++;
    handler!(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ttl = opts.ttlSeconds;
  const provider = new Provider(url, {
    adapter: memoryAdapter(store, issued),
    clients: [
      {
        client_id: 'svc',
        client_secret: svcSecret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        scope: 'api',
      },
      {
        client_id: 'app',
        client_secret: appSecret,
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: [opts.redirectUri],
        response_types: ['code'],
      },
      { client_id: 'rs', client_secret: rsSecret, grant_types: [], redirect_uris: [], response_types: [] },
    ],
    scopes: ['openid', 'api'],
    features: {
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      devInteractions: { enabled: true },
    },
    ttl: {
      AccessToken: ttl,
      ClientCredentials: ttl,
      AuthorizationCode: 60,
      IdToken: 60,
      Interaction: 600,
      Session: 600,
      Grant: 3600,
      RefreshToken: 3600,
    },
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
    cookies: { keys: [randomBytes(16).toString('hex')] },
  });
  handler = provider.callback();
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  return {
    url,
    tokenUrl: `${url}/token`,
    authorizationUrl: `${url}/auth`,
    svcSecret,
    appSecret,
    tokenRequests: () => tokenRequests,
    issued: () => [...issued],
    async introspect(token) {
      const res = await fetch(`${url}/token/introspection`, {
        method: 'POST',
        headers: { authorization: basic('rs', rsSecret), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
      const body = (await res.json()) as { active?: boolean };
      return body.active === true;
    },
    revokeRefreshTokens() {
      for (const k of [...store.keys()]) if (k.startsWith('RefreshToken:')) store.delete(k);
    },
    async revokeAccessToken(token) {
      const res = await fetch(`${url}/token/revocation`, {
        method: 'POST',
        headers: { authorization: basic('svc', svcSecret), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      });
      if (!res.ok) throw new Error(`revocation answered ${res.status}`);
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * Drives the provider's dev interactions headlessly: follows the authorization URL with a cookie jar, submits the
 * login and consent forms, and stops at the redirect to `redirectPrefix` (not followed); returns that URL.
 */
export async function consent(authorizationUrl: string, redirectPrefix: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = authorizationUrl;
  let method = 'GET';
  let body: string | undefined;
  for (let step = 0; step < 20; step++) {
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url).href;
      if (next.startsWith(redirectPrefix)) return next;
      url = next;
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await res.text();
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
    if (!form) throw new Error(`no form at step ${step} (HTTP ${res.status}): ${html.slice(0, 300)}`);
    const fields = new URLSearchParams();
    for (const m of form[2]!.matchAll(/<input[^>]*>/gi)) {
      const name = /name="([^"]+)"/.exec(m[0])?.[1];
      if (!name) continue;
      const value = /value="([^"]*)"/.exec(m[0])?.[1] ?? '';
      fields.set(name, name === 'login' ? 'alice' : name === 'password' ? 'secret' : value);
    }
    url = new URL(form[1]!.replace(/&amp;/g, '&'), url).href;
    method = 'POST';
    body = fields.toString();
  }
  throw new Error('the consent did not reach the redirect');
}
