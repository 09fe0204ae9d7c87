// Credentials: create, list, read, PATCH (edit / rotate), delete, test. Responses are metadata only (plus a `last4`
// hint for long values); the value is sealed at rest and only the engine's resolver and the test call ever open it.
// Audit: credential.created / .rotated / .rolled_back / .updated / .deleted / .tested (never with a value).
// A rotation keeps the value it replaces, sealed, for 24 h: `POST …/rollback` restores it (store/credentials.ts).
import {
  CreateCredentialSchema,
  CredentialTestResultSchema,
  CredentialViewSchema,
  UpdateCredentialSchema,
} from '../../core/apiSchemas';
import type { CredentialMeta } from '../../core/credentials';
import { newCredentialId } from '../../core/ids';
import { defaultPlacementFor, findService, SERVICES } from '../../core/services';
import { testCredential } from '../../engine/testCredential';
import { MasterKeyError } from '../../engine/vault';
import { type ApiModule, defineRoute } from '../context';
import { vaultOf } from '../credentialVault';
import { oauth2ForRun, testOAuth2 } from '../oauth2';
import { oauth2CreateErrors, oauth2UpdateErrors, withOAuth2, withOAuth2All } from '../oauth2Views';
import { ApiError, type FieldError, notFound, validationError } from '../problem';
import {
  type CredentialRecord,
  deleteCredential,
  getCredential,
  getFingerprints,
  insertCredential,
  MAX_FINGERPRINTS,
  last4Of,
  listCredentials,
  pruneRollbacks,
  rollbackCredential,
  updateCredential,
  withFingerprints,
} from '../store/credentials';
import { OPERATIONS } from '../../core/operations';
import { getOAuth2, putOAuth2Config, setOAuth2Status } from '../store/oauth2';

const view = (r: CredentialRecord) => r;

/** The credential with its value (rotation checks); 503 when the master key cannot open it. */
async function revealOr503(app: Parameters<typeof vaultOf>[0], id: string) {
  try {
    return await vaultOf(app).reveal(id);
  } catch (e) {
    if (e instanceof MasterKeyError) throw new ApiError(503, 'master_key_unavailable', e.message);
    throw e;
  }
}

