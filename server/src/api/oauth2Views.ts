import type { OAuth2Config, OAuth2View } from '../core/oauth2';
import type { App } from './context';
import { vaultOf } from './credentialVault';
import type { FieldError } from './problem';
import { getOAuth2, listOAuth2, type OAuth2Row } from './store/oauth2';

// ---- views and validation ----------------------------------------------------------------------------------

export function oauth2ViewOf(row: OAuth2Row): OAuth2View {
  return {
    ...row.config,
    status: row.status,
    ...(row.detail ? { detail: row.detail } : {}),
    ...(row.expiresAt ? { expiresAt: row.expiresAt } : {}),
  };
}

/** Adds `oauth2` (configuration + token state, never a token) to credential views of oauth2 credentials. */
export async function withOAuth2<T extends { id: string; authType: string }>(app: App, rec: T): Promise<T> {
  if (rec.authType !== 'oauth2') return rec;
  const row = await getOAuth2(app.db, rec.id);
  return row ? { ...rec, oauth2: oauth2ViewOf(row) } : rec;
}

export async function withOAuth2All<T extends { id: string; authType: string }>(app: App, recs: T[]): Promise<T[]> {
  if (!recs.some((r) => r.authType === 'oauth2')) return recs;
  const rows = await listOAuth2(app.db);
  return recs.map((r) => {
    const row = r.authType === 'oauth2' ? rows.get(r.id) : undefined;
    return row ? { ...r, oauth2: oauth2ViewOf(row) } : r;
  });
}

/** The rules of `authType` / `oauth2` / `value` on create the schema cannot express. */
export function oauth2CreateErrors(body: {
  authType: string;
  oauth2?: OAuth2Config | undefined;
  value?: string | undefined;
  header?: unknown;
  query?: unknown;
}): FieldError[] {
  const errors: FieldError[] = [];
  if (body.authType !== 'oauth2') {
    if (body.oauth2) errors.push({ field: 'oauth2', message: 'oauth2 is only for authType "oauth2"' });
    if (body.value === undefined) errors.push({ field: 'value', message: 'the value is required' });
    return errors;
  }
  if (!body.oauth2) {
    errors.push({ field: 'oauth2', message: 'an oauth2 credential needs oauth2: {grantType, tokenUrl, clientId, …}' });
    return errors;
  }
  if (body.header || body.query)
    errors.push({
      field: body.header ? 'header' : 'query',
      message: 'an oauth2 credential is sent as `Authorization: Bearer <access token>`; header/query are for apiKey',
    });
  errors.push(...oauth2ConfigErrors(body.oauth2, body.value));
  return errors;
}

function oauth2ConfigErrors(config: OAuth2Config, value: string | undefined): FieldError[] {
  const errors: FieldError[] = [];
  if (config.grantType === 'authorization_code' && !config.authorizationUrl)
    errors.push({ field: 'oauth2.authorizationUrl', message: 'authorization_code needs the authorizationUrl' });
  if (config.grantType === 'client_credentials' && value === undefined)
    errors.push({ field: 'value', message: 'client_credentials needs the client secret as the value' });
  return errors;
}

/**
 * PATCH rules for oauth2: `oauth2` only on oauth2 credentials; a new token endpoint or client id is where the client
 * secret goes, so (for a confidential client) it needs the value in the same request, like a re-binding.
 */
export async function oauth2UpdateErrors(
  app: App,
  current: { id: string; authType: string },
  body: { oauth2?: OAuth2Config | undefined; value?: string | undefined },
): Promise<FieldError[]> {
  if (!body.oauth2) return [];
  if (current.authType !== 'oauth2') return [{ field: 'oauth2', message: 'oauth2 is only for authType "oauth2"' }];
  const row = await getOAuth2(app.db, current.id);
  const errors = oauth2ConfigErrors(body.oauth2, body.value ?? (row ? '' : undefined));
  if (row && body.value === undefined) {
    const moved = (['tokenUrl', 'authorizationUrl', 'clientId'] as const).filter(
      (f) => (row.config[f] ?? null) !== (body.oauth2![f] ?? null),
    );
    if (moved.length) {
      const secret = (await vaultOf(app).reveal(current.id))?.value ?? '';
      if (secret)
        errors.push({
          field: 'value',
          message: `changing oauth2.${moved.join(', oauth2.')} changes where the client secret is sent: give its value in the same request`,
        });
    }
  }
  return errors;
}
