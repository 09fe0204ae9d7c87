// OAuth2 credentials on the server: getting, caching (sealed) and refreshing access tokens, one refresh at a time
// per credential (in-process single flight; on PostgreSQL also an advisory lock around "read → still stale? fetch →
// store", so two servers do not both fetch), the consent of `authorization_code` credentials (PKCE S256 + state),
// and the run-time credential the engine gets (the access token as its value, the other secrets to mask, a renew
// for a 401). Tokens and the client secret never leave this module except to the engine and the token endpoint.
import { createHash, randomBytes } from 'node:crypto';
import type { CredentialMeta } from '../core/credentials';
import type { OAuth2Config } from '../core/oauth2';
import type { CredentialForRun } from '../engine/types';
import type { Vault } from '../engine/vault';
import type { App } from './context';
import { vaultOf } from './credentialVault';
import { ADVISORY_LOCKS } from './store/advisoryLocks';
import type { Queryable } from './store/db';
import {
  getOAuth2,
  insertPending,
  type OAuth2Row,
  saveOAuth2Tokens,
  setOAuth2Status,
  takePending,
} from './store/oauth2';

const TOKEN_TIMEOUT_MS = 10_000;
/** How long a started consent may take. */
export const CONSENT_TTL_MS = 10 * 60_000;
/** A token response without `expires_in` is cached this long. */
const DEFAULT_LIFETIME_S = 3600;
const TOKENS = 'oauth2-tokens';
const VERIFIER = 'oauth2-verifier';

interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** ms epoch: from then on the token is refreshed before use (a little before it expires). */
  refreshAt: number;
  expiresAt: number;
}

/** A failure to get a token, in words (never a secret). */
export class OAuth2Error extends Error {
  override name = 'OAuth2Error';
  constructor(
    message: string,
    /** The token endpoint's HTTP status, 0 when none answered (or nothing was asked). */
    readonly status = 0,
  ) {
    super(message);
  }
}

const reconnectHint = (id: string) =>
  `POST /api/credentials/${encodeURIComponent(id)}/oauth2/authorize and open the authorizationUrl it returns (in VS Code: Reconnect)`;

const needsConsent = (id: string) => new OAuth2Error(`it needs consent: ${reconnectHint(id)}`);

// ---- the token endpoint ------------------------------------------------------------------------------------

function masked(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}

/** RFC 6749 §2.3.1: client id and secret form-encoded, then HTTP Basic. */
function basicAuth(clientId: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64')}`;
}

/**
 * One token request: form-encoded, the client authenticated with client_secret_basic (a public client: its
 * client_id in the body), redirects not followed. Throws OAuth2Error with the reason in words.
 */