/** Placement and hosts rules the schema cannot express; returns field errors. */
function checkPlacement(
  meta: Pick<CredentialMeta, 'service' | 'authType' | 'header' | 'query' | 'hosts' | 'basic'>,
  fieldPrefix = '',
): FieldError[] {
  const errors: FieldError[] = [];
  const service = findService(meta.service);
  if (!service) {
    errors.push({
      field: `${fieldPrefix}service`,
      message: `unknown service; one of: ${SERVICES.map((s) => s.id).join(', ')}`,
    });
    return errors;
  }
  if (!service.authTypes.includes(meta.authType))
    errors.push({
      field: `${fieldPrefix}authType`,
      message: `${service.name} supports ${service.authTypes.join(' or ')}`,
    });
  if (meta.header && meta.query) errors.push({ field: 'query', message: 'give header or query, not both' });
  if (meta.authType === 'bearer' && (meta.header || meta.query))
    errors.push({
      field: meta.header ? 'header' : 'query',
      message: 'a bearer credential is sent as `Authorization: Bearer <value>`; header/query are for apiKey',
    });
  if (meta.authType === 'basic' && (meta.header || meta.query))
    errors.push({
      field: meta.header ? 'header' : 'query',
      message:
        'a basic credential is sent as `Authorization: Basic base64(username:password)`; header/query are for apiKey',
    });
  if (meta.authType === 'basic' && !meta.basic)
    errors.push({
      field: 'basic',
      message: 'a basic credential needs `basic: {"username"}` (the value is the password)',
    });
  if (meta.authType !== 'basic' && meta.basic)
    errors.push({ field: 'basic', message: '`basic` is only for authType basic' });
  if (service.id === 'custom' && !meta.hosts?.length)
    errors.push({ field: 'hosts', message: 'a custom credential needs the hosts it may be sent to' });
  return errors;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The binding fields (where and how the value is sent) a PATCH would change. */
function rebindingOf(
  current: CredentialRecord,
  next: Pick<CredentialMeta, 'header' | 'query' | 'hosts'>,
  body: { service?: unknown; authType?: unknown },
): string[] {
  const out: string[] = [];
  if (!same(current.hosts, next.hosts)) out.push('hosts');
  if (body.service !== undefined && body.service !== current.service) out.push('service');
  if (body.authType !== undefined && body.authType !== current.authType) out.push('authType');
  if (!same(current.header, next.header)) out.push('header');
  if (!same(current.query, next.query)) out.push('query');
  return out;
}

import { documented } from './credentialsDocs';

export const credentialsModule: ApiModule = {
  async init(app) {
    const vault = vaultOf(app);
    await vault.verifyAtStart();
    const resolve = vault.resolver();
    // oauth2: the run gets an access token (fetched/refreshed here), never the client secret as what is sent.
    app.credentials = async (id) => {
      const c = await resolve(id);
      return c?.authType === 'oauth2' ? oauth2ForRun(app, c) : c;
    };
    await pruneRollbacks(app.db); // previous values whose 24 h passed while no server ran
  },
  routes: documented({
    listCredentials: defineRoute({
      responses: { 200: { description: 'Metadata of every credential', schema: OPERATIONS.listCredentials.response } },
      async handler({ app }) {
        return { status: 200, body: await withOAuth2All(app, (await listCredentials(app.db)).map(view)) };
      },
    }),
    createCredential: defineRoute({
      body: CreateCredentialSchema,
      responses: {
        201: { description: 'Created (metadata only)', schema: CredentialViewSchema },
        409: { description: '`conflict`: a credential with this id exists (PATCH changes it)' },
        503: { description: '`master_key_unavailable`: no master key (e.g. PostgreSQL without FLERO_MASTER_KEY)' },
      },
      async handler({ app, key, body, ip }) {
        const errors = [...checkPlacement(body), ...oauth2CreateErrors(body)];
        if (errors.length) throw validationError(errors);
        const service = findService(body.service)!;
        const placement =
          body.header || body.query
            ? { header: body.header, query: body.query }
            : body.authType === 'apiKey'
              ? defaultPlacementFor(service, 'apiKey')
              : {};
        const meta: CredentialMeta = {
          id: body.id ?? newCredentialId(),
          name: body.name,
          service: body.service,
          authType: body.authType,
          ...(placement.header ? { header: placement.header } : {}),
          ...(placement.query ? { query: placement.query } : {}),
          ...(body.hosts ? { hosts: body.hosts } : {}),
          ...(body.basic ? { basic: { username: body.basic.username } } : {}),
        };
        const vault = await vaultOf(app).forWrite();
        const secret = body.value ?? '';
        const created = await insertCredential(
          app.db,
          meta,
          vault.encrypt(meta.id, secret),
          last4Of(secret),
          vault.fingerprint(meta.id, secret),
        );
        if (!created) throw new ApiError(409, 'conflict', 'a credential with this id already exists; PATCH changes it');
        if (body.oauth2) await putOAuth2Config(app.db, meta.id, body.oauth2);
        await app.audit({
          event: 'credential.created',
          keyId: key!.record.id,
          ip,
          target: meta.id,
          detail: { service: meta.service, authType: meta.authType },
        });
        const rec = await getCredential(app.db, meta.id);
        return {
          status: 201,
          body: await withOAuth2(app, view(rec!)),
          headers: { location: `/api/credentials/${encodeURIComponent(meta.id)}` },
        };
      },
    }),
    getCredential: defineRoute({
      responses: { 200: { description: 'Metadata (never the value)', schema: CredentialViewSchema } },
      async handler({ app, params }) {
        const rec = await getCredential(app.db, params.id!);
        if (!rec) throw notFound('the credential');
        return { status: 200, body: await withOAuth2(app, view(rec)) };
      },
    }),
    updateCredential: defineRoute({
      body: UpdateCredentialSchema,
      responses: {
        200: { description: 'Updated (metadata only); with `value`: rotated', schema: CredentialViewSchema },
        409: {
          description:
            'With `value`, nothing changed: `rotation_test_failed` (the service’s test call did not accept the new value; `verdict` says how; `"force": true` overrides), `value_unchanged` (the value it has now), `value_reused` (a value it had before)',
        },
        503: { description: '`master_key_unavailable`: no master key is available' },
      },
      async handler({ app, key, params, body, ip }) {
        const current = await getCredential(app.db, params.id!);
        if (!current) throw notFound('the credential');
        const errors: FieldError[] = (['id', 'service', 'authType'] as const)
          .filter((f) => body[f] !== undefined)
          .map((f) => ({ field: f, message: `${f} cannot change; create a new credential instead` }));
        const next = {
          service: current.service,
          authType: current.authType,
          header: body.header === undefined ? current.header : (body.header ?? undefined),
          query: body.query === undefined ? current.query : (body.query ?? undefined),
          hosts: body.hosts === undefined ? current.hosts : (body.hosts ?? undefined),
          basic: body.basic === undefined ? current.basic : body.basic,
        };
        // Switching placement: giving one of header/query clears the other.
        if (body.header) next.query = undefined;
        if (body.query) next.header = undefined;
        // Re-binding a secret (where it may be sent, or how) is re-entering it: without the value in the same PATCH,
        // whoever holds credentials:write could point a stored secret at a host of their choosing.
        if (body.value === undefined) {
          const rebinding = rebindingOf(current, next, body);
          if (rebinding.length)
            errors.push({
              field: 'value',
              message: `changing ${rebinding.join(', ')} changes where the credential may be sent: give its value in the same request`,
            });
        }
        errors.push(...(await oauth2UpdateErrors(app, current, body)));
        if (errors.length) throw validationError(errors);
        errors.push(...checkPlacement(next));
        if (errors.length) throw validationError(errors);
        let sealed: { value: string; last4: string | null } | undefined;
        let fingerprints: string[] | undefined;
        if (body.value !== undefined) {
          const vault = await vaultOf(app).forWrite();
          const now = await revealOr503(app, current.id);
          if (!now) throw notFound('the credential');
          // Rotation without mistakes: the same value, a value it had before, a value the service refuses → 409,
          // nothing changed. Fingerprints are keyed (vault.fingerprint): the old values themselves are not kept.
          const fpNew = vault.fingerprint(current.id, body.value);
          const fpNow = vault.fingerprint(current.id, now.value);
          if (fpNew === fpNow)
            throw new ApiError(
              409,
              'value_unchanged',
              'the new value is the value the credential has now; nothing changed',
            );
          const had = await getFingerprints(app.db, current.id);
          if (had.includes(fpNew))
            throw new ApiError(
              409,
              'value_reused',
              `the new value is one this credential had before (one of its last ${MAX_FINGERPRINTS} values): give a new one; nothing changed (to go back to the value before the last rotation, POST /api/credentials/{id}/rollback)`,
            );
          if (!body.force) {
            const { value: _old, ...meta } = now;
            const candidate: CredentialMeta = {
              ...meta,
              header: next.header,
              query: next.query,
              hosts: next.hosts,
              basic: next.basic,
            };
            for (const k of ['header', 'query', 'hosts', 'basic'] as const)
              if (candidate[k] === undefined) delete candidate[k];
            const verdict = await testCredential(candidate, body.value, app.serviceBaseUrls?.[current.service]);
            if (!verdict.ok)
              throw new ApiError(
                409,
                'rotation_test_failed',
                `the service's test call did not accept the new value (${verdict.detail}); nothing changed (the credential keeps its current value). Check the value, or give "force": true to rotate anyway`,
                { verdict },
              );
          }
          sealed = { value: vault.encrypt(current.id, body.value), last4: last4Of(body.value) };
          fingerprints = withFingerprints(had, fpNew, fpNow);
        }
        const updated = await updateCredential(app.db, current.id, {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.header !== undefined || body.query !== undefined
            ? { header: next.header ?? null, query: next.query ?? null }
            : {}),
          ...(body.hosts !== undefined ? { hosts: body.hosts } : {}),
          ...(body.basic !== undefined ? { basic: body.basic } : {}),
          ...(sealed ? { sealed } : {}),
          ...(fingerprints ? { fingerprints } : {}),
        });
        if (!updated) throw notFound('the credential');
        if (body.oauth2) await putOAuth2Config(app.db, current.id, body.oauth2);
        else if (sealed && (await getOAuth2(app.db, current.id))?.config.grantType === 'client_credentials')
          await setOAuth2Status(app.db, current.id, 'connected', null, true); // tokens of the old secret
        const changed = Object.keys(body).filter(
          (k) => k !== 'value' && k !== 'force' && body[k as keyof typeof body] !== undefined,
        );
        await app.audit({
          event: sealed ? 'credential.rotated' : 'credential.updated',
          keyId: key!.record.id,
          ip,
          target: current.id,
          detail: {
            version: updated.version,
            ...(changed.length ? { changed } : {}),
            ...(sealed && body.force ? { forced: true } : {}),
          },
        });
        return { status: 200, body: await withOAuth2(app, view(updated)) };
      },
    }),
    rollbackCredential: defineRoute({
      responses: {
        200: {
          description:
            'Rolled back (metadata only): the value before the last rotation is the value again (version +1, `rotatedAt` now); the replaced value is destroyed, so a rollback cannot be rolled back (`rollbackUntil` is null)',
          schema: CredentialViewSchema,
        },
        409: {
          description:
            '`nothing_to_roll_back`: no rotation in the last 24 h (or it was rolled back already, or the window passed and the previous value is destroyed)',
        },
      },
      async handler({ app, key, params, ip }) {
        // The value rolled back from stays among the values this credential had before (value_reused). Best effort
        // for a credential made before fingerprints were kept: without the master key the rollback still happens.
        let fingerprints: string[] | undefined;
        try {
          const vault = await vaultOf(app).forWrite();
          const now = await vaultOf(app).reveal(params.id!);
          if (now)
            fingerprints = withFingerprints(
              await getFingerprints(app.db, params.id!),
              vault.fingerprint(params.id!, now.value),
            );
        } catch (e) {
          if (!(e instanceof MasterKeyError) && !(e instanceof ApiError)) throw e;
        }
        const r = await rollbackCredential(app.db, params.id!, fingerprints);
        if (r === 'gone') throw notFound('the credential');
        if (r === 'nothing')
          throw new ApiError(
            409,
            'nothing_to_roll_back',
            'there is no previous value to restore: a rollback is possible for 24 h after a rotation (PATCH with `value`), once; after that (or after a rollback) the previous value is destroyed',
          );
        await app.audit({
          event: 'credential.rolled_back',
          keyId: key!.record.id,
          ip,
          target: r.id,
          detail: { version: r.version },
        });
        return { status: 200, body: await withOAuth2(app, view(r)) };
      },
    }),
    deleteCredential: defineRoute({
      responses: { 204: { description: 'Deleted; runs that reference it now fail with a clear error' } },
      async handler({ app, key, params, ip }) {
        const gone = await deleteCredential(app.db, params.id!);
        if (!gone) throw notFound('the credential');
        await app.audit({ event: 'credential.deleted', keyId: key!.record.id, ip, target: params.id! });
        return { status: 204 };
      },
    }),
    testCredential: defineRoute({
      responses: {
        200: {
          description: 'The verdict is in `ok`; `detail` explains it (never the value)',
          schema: CredentialTestResultSchema,
        },
      },
      async handler({ app, key, params, ip }) {
        let cred: Awaited<ReturnType<ReturnType<typeof vaultOf>['reveal']>>;
        try {
          cred = await vaultOf(app).reveal(params.id!);
        } catch (e) {
          if (e instanceof MasterKeyError) throw new ApiError(503, 'master_key_unavailable', e.message);
          throw e;
        }
        if (!cred) throw notFound('the credential');
        const { value: secret, ...meta } = cred;
        const result =
          meta.authType === 'oauth2'
            ? await testOAuth2(app, meta, secret)
            : await testCredential(meta, secret, app.serviceBaseUrls?.[meta.service]);
        await app.audit({
          event: 'credential.tested',
          keyId: key!.record.id,
          ip,
          target: meta.id,
          detail: { ok: result.ok, status: result.status },
        });
        return { status: 200, body: result };
      },
    }),
  }),
};
