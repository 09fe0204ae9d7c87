// OAuth2 in the extension, as pure logic (no vscode): the Add Credential steps for an OAuth2 credential (auth type,
// grant types, URL/client id/scope validation, the create body), and the Credentials view's health of an OAuth2
// credential (icons, descriptions, tooltips, contextValues) against the menus package.json contributes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ServerCredential } from '../../client/src/model/apiTypes';
import {
  authTypeItem,
  GRANT_TYPE_ITEMS,
  oauth2Config,
  oauth2CredentialMeta,
  oauth2NeedsServer,
  serviceDetail,
  validateClientId,
  validateOAuth2Url,
  validateScope,
} from '../../client/src/model/credentialForm';
import { credentialNodes, oauth2Health } from '../../client/src/model/tree';
import { CreateCredentialSchema } from '../../server/src/core/apiSchemas';
import { oauth2UrlProblem } from '../../server/src/core/oauth2';
import { findService } from '../../server/src/core/services';

const custom = findService('custom')!;
const NOW = new Date('2026-12-02T10:00:00Z');

function view(id: string, oauth2: ServerCredential['oauth2']): ServerCredential {
  return {
    id,
    name: id,
    service: 'custom',
    authType: 'oauth2',
    hosts: ['api.example.com'],
    oauth2,
    last4: null,
    version: 1,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    rotatedAt: null,
    rollbackUntil: null,
  };
}

const authCode = (status: 'connected' | 'needs_consent' | 'refresh_failed', detail?: string) =>
  view(`cred_${status}`, {
    grantType: 'authorization_code',
    tokenUrl: 'http://127.0.0.1:9/token',
    authorizationUrl: 'http://127.0.0.1:9/auth',
    clientId: 'flero',
    status,
    ...(detail ? { detail } : {}),
    ...(status === 'connected' ? { expiresAt: '2026-12-02T11:00:00Z' } : {}),
  });

describe('Add Credential: OAuth2 steps', () => {
  it('offers OAuth2 for the custom service only, as "OAuth2" (server only)', () => {
    assert.ok(custom.authTypes.includes('oauth2'));
    assert.deepEqual(authTypeItem('oauth2').label, 'OAuth2');
    assert.match(authTypeItem('oauth2').description, /server/);
    assert.match(serviceDetail(custom), /oauth2/);
    assert.deepEqual(
      GRANT_TYPE_ITEMS.map((g) => g.grantType),
      ['client_credentials', 'authorization_code'],
    );
  });

  it('validates token/authorization URLs like the server: https, or http only on loopback', () => {
    const cases = [
      'https://auth.example.com/token',
      'http://127.0.0.1:4000/token',
      'http://localhost/token',
      'http://[::1]:8080/auth',
      'http://auth.example.com/token',
      'ftp://auth.example.com/token',
      'https://user:pw@auth.example.com/token',
      'not a url',
    ];
    for (const url of cases)
      assert.equal(validateOAuth2Url(url, 'token') === undefined, oauth2UrlProblem(url) === undefined, url);
    assert.match(validateOAuth2Url('http://auth.example.com/t', 'token')!, /loopback.*https:\/\/auth\.example\.com\/t/);
    assert.match(validateOAuth2Url('', 'authorization')!, /authorization endpoint/);
    assert.match(validateOAuth2Url('nope', 'token')!, /Enter a URL/);
    assert.match(validateOAuth2Url('https://u:p@a.example/t', 'token')!, /user name or password/);
  });

  it('validates the client id and the optional scope', () => {
    assert.equal(validateClientId('flero'), undefined);
    assert.match(validateClientId('')!, /client id/);
    assert.match(validateClientId(' flero')!, /spaces/);
    assert.equal(validateScope(''), undefined);
    assert.equal(validateScope('read write'), undefined);
    assert.match(validateScope('a\nb')!, /one line/);
  });

  it('builds a create body the server schema accepts: no header/query, empty scope left out, no authorization URL for client_credentials', () => {
    const meta = oauth2CredentialMeta({ id: 'cred_o', name: 'Billing', service: custom, host: 'api.example.com' });
    assert.deepEqual(meta, {
      id: 'cred_o',
      name: 'Billing',
      service: 'custom',
      authType: 'oauth2',
      hosts: ['api.example.com'],
    });
    const cc = oauth2Config({
      grantType: 'client_credentials',
      tokenUrl: ' https://auth.example.com/token ',
      authorizationUrl: 'https://auth.example.com/auth',
      clientId: 'flero',
      scope: '  ',
    });
    assert.deepEqual(cc, {
      grantType: 'client_credentials',
      tokenUrl: 'https://auth.example.com/token',
      clientId: 'flero',
    });
    const ac = oauth2Config({
      grantType: 'authorization_code',
      tokenUrl: 'http://127.0.0.1:9/token',
      authorizationUrl: 'http://127.0.0.1:9/auth',
      clientId: 'flero',
      scope: 'read   write',
    });
    assert.equal(ac.authorizationUrl, 'http://127.0.0.1:9/auth');
    assert.equal(ac.scope, 'read write');
    assert.ok(CreateCredentialSchema.safeParse({ ...meta, oauth2: cc, value: 's3cret-value' }).success);
    // A public authorization_code client: no value at all.
    assert.ok(CreateCredentialSchema.safeParse({ ...meta, oauth2: ac }).success);
  });

  it('explains that OAuth2 needs the server (not SecretStorage) when not connected or without credentials:write', () => {
    assert.match(oauth2NeedsServer('signedOut', undefined)!, /Flero server only.*sign in/);
    assert.match(oauth2NeedsServer('noServer', undefined)!, /SecretStorage|server only/);
    assert.match(oauth2NeedsServer('connected', ['workflows:read'])!, /credentials:write/);
    assert.equal(oauth2NeedsServer('connected', ['credentials:read', 'credentials:write']), undefined);
  });
});

