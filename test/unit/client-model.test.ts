// Pure logic of the extension (no vscode): server identity and SecretStorage names, key states and expiry, the
// server's console line, the Generate-key and Add-credential steps, the views' data, workflow facts, HTTP problems.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROUTES } from '../../server/src/core/routes';
import { SCOPES } from '../../server/src/core/scopes';
import { findService } from '../../server/src/core/services';
import { toApiError } from '../../client/src/api';
import type { KeyInfo, ServerCredential } from '../../client/src/model/apiTypes';
import { FleroApiError } from '../../server/src/apiClient/transport';
import {
  authTypeItem,
  credentialMeta,
  parseTestUrl,
  placementItem,
  placementKinds,
  prefilledPlacement,
  SAVE_TARGETS,
  savedToText,
  savesLocally,
  savesToServer,
  serviceDetail,
  suggestCredentialId,
  testRequest,
  validateCredentialId,
  validateSecretValue,
} from '../../client/src/model/credentialForm';
import { expiryFromDays, keyState, parseCustomExpiry, relativeTime } from '../../client/src/model/expiry';
import { explain } from '../../client/src/model/explanations';
import {
  checkExpiryWithinCaller,
  createKeyBody,
  grantableScopes,
  mayGrantAllWorkflows,
  validateCustomExpiry,
  validateKeyName,
  WORKFLOW_CHOICES,
  workflowChoiceItems,
} from '../../client/src/model/keyForm';
import { classifyStartFailure, OutputLines, parseListeningLine, serveArgs } from '../../client/src/model/listening';
import {
  apiKeySecretName,
  credentialSecretName,
  LOCAL_SERVER,
  normalizeServerUrl,
  serverIdentity,
  serverLabel,
} from '../../client/src/model/serverIdentity';
import { credentialNodes, keyNodes, scopeNodes, type ViewNode } from '../../client/src/model/tree';
import { parseRunInput, workflowFacts } from '../../client/src/model/workflowDoc';
import { redactKeys } from '../../client/src/serverProcess';
import { parseCredentialMeta } from '../../client/src/model/credentialMeta';
import { validatePastedKey } from '../../client/src/model/keyInput';
import { CredentialMetaSchema } from '../../server/src/core/credentials';
import { generateKey } from '../../server/src/core/keys';

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * DAY).toISOString();

/** An API key's metadata as GET /api/api-keys sends it (core's ApiKey), with the fields a case does not care about. */
function keyInfo(k: Pick<KeyInfo, 'id' | 'name' | 'scopes'> & Partial<KeyInfo>): KeyInfo {
  return {
    start: `flero_sk_${k.id.slice(0, 4)}`,
    workflows: 'all',
    expiresAt: null,
    createdAt: at(-30),
    lastUsedAt: null,
    lastUsedIp: null,
    lastUsedUserAgent: null,
    revokedAt: null,
    rolledFrom: null,
    rolledTo: null,
    ...k,
  };
}