async function tokenRequest(config: OAuth2Config, secret: string, params: Record<string, string>): Promise<TokenSet> {
  const form = new URLSearchParams(params);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
    'user-agent': 'flero-server',
  };
  if (secret) headers.authorization = basicAuth(config.clientId, secret);
  else form.set('client_id', config.clientId);
  const where = (() => {
    const u = new URL(config.tokenUrl);
    return `${u.origin}${u.pathname}`;
  })();
  let res: Response;
  try {
    res = await fetch(config.tokenUrl, {
      method: 'POST',
      headers,
      body: form.toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
    const why =
      e.name === 'TimeoutError'
        ? `no answer within ${TOKEN_TIMEOUT_MS} ms`
        : (e.cause?.code ?? e.cause?.message ?? e.message ?? 'network error');
    throw new OAuth2Error(`the token endpoint ${where} could not be reached (${why})`);
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // not JSON: explained below
  }
  const secrets = [secret, params.refresh_token, params.code, params.code_verifier];
  if (!res.ok) {
    const code = typeof body.error === 'string' ? body.error : undefined;
    const desc = typeof body.error_description === 'string' ? `: ${body.error_description.slice(0, 300)}` : '';
    let why = code ? `${code}${desc}` : `HTTP ${res.status}`;
    if (code === 'invalid_client')
      why = `${why} — the token endpoint refused the client id or client secret (check the value)`;
    throw new OAuth2Error(
      masked(`the token endpoint ${where} answered HTTP ${res.status} (${why})`, secrets),
      res.status,
    );
  }
  const access = body.access_token;
  if (typeof access !== 'string' || access.length < 4)
    throw new OAuth2Error(`the token endpoint ${where} answered without an access_token`, res.status);
  const type = typeof body.token_type === 'string' ? body.token_type : 'Bearer';
  if (type.toLowerCase() !== 'bearer')
    throw new OAuth2Error(`the token endpoint ${where} issued a "${type}" token; only Bearer tokens are supported`);
  const lifetimeS =
    typeof body.expires_in === 'number' && body.expires_in > 0
      ? body.expires_in
      : Number(body.expires_in) > 0
        ? Number(body.expires_in)
        : DEFAULT_LIFETIME_S;
  const now = Date.now();
  const lifetimeMs = lifetimeS * 1000;
  // Refresh a little before expiry: a fifth of the lifetime, at most 30 s (so a token handed to a run has time
  // left for its requests).
  const margin = Math.min(30_000, lifetimeMs * 0.2);
  return {
    accessToken: access,
    ...(typeof body.refresh_token === 'string' ? { refreshToken: body.refresh_token } : {}),
    refreshAt: now + lifetimeMs - margin,
    expiresAt: now + lifetimeMs,
  };
}

// ---- the token cache ---------------------------------------------------------------------------------------

function openTokens(vault: Vault, id: string, row: OAuth2Row | undefined): TokenSet | undefined {
  if (!row?.sealedTokens) return undefined;
  return JSON.parse(vault.decryptFor(TOKENS, id, row.sealedTokens)) as TokenSet;
}

async function storeTokens(db: Queryable, vault: Vault, id: string, t: TokenSet): Promise<void> {
  await saveOAuth2Tokens(db, id, vault.encryptFor(TOKENS, id, JSON.stringify(t)), new Date(t.expiresAt).toISOString());
}

const flights = new WeakMap<App, Map<string, Promise<TokenSet>>>();

/** Runs `fn` once per key at a time in this process: concurrent callers share its promise. */
function singleFlight(app: App, key: string, fn: () => Promise<TokenSet>): Promise<TokenSet> {
  let m = flights.get(app);
  if (!m) {
    m = new Map();
    flights.set(app, m);
  }
  const running = m.get(key);
  if (running) return running;
  const p = fn().finally(() => m.delete(key));
  m.set(key, p);
  return p;
}

interface TokenOptions {
  /** A token the service refused: never handed out again. */
  rejected?: string;
  /** Ask the token endpoint whatever the cache holds (the test call). */
  fresh?: boolean;
}

const usable = (t: TokenSet | undefined, o: TokenOptions): boolean =>
  t !== undefined && !o.fresh && Date.now() < t.refreshAt && t.accessToken !== o.rejected;

/** A valid access token for the credential (cached, else fetched/refreshed once for all concurrent callers). */
async function accessTokenFor(app: App, id: string, secret: string, o: TokenOptions = {}): Promise<TokenSet> {
  const vault = await vaultOf(app).forWrite();
  const row = await getOAuth2(app.db, id);
  if (!row) throw new OAuth2Error('it has no oauth2 configuration (PATCH it with oauth2)');
  const cached = openTokens(vault, id, row);
  if (cached && usable(cached, o)) return cached;
  if (row.config.grantType === 'authorization_code' && !cached?.refreshToken) {
    if (row.status === 'refresh_failed') throw new OAuth2Error(`${row.detail ?? 'the refresh failed'}`);
    throw needsConsent(id);
  }
  return singleFlight(app, id, () => refreshLocked(app, vault, id, secret, o));
}

/** Under the lock: read again (another server may have refreshed), fetch if still stale, store. */
async function refreshLocked(app: App, vault: Vault, id: string, secret: string, o: TokenOptions): Promise<TokenSet> {
  const work = async (q: Queryable): Promise<TokenSet | OAuth2Error> => {
    if (app.db.kind === 'postgres')
      await q.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ADVISORY_LOCKS.oauth2Refresh, id]);
    const row = await getOAuth2(q, id);
    if (!row) return new OAuth2Error('it has no oauth2 configuration (PATCH it with oauth2)');
    const cached = openTokens(vault, id, row);
    if (cached && usable(cached, o)) return cached;
    const cfg = row.config;
    let params: Record<string, string>;
    if (cfg.grantType === 'authorization_code') {
      if (!cached?.refreshToken)
        return row.status === 'refresh_failed' ? new OAuth2Error(row.detail ?? 'the refresh failed') : needsConsent(id);
      params = { grant_type: 'refresh_token', refresh_token: cached.refreshToken };
    } else {
      params = { grant_type: 'client_credentials' };
      if (cfg.scope) params.scope = cfg.scope;
      if (cfg.audience) params.audience = cfg.audience;
    }
    let got: TokenSet;
    try {
      got = await tokenRequest(cfg, secret, params);
    } catch (err) {
      const e = err instanceof OAuth2Error ? err : new OAuth2Error(String((err as Error).message));
      if (cfg.grantType === 'authorization_code') {
        // A refused refresh token (revoked, expired): consent again. A network failure keeps the token to retry.
        if (e.status >= 400 && e.status < 500) {
          const detail = `the refresh token was refused: ${e.message}; reconnect: ${reconnectHint(id)}`;
          await setOAuth2Status(q, id, 'refresh_failed', detail, true);
          return new OAuth2Error(detail, e.status);
        }
        return e;
      }
      await setOAuth2Status(q, id, 'refresh_failed', e.message, true);
      return e;
    }
    if (cfg.grantType === 'authorization_code' && !got.refreshToken && cached?.refreshToken)
      got.refreshToken = cached.refreshToken;
    await storeTokens(q, vault, id, got);
    return got;
  };
  const out = app.db.kind === 'postgres' ? await app.db.transaction(work) : await work(app.db);
  if (out instanceof OAuth2Error) throw out;
  return out;
}