describe('Credentials view: OAuth2 health', () => {
  it('connected → pass icon; needs_consent → warning "needs consent"; refresh_failed → error with the detail', () => {
    const [connected, consent, failed] = credentialNodes(
      [],
      [
        authCode('refresh_failed', 'invalid_grant: the refresh token was revoked'),
        authCode('connected'),
        authCode('needs_consent'),
      ],
      NOW,
    ).sort((a, b) => a.id.localeCompare(b.id));
    assert.equal(connected!.label, 'cred_connected');
    assert.deepEqual(connected!.icon, { id: 'pass', color: 'testing.iconPassed' });
    assert.match(connected!.description!, /oauth2 · connected$/);
    assert.match(connected!.tooltip!, /connected · the access token expires 2026-12-02 11:00 UTC/);
    assert.equal(connected!.contextValue, 'flero.credential.server.oauth2.authCode');

    assert.equal(consent!.label, 'cred_needs_consent');
    assert.deepEqual(consent!.icon, { id: 'warning', color: 'list.warningForeground' });
    assert.match(consent!.description!, /needs consent$/);
    assert.match(consent!.tooltip!, /Reconnect/);
    assert.equal(consent!.contextValue, 'flero.credential.server.oauth2.authCode.needsReconnect');

    assert.equal(failed!.label, 'cred_refresh_failed');
    assert.deepEqual(failed!.icon, { id: 'error', color: 'list.errorForeground' });
    assert.match(failed!.description!, /refresh failed$/);
    assert.match(failed!.tooltip!, /the token refresh failed: invalid_grant: the refresh token was revoked/);
    assert.equal(failed!.contextValue, 'flero.credential.server.oauth2.authCode.needsReconnect');
    // The tooltip shows the configuration, never a token.
    assert.match(
      connected!.tooltip!,
      /Token URL: http:\/\/127\.0\.0\.1:9\/token\nAuthorization URL: .*\nClient id: flero/,
    );
  });

  it('client_credentials: .oauth2 without .authCode; a failed refresh says to rotate the secret', () => {
    const h = oauth2Health({
      grantType: 'client_credentials',
      tokenUrl: 'https://a.example/t',
      clientId: 'c',
      status: 'refresh_failed',
      detail: 'invalid_client',
    });
    assert.equal(h.needsReconnect, true);
    assert.match(h.tooltip, /invalid_client\nRotate Credential/);
    const [node] = credentialNodes(
      [],
      [
        view('cred_cc', {
          grantType: 'client_credentials',
          tokenUrl: 'https://a.example/t',
          clientId: 'c',
          status: 'connected',
        }),
      ],
      NOW,
    );
    assert.equal(node!.contextValue, 'flero.credential.server.oauth2');
  });

  it('non-OAuth2 credentials keep their icons and contextValues', () => {
    const [node] = credentialNodes(
      [{ id: 'cred_k', name: 'k', service: 'custom', authType: 'apiKey', header: { name: 'X-API-Key', prefix: '' } }],
      [],
      NOW,
    );
    assert.equal(node!.contextValue, 'flero.credential.local');
    assert.deepEqual(node!.icon, { id: 'lock' });
  });

  it('package.json: Reconnect is contributed (category Flero) and its menus match the contextValues', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const cmd = pkg.contributes.commands.find((c: { command: string }) => c.command === 'flero.reconnectOAuth2');
    assert.ok(cmd, 'flero.reconnectOAuth2 is contributed');
    assert.equal(cmd.category, 'Flero');
    assert.match(cmd.title, /^Reconnect/);
    const registry = readFileSync(new URL('../../client/src/commands/credentials.ts', import.meta.url), 'utf8');
    assert.match(registry, /'flero\.reconnectOAuth2': reconnectOAuth2/);
    const items = (pkg.contributes.menus['view/item/context'] as { command: string; when: string }[]).filter(
      (m) => m.command === 'flero.reconnectOAuth2',
    );
    assert.ok(items.length >= 1);
    const regexOf = (when: string) => {
      const m = /viewItem =~ \/(.+)\/$/.exec(when);
      assert.ok(m, when);
      return new RegExp(m[1]!);
    };
    const menu = items.find((m) => m.when.includes('authCode'))!;
    const inline = items.find((m) => !m.when.includes('authCode'));
    const ctx = (s: string) => `flero.credential.server.${s}`;
    for (const v of [
      'oauth2.authCode',
      'oauth2.authCode.needsReconnect',
      'oauth2.needsReconnect',
      'undoable.oauth2.authCode',
    ])
      assert.ok(regexOf(menu.when).test(ctx(v)), `menu for ${v}`);
    for (const v of ['oauth2', 'undoable', 'undoable.oauth2'])
      assert.ok(!regexOf(menu.when).test(ctx(v)), `no menu for ${v}`);
    if (inline) assert.ok(regexOf(inline.when).test(ctx('oauth2.authCode.needsReconnect')));
    // Undo Rotation still applies to an OAuth2 credential whose client secret was rotated.
    const undo = (pkg.contributes.menus['view/item/context'] as { command: string; when: string }[]).find(
      (m) => m.command === 'flero.undoRotation',
    )!;
    assert.ok(regexOf(undo.when).test(ctx('undoable.oauth2')));
    assert.ok(regexOf(undo.when).test(ctx('undoable')));
    assert.ok(!regexOf(undo.when).test(ctx('oauth2')));
  });
});