describe('server identity and SecretStorage names', () => {
  it('normalises URLs so one server has one key name', () => {
    assert.equal(normalizeServerUrl('HTTP://Flero.Example.com:80/'), 'http://flero.example.com');
    assert.equal(normalizeServerUrl(' https://flero.example.com:443/base/ '), 'https://flero.example.com/base');
    assert.equal(normalizeServerUrl('http://127.0.0.1:8787'), 'http://127.0.0.1:8787');
    assert.equal(
      apiKeySecretName(serverIdentity('https://a.example/')),
      apiKeySecretName(serverIdentity('https://A.EXAMPLE')),
    );
    assert.notEqual(
      apiKeySecretName(serverIdentity('https://a.example')),
      apiKeySecretName(serverIdentity('https://b.example')),
    );
  });
  it('uses one stable identity for the bundled server, whatever its port', () => {
    assert.equal(serverIdentity(''), LOCAL_SERVER);
    assert.equal(serverIdentity('   '), LOCAL_SERVER);
    assert.equal(apiKeySecretName(LOCAL_SERVER), 'flero.apiKey/local');
    assert.equal(credentialSecretName('cred_github'), 'flero.credential/cred_github');
    assert.equal(serverLabel(LOCAL_SERVER), 'local');
    assert.equal(serverLabel('https://flero.example.com:8443'), 'flero.example.com:8443');
  });
  it('rejects what is not an http(s) URL, and URLs with credentials in them', () => {
    assert.throws(() => normalizeServerUrl('flero.example.com'), /not a URL/);
    assert.throws(() => normalizeServerUrl('ftp://x.example'), /http:\/\/ or https:\/\//);
    assert.throws(() => normalizeServerUrl('https://user:pw@x.example'), /user name or password/);
  });
});

describe('key states and expiry', () => {
  it('derives active, expiring (≤ 7 days), expired and revoked', () => {
    assert.equal(keyState({}, NOW), 'active');
    assert.equal(keyState({ expiresAt: at(30) }, NOW), 'active');
    assert.equal(keyState({ expiresAt: at(6) }, NOW), 'expiring');
    assert.equal(keyState({ expiresAt: at(-1) }, NOW), 'expired');
    assert.equal(keyState({ expiresAt: at(30), revokedAt: at(-2) }, NOW), 'revoked');
  });
  it('writes relative times', () => {
    assert.equal(relativeTime(at(3), NOW), 'in 3 days');
    assert.equal(relativeTime(at(-1 / 24), NOW), '1 hour ago');
    assert.equal(relativeTime(null, NOW), 'never');
    assert.equal(relativeTime(NOW.toISOString(), NOW), 'just now');
  });
  it('computes preset expiries and validates custom dates', () => {
    assert.equal(expiryFromDays(undefined, NOW), undefined);
    assert.equal(expiryFromDays(30, NOW), at(30));
    assert.deepEqual(parseCustomExpiry('2026-12-31', NOW), { iso: '2026-12-31T23:59:59.000Z' });
    assert.match((parseCustomExpiry('2026-01-01', NOW) as { error: string }).error, /future/);
    assert.match((parseCustomExpiry('31/12/2026', NOW) as { error: string }).error, /YYYY-MM-DD/);
    assert.match((parseCustomExpiry('2026-13-45', NOW) as { error: string }).error, /not a valid date/);
  });
});

describe('the local server console', () => {
  it('finds the listening URL, also in a chunk with other lines', () => {
    assert.equal(
      parseListeningLine('store ready\nFlero API listening on http://127.0.0.1:43125\n'),
      'http://127.0.0.1:43125',
    );
    assert.equal(parseListeningLine('Flero API listening on http://127.0.0.1'), 'http://127.0.0.1');
    assert.equal(parseListeningLine('starting…'), undefined);
  });
  it('recognises a held data-folder lock and other exits', () => {
    const lock = classifyStartFailure(
      'flero serve: the data dir /x/server is in use by another Flero process (pid 42); stop it first, or use another --data\n',
      1,
    );
    assert.equal(lock.kind, 'lock-held');
    const other = classifyStartFailure('line 1\nflero serve: cannot open the store: disk full\n', 1);
    assert.deepEqual(other, {
      kind: 'exited',
      code: 1,
      detail: 'line 1 — flero serve: cannot open the store: disk full',
    });
  });
  it('runs `serve` on a free loopback port with the data folder and the owner-key file', () => {
    assert.deepEqual(serveArgs('/x/flero.mjs', '/s/server', '/s/k.txt'), [
      '/x/flero.mjs',
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data',
      '/s/server',
      '--owner-key-file',
      '/s/k.txt',
    ]);
  });
  it('passes on complete non-blank lines across chunks and keeps the last 8,000 characters', () => {
    const lines: string[] = [];
    const out = new OutputLines((l) => lines.push(l));
    out.add('one\r\ntw');
    out.add('o\n\n  \nthree');
    assert.deepEqual(lines, ['one', 'two']);
    out.flush();
    assert.deepEqual(lines, ['one', 'two', 'three']);
    assert.equal(out.add('x'.repeat(9_000)).length, 8_000);
  });
  it('redacts Flero keys from logged lines', () => {
    const key = generateKey();
    const out = redactKeys(`owner key: ${key} (keep it)`);
    assert.ok(!out.includes(key));
    assert.equal(out, 'owner key: [redacted key] (keep it)');
  });
});

describe('Generate API Key steps', () => {
  const owner = { scopes: [...SCOPES], workflows: 'all' as const };
  it('offers only the scopes the caller holds, with descriptions', () => {
    const narrow = { scopes: ['executions:write', 'workflows:read'], workflows: ['wf_a'] };
    assert.deepEqual(
      grantableScopes(narrow).map((s) => s.scope),
      ['workflows:read', 'executions:write'],
    );
    assert.ok(grantableScopes(owner).every((s) => s.description.length > 10));
    assert.equal(mayGrantAllWorkflows(owner), true);
    assert.equal(mayGrantAllWorkflows(narrow), false);
  });
  it('never offers an expiry beyond the caller’s own', () => {
    const expiring = { ...owner, expiresAt: at(10) };
    assert.match(checkExpiryWithinCaller(undefined, expiring) ?? '', /must expire by then/);
    assert.match(checkExpiryWithinCaller(at(30), expiring) ?? '', /earlier expiry/);
    assert.equal(checkExpiryWithinCaller(at(5), expiring), undefined);
    assert.equal(checkExpiryWithinCaller(undefined, owner), undefined);
  });
  it('offers "All workflows" only to a caller that has them all', () => {
    const narrow = { scopes: ['workflows:read'], workflows: ['wf_a'] };
    assert.deepEqual(
      workflowChoiceItems(owner).map((i) => i.label),
      [WORKFLOW_CHOICES.all, WORKFLOW_CHOICES.choose],
    );
    assert.deepEqual(
      workflowChoiceItems(narrow).map((i) => i.label),
      [WORKFLOW_CHOICES.choose],
    );
  });
  it('checks a custom expiry date and the caller’s own expiry in the input box', () => {
    assert.match(validateCustomExpiry('soon', owner, NOW) ?? '', /YYYY-MM-DD/);
    assert.equal(validateCustomExpiry('2026-06-20', owner, NOW), undefined);
    assert.match(validateCustomExpiry('2026-06-20', { ...owner, expiresAt: at(10) }, NOW) ?? '', /earlier expiry/);
  });
  it('validates the name and builds the request body in scope-table order', () => {
    assert.match(validateKeyName('  ') ?? '', /name/);
    assert.equal(validateKeyName('CI deploy'), undefined);
    assert.deepEqual(createKeyBody(' CI ', ['executions:write', 'workflows:read'], 'all'), {
      name: 'CI',
      scopes: ['workflows:read', 'executions:write'],
      workflows: 'all',
    });
    assert.deepEqual(createKeyBody('x', ['audit:read'], ['wf_a'], at(30)).expiresAt, at(30));
  });
});

describe('Add Credential steps', () => {
  it('suggests a free id and validates ids', () => {
    assert.equal(suggestCredentialId('github', new Set()), 'cred_github');
    assert.equal(suggestCredentialId('github', new Set(['cred_github', 'cred_github_2'])), 'cred_github_3');
    assert.match(validateCredentialId('cred_github', new Set(['cred_github'])) ?? '', /already used/);
    assert.match(validateCredentialId('-bad', new Set()) ?? '', /Letters/);
    assert.equal(validateCredentialId('cred.ok-1', new Set()), undefined);
  });
  it('rejects multi-line and padded secret values', () => {
    assert.match(validateSecretValue('') ?? '', /Paste/);
    assert.match(validateSecretValue('a\nb') ?? '', /single line/);
    assert.match(validateSecretValue(' abc') ?? '', /spaces/);
    assert.equal(validateSecretValue('sk_test_123'), undefined);
  });
  it('pre-fills placement per service and auth type; bearer is always the Authorization header', () => {
    const github = findService('github')!;
    assert.deepEqual(placementKinds('bearer'), ['header']);
    assert.deepEqual(placementKinds('apiKey'), ['header', 'query']);
    assert.deepEqual(prefilledPlacement(github, 'bearer').header, { name: 'Authorization', prefix: 'Bearer ' });
    const custom = findService('custom')!;
    assert.deepEqual(prefilledPlacement(custom, 'apiKey').header, { name: 'X-API-Key', prefix: '' });
    const meta = credentialMeta({
      id: 'c1',
      name: 'C',
      service: custom,
      authType: 'bearer',
      placement: { query: { param: 'k' } },
    });
    assert.deepEqual(meta.header, { name: 'Authorization', prefix: 'Bearer ' });
    assert.equal(meta.query, undefined);
  });
  it('labels the service, auth-type and placement picks', () => {
    const github = findService('github')!;
    assert.match(serviceDetail(github), /^Auth: bearer/);
    assert.deepEqual(authTypeItem('bearer'), { label: 'Bearer token', description: 'Authorization: Bearer …' });
    assert.equal(authTypeItem('apiKey').label, 'API key');
    const pre = prefilledPlacement(findService('custom')!, 'apiKey');
    assert.deepEqual(placementItem('header', pre), { label: 'Header', description: 'X-API-Key: …' });
    assert.deepEqual(placementItem('query', pre), { label: 'Query parameter', description: '?api_key=…' });
  });
  it('saves to SecretStorage, the server or both', () => {
    assert.ok(savesLocally(SAVE_TARGETS.local) && !savesToServer(SAVE_TARGETS.local));
    assert.ok(savesToServer(SAVE_TARGETS.server) && !savesLocally(SAVE_TARGETS.server));
    assert.ok(savesLocally(SAVE_TARGETS.both) && savesToServer(SAVE_TARGETS.both));
    assert.equal(savedToText(SAVE_TARGETS.both), 'SecretStorage and the server');
    assert.equal(savedToText(SAVE_TARGETS.server), 'The Flero server');
  });
  it('takes the host of a generic service from its test URL', () => {
    assert.deepEqual(parseTestUrl('http://127.0.0.1:4321/health'), {
      url: 'http://127.0.0.1:4321/health',
      host: '127.0.0.1:4321',
    });
    assert.match((parseTestUrl('not a url') as { error: string }).error, /Enter a URL/);
    assert.match((parseTestUrl('file:///etc/passwd') as { error: string }).error, /http/);
  });
  it('builds the no-op test request with the value placed where the credential says', () => {
    const custom = findService('custom')!;
    const header = testRequest(
      { id: 'c', name: 'c', service: 'custom', authType: 'apiKey', header: { name: 'X-Key', prefix: 'Token ' } },
      'V',
      custom,
      'http://127.0.0.1:9/t',
    );
    assert.deepEqual(header, {
      method: 'GET',
      url: 'http://127.0.0.1:9/t',
      headers: { accept: 'application/json', 'X-Key': 'Token V' },
    });
    const query = testRequest(
      { id: 'c', name: 'c', service: 'custom', authType: 'apiKey', query: { param: 'k' } },
      'a b',
      custom,
      'http://127.0.0.1:9/t?x=1',
    );
    assert.ok(!('error' in query) && query.url === 'http://127.0.0.1:9/t?x=1&k=a+b');
    const slack = testRequest(
      { id: 's', name: 's', service: 'slack', authType: 'bearer' },
      'xoxb',
      findService('slack')!,
    );
    assert.ok(!('error' in slack) && slack.method === 'POST' && slack.url === 'https://slack.com/api/auth.test');
    assert.deepEqual(testRequest({ id: 'c', name: 'c', service: 'custom', authType: 'bearer' }, 'V', custom), {
      error: 'a "Generic HTTP service" credential needs a test URL',
    });
  });
});

function flatten(nodes: ViewNode[]): ViewNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children ?? [])]);
}