// ---- runs and the test call --------------------------------------------------------------------------------

/**
 * The credential a run gets: its access token as the value (sent as `Authorization: Bearer …` to its hosts only),
 * the refresh token and client secret to mask, and `renew` for a 401. Throws (the run fails before any request)
 * when no token can be had: consent needed, refresh refused, token endpoint failing.
 */
export async function oauth2ForRun(app: App, cred: CredentialForRun): Promise<CredentialForRun> {
  const { value: secret, ...meta } = cred;
  const t = await accessTokenFor(app, meta.id, secret);
  const row = await getOAuth2(app.db, meta.id);
  return {
    ...meta,
    ...(row ? { oauth2: row.config } : {}),
    value: t.accessToken,
    accessToken: true,
    alsoMask: [secret, t.refreshToken].filter((s): s is string => typeof s === 'string' && s.length >= 4),
    renew: async (rejected) => (await accessTokenFor(app, meta.id, secret, { rejected })).accessToken,
  };
}

/** The test call of an oauth2 credential: a token from the token endpoint (client_credentials) or a refresh. */
export async function testOAuth2(
  app: App,
  meta: CredentialMeta,
  secret: string,
): Promise<{ ok: boolean; status: number; detail: string }> {
  try {
    const t = await accessTokenFor(app, meta.id, secret, { fresh: true });
    const s = Math.round((t.expiresAt - Date.now()) / 1000);
    const how = t.refreshToken ? 'refreshed the access token' : 'got an access token';
    return { ok: true, status: 200, detail: `the token endpoint ${how} (valid for ${s} s)` };
  } catch (err) {
    if (err instanceof OAuth2Error) return { ok: false, status: err.status, detail: err.message };
    return { ok: false, status: 0, detail: `the test failed: ${(err as Error).message}` };
  }
}

