// OAuth2 state of `authType: "oauth2"` credentials: the configuration (no secret), the token state (tokens sealed
// under the master key, bound to the credential id) and pending consents (state → sealed PKCE verifier, one use).
import type { OAuth2Config, OAuth2Status } from '../../core/oauth2';
import type { Queryable } from './db';

export const OAUTH2_MIGRATION_SQL = `
  CREATE TABLE credential_oauth2 (
    credential_id text PRIMARY KEY REFERENCES credentials(id) ON DELETE CASCADE,
    config text NOT NULL,             -- JSON {grantType, tokenUrl, authorizationUrl?, clientId, scope?, audience?}; no secret
    status text NOT NULL,             -- connected | needs_consent | refresh_failed
    detail text,                      -- why refresh_failed (never a token)
    sealed_tokens text,               -- JSON {accessToken, refreshToken?, refreshAt} sealed (AAD oauth2-tokens:<id>)
    expires_at timestamptz,           -- when the cached access token expires
    updated_at timestamptz NOT NULL
  );
  CREATE TABLE oauth2_pending (
    state_hash text PRIMARY KEY,      -- SHA-256 hex of the state (the state itself is not stored)
    credential_id text NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
    sealed_verifier text NOT NULL,    -- the PKCE code_verifier, sealed (AAD oauth2-verifier:<id>)
    redirect_uri text NOT NULL,
    expires_at timestamptz NOT NULL
  );
`;

export interface OAuth2Row {
  config: OAuth2Config;
  status: OAuth2Status;
  detail: string | null;
  sealedTokens: string | null;
  expiresAt: string | null;
}

interface RawRow {
  credential_id: string;
  config: string;
  status: string;
  detail: string | null;
  sealed_tokens: string | null;
  expires_at: string | Date | null;
}

const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());

function toRow(r: RawRow): OAuth2Row {
  return {
    config: JSON.parse(r.config) as OAuth2Config,
    status: r.status as OAuth2Status,
    detail: r.detail,
    sealedTokens: r.sealed_tokens,
    expiresAt: iso(r.expires_at),
  };
}

const COLS = 'credential_id, config, status, detail, sealed_tokens, expires_at';

export async function getOAuth2(db: Queryable, id: string): Promise<OAuth2Row | undefined> {
  const rows = await db.query<RawRow>(`SELECT ${COLS} FROM credential_oauth2 WHERE credential_id = $1`, [id]);
  return rows[0] ? toRow(rows[0]) : undefined;
}

export async function listOAuth2(db: Queryable): Promise<Map<string, OAuth2Row>> {
  const rows = await db.query<RawRow>(`SELECT ${COLS} FROM credential_oauth2`);
  return new Map(rows.map((r) => [r.credential_id, toRow(r)]));
}

/** Sets the configuration; drops any tokens (a new configuration starts over). */
export async function putOAuth2Config(db: Queryable, id: string, config: OAuth2Config): Promise<void> {
  const status: OAuth2Status = config.grantType === 'authorization_code' ? 'needs_consent' : 'connected';
  await db.query(
    `INSERT INTO credential_oauth2 (credential_id, config, status, detail, sealed_tokens, expires_at, updated_at)
     VALUES ($1, $2, $3, NULL, NULL, NULL, $4)
     ON CONFLICT (credential_id) DO UPDATE SET config = $2, status = $3, detail = NULL, sealed_tokens = NULL,
       expires_at = NULL, updated_at = $4`,
    [id, JSON.stringify(config), status, new Date().toISOString()],
  );
}

export async function saveOAuth2Tokens(db: Queryable, id: string, sealed: string, expiresAt: string): Promise<void> {
  await db.query(
    `UPDATE credential_oauth2 SET sealed_tokens = $2, expires_at = $3, status = 'connected', detail = NULL,
       updated_at = $4 WHERE credential_id = $1`,
    [id, sealed, expiresAt, new Date().toISOString()],
  );
}

/** Records a status; `dropTokens` forgets the cached tokens too. */
export async function setOAuth2Status(
  db: Queryable,
  id: string,
  status: OAuth2Status,
  detail: string | null,
  dropTokens: boolean,
): Promise<void> {
  await db.query(
    `UPDATE credential_oauth2 SET status = $2, detail = $3, updated_at = $4
       ${dropTokens ? ', sealed_tokens = NULL, expires_at = NULL' : ''} WHERE credential_id = $1`,
    [id, status, detail, new Date().toISOString()],
  );
}

export async function insertPending(
  db: Queryable,
  p: { stateHash: string; credentialId: string; sealedVerifier: string; redirectUri: string; expiresAt: string },
): Promise<void> {
  await db.query('DELETE FROM oauth2_pending WHERE expires_at <= $1', [new Date().toISOString()]);
  await db.query(
    `INSERT INTO oauth2_pending (state_hash, credential_id, sealed_verifier, redirect_uri, expires_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [p.stateHash, p.credentialId, p.sealedVerifier, p.redirectUri, p.expiresAt],
  );
}

/** Takes (deletes) a pending consent by its state hash: one use. Expired ones come back with `expired`. */
export async function takePending(
  db: Queryable,
  stateHash: string,
): Promise<{ credentialId: string; sealedVerifier: string; redirectUri: string; expired: boolean } | undefined> {
  const rows = await db.query<{
    credential_id: string;
    sealed_verifier: string;
    redirect_uri: string;
    expires_at: string | Date;
  }>(
    'DELETE FROM oauth2_pending WHERE state_hash = $1 RETURNING credential_id, sealed_verifier, redirect_uri, expires_at',
    [stateHash],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    credentialId: r.credential_id,
    sealedVerifier: r.sealed_verifier,
    redirectUri: r.redirect_uri,
    expired: new Date(r.expires_at).getTime() <= Date.now(),
  };
}