describe('view data', () => {
  const keys = [
    {
      id: 'k_owner',
      name: 'owner',
      start: 'flero_sk_AbCd',
      scopes: [...SCOPES],
      workflows: 'all',
      expiresAt: null,
      lastUsedAt: at(-0.01),
      revokedAt: null,
    },
    {
      id: 'k_ci',
      name: 'CI',
      scopes: ['executions:write'],
      workflows: ['wf_a', 'wf_b'],
      expiresAt: at(3),
      revokedAt: null,
    },
    { id: 'k_old', name: 'old', scopes: ['audit:read'], workflows: 'all', expiresAt: at(-3) },
    { id: 'k_gone', name: 'gone', scopes: ['executions:write'], workflows: 'all', revokedAt: at(-1) },
  ].map((k) => keyInfo(k as KeyInfo));
  it('lists keys with state icons, context values for menus and stable ids', () => {
    const nodes = keyNodes(keys, NOW);
    assert.deepEqual(
      nodes.map((n) => [n.id, n.label, n.contextValue, n.icon?.id]),
      [
        ['key:k_owner', 'owner', 'flero.apiKey.active', 'key'],
        ['key:k_ci', 'CI', 'flero.apiKey.expiring', 'warning'],
        ['key:k_old', 'old', 'flero.apiKey.expired', 'error'],
        ['key:k_gone', 'gone', 'flero.apiKey.revoked', 'circle-slash'],
      ],
    );
    const ci = nodes[1]!;
    assert.deepEqual(
      ci.children?.map((c) => [c.label, c.description]),
      [
        ['Scopes', 'executions:write'],
        ['Workflows', 'wf_a, wf_b'],
        ['Expiry', 'expires in 3 days'],
        ['Last used', 'never'],
      ],
    );
    assert.equal(nodes[0]!.children?.[3]?.description, '14 minutes ago');
    const ids = flatten(nodes).map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, 'tree item ids are unique');
    assert.deepEqual(
      flatten(keyNodes(keys, NOW)).map((n) => n.id),
      ids,
      'and stable across refreshes',
    );
  });
  it('maps every scope to the routes of the route table and to the keys holding it (not revoked ones)', () => {
    const nodes = scopeNodes(keys, NOW);
    assert.deepEqual(
      nodes.map((n) => n.label),
      [...SCOPES],
    );
    for (const n of nodes) {
      const routes = n.children![0]!.children!.map((c) => c.label);
      assert.deepEqual(
        routes,
        ROUTES.filter((r) => r.scope === n.label).map((r) => `${r.method} ${r.path}`),
      );
    }
    const exec = nodes.find((n) => n.label === 'executions:write')!;
    assert.deepEqual(
      exec.children![1]!.children!.map((c) => c.label),
      ['owner', 'CI'],
    );
    assert.equal(scopeNodes(undefined)[0]!.children![1]!.description, 'not connected');
  });
  it('labels credentials by where they are stored', () => {
    const server: ServerCredential[] = [
      {
        id: 'cred_b',
        name: 'B',
        service: 'github',
        authType: 'bearer',
        last4: 'wxyz',
        version: 1,
        createdAt: at(-2),
        updatedAt: at(-2),
        rotatedAt: null,
        rollbackUntil: null,
      },
    ];
    const nodes = credentialNodes(
      [
        {
          id: 'cred_a',
          name: 'A',
          service: 'custom',
          authType: 'apiKey',
          header: { name: 'X-API-Key', prefix: '' },
          hosts: ['127.0.0.1:9'],
        },
      ],
      server,
    );
    assert.deepEqual(
      nodes.map((n) => [n.id, n.contextValue, n.description]),
      [
        ['cred:local:cred_a', 'flero.credential.local', 'SecretStorage · Generic HTTP service · apiKey'],
        ['cred:server:cred_b', 'flero.credential.server', 'server · GitHub · bearer'],
      ],
    );
    assert.match(nodes[1]!.tooltip!, /Ends in: …wxyz/);
  });
});