// ---- consent (authorization_code + PKCE) -------------------------------------------------------------------

const b64url = (b: Buffer) => b.toString('base64url');
const sha256 = (s: string) => createHash('sha256').update(s).digest();

export function redirectUriOf(app: App): string {
  return `${app.baseUrl.replace(/\/+$/, '')}/oauth2/callback`;
}

/** Starts a consent: a state and a PKCE verifier (stored sealed, 10 min, one use); the URL to open. */
export async function startConsent(app: App, id: string): Promise<string> {
  const row = await getOAuth2(app.db, id);
  if (!row) throw new OAuth2Error('it has no oauth2 configuration');
  const cfg = row.config;
  if (cfg.grantType !== 'authorization_code' || !cfg.authorizationUrl)
    throw new OAuth2Error('only an authorization_code credential (with an authorizationUrl) needs consent');
  const vault = await vaultOf(app).forWrite();
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(32));
  const redirectUri = redirectUriOf(app);
  await insertPending(app.db, {
    stateHash: sha256(state).toString('hex'),
    credentialId: id,
    sealedVerifier: vault.encryptFor(VERIFIER, id, verifier),
    redirectUri,
    expiresAt: new Date(Date.now() + CONSENT_TTL_MS).toISOString(),
  });
  const url = new URL(cfg.authorizationUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', cfg.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  if (cfg.scope) url.searchParams.set('scope', cfg.scope);
  if (cfg.audience) url.searchParams.set('audience', cfg.audience);
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', b64url(sha256(verifier)));
  url.searchParams.set('code_challenge_method', 'S256');
  return url.href;
}

export type CallbackOutcome = { ok: true; credentialId: string } | { ok: false; status: number; message: string };

/** Completes a consent: the state (one use, unexpired), then the code exchanged with the verifier; tokens sealed. */
export async function completeConsent(app: App, query: URLSearchParams): Promise<CallbackOutcome> {
  const state = query.get('state');
  if (!state)
    return { ok: false, status: 400, message: 'The provider sent no state. Start again from Flero (Reconnect).' };
  const pending = await takePending(app.db, sha256(state).toString('hex'));
  if (!pending)
    return {
      ok: false,
      status: 400,
      message: 'This consent link is unknown or was used already. Start again from Flero (Reconnect).',
    };
  if (pending.expired)
    return {
      ok: false,
      status: 400,
      message: 'This consent took longer than 10 minutes. Start again from Flero (Reconnect).',
    };
  const id = pending.credentialId;
  const error = query.get('error');
  if (error) {
    const message =
      error === 'access_denied'
        ? 'Consent was denied at the provider: the credential is not connected.'
        : `The provider refused the authorization (${error.slice(0, 100)}): the credential is not connected.`;
    return { ok: false, status: 400, message };
  }
  const code = query.get('code');
  if (!code) return { ok: false, status: 400, message: 'The provider sent no authorization code.' };
  const row = await getOAuth2(app.db, id);
  const cred = await vaultOf(app).reveal(id);
  if (!row || !cred) return { ok: false, status: 404, message: 'The credential no longer exists.' };
  const vault = await vaultOf(app).forWrite();
  const verifier = vault.decryptFor(VERIFIER, id, pending.sealedVerifier);
  let got: TokenSet;
  try {
    got = await tokenRequest(row.config, cred.value, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: pending.redirectUri,
      code_verifier: verifier,
    });
  } catch (err) {
    const why = err instanceof OAuth2Error ? err.message : String((err as Error).message);
    return { ok: false, status: 502, message: `Exchanging the authorization code failed: ${why}` };
  }
  await storeTokens(app.db, vault, id, got);
  return { ok: true, credentialId: id };
}