describe('workflow facts and run input', () => {
  it('collects the credential ids a workflow uses', () => {
    const f = workflowFacts(
      JSON.stringify({
        id: 'wf',
        name: 'W',
        nodes: [
          { id: 'a', credential: 'c1' },
          { id: 'b' },
          { id: 'c', credential: 'c1' },
          { id: 'd', credential: 'c2' },
        ],
      }),
    );
    assert.deepEqual([f.id, f.name, f.credentials], ['wf', 'W', ['c1', 'c2']]);
    assert.match(workflowFacts('{ "id": ').parseError ?? '', /not a JSON object/);
  });
  it('parses run input as JSON, empty = {}', () => {
    assert.deepEqual(parseRunInput(''), { value: {} });
    assert.deepEqual(parseRunInput('{"city":"Oslo"}'), { value: { city: 'Oslo' } });
    assert.match((parseRunInput('{city}') as { error: string }).error, /Not JSON/);
  });
});

describe('HTTP problems as sentences', () => {
  const refused = (status: number, problem: FleroApiError['problem'], wwwAuthenticate?: string) =>
    toApiError(
      new FleroApiError('raw', 'http', 'GET /api/api-keys', status, problem, wwwAuthenticate),
      'list API keys',
    );
  const message = (e: unknown) => (e as Error).message;
  it('explains 401, 403 with the missing scope, allow-list and escalation', () => {
    assert.match(
      message(
        refused(
          401,
          { code: 'invalid_token', detail: 'the key has expired' },
          'Bearer realm="flero", error="invalid_token", error_description="the key has expired"',
        ),
      ),
      /^Could not list API keys: the server did not accept the signed-in key \(it has expired\)\..*Sign In/,
    );
    assert.match(
      message(refused(403, {}, 'Bearer error="insufficient_scope", scope="api-keys:read"')),
      /the signed-in key lacks the scope "api-keys:read"/,
    );
    assert.match(message(refused(403, { code: 'workflow_not_allowed' })), /not allowed to use this workflow/);
    assert.match(
      message(refused(403, { code: 'privilege_escalation', detail: 'scope audit:read' })),
      /cannot grant more.*audit:read/,
    );
  });
  it("keeps the extension's action in messages of failures without an HTTP answer", () => {
    const e = toApiError(
      new FleroApiError(
        'Could not list API keys: the Flero server at http://127.0.0.1:1 did not answer (ECONNREFUSED)',
        'network',
        'list API keys',
      ),
      'list the keys',
    );
    assert.equal(
      message(e),
      'Could not list the keys: the Flero server at http://127.0.0.1:1 did not answer (ECONNREFUSED)',
    );
  });
  it('explains every diagnostic code of the contract', () => {
    for (const code of [
      'schema',
      'duplicate-node-id',
      'unknown-node',
      'cycle',
      'unknown-credential',
      'credential-host-mismatch',
      'hardcoded-secret',
      'insecure-transport',
      'code-syntax',
      'log-leak',
    ])
      assert.ok(!explain(code).startsWith('No explanation'), code);
  });
});

describe('credential metadata checks without zod', () => {
  const good = {
    id: 'cred_a',
    name: 'A',
    service: 'custom',
    authType: 'apiKey',
    header: { name: 'X-API-Key', prefix: '' },
    hosts: ['127.0.0.1:9', '*.example.com', 'http://127.0.0.1:8080', 'https://api.example.com'],
  };
  it('accepts what CredentialMetaSchema accepts', () => {
    assert.deepEqual(parseCredentialMeta(good), good);
    assert.ok(CredentialMetaSchema.safeParse(good).success);
    const basic = { id: 'cred_b', name: 'B', service: 'custom', authType: 'basic', basic: { username: 'alice' } };
    assert.deepEqual(parseCredentialMeta(basic), basic);
    assert.ok(CredentialMetaSchema.safeParse(basic).success);
  });
  it('rejects what CredentialMetaSchema rejects (and never keeps a value)', () => {
    const bad: unknown[] = [
      { ...good, value: 'secret' },
      { ...good, id: '-x' },
      { ...good, authType: 'digest' },
      { ...good, basic: { username: 'u', password: 'x' } },
      { ...good, hosts: ['https://x.example/path'] },
      { ...good, hosts: ['ftp://x.example'] },
      { ...good, header: { name: '', prefix: '' } },
      { ...good, query: { param: 'k', extra: 1 } },
      { ...good, name: '' },
      null,
    ];
    for (const b of bad) {
      assert.equal(parseCredentialMeta(b), undefined, JSON.stringify(b));
      assert.equal(CredentialMetaSchema.safeParse(b).success, false, JSON.stringify(b));
    }
  });
});

describe('the sign-in password box', () => {
  it('accepts real keys (any valid prefix) and explains typos offline', () => {
    const key = generateKey();
    assert.equal(validatePastedKey(`  ${key} `), undefined);
    assert.equal(validatePastedKey(generateKey('acme_')), undefined);
    const typo = key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a');
    assert.match(validatePastedKey(typo) ?? '', /checksum does not match/);
    assert.match(validatePastedKey(key.slice(0, 20)) ?? '', /does not look like a Flero API key/);
    assert.match(validatePastedKey('') ?? '', /Paste/);
    assert.match(validatePastedKey('flero_sk_ abc') ?? '', /no spaces/);
  });
});
