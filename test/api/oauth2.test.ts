// OAuth2 credentials against a real authorization server (oidc-provider on 127.0.0.1): client_credentials tokens
// fetched, cached and refreshed across several lifetimes with one token request per expiry under concurrent runs; a
// 401 from the service → one retry with a fresh token; a wrong client secret → the test call and runs fail clearly;
// authorization_code with PKCE consent driven headlessly (login + consent forms) through GET /oauth2/callback,
// refresh before expiry, a revoked refresh token → refresh_failed and runs fail before any request; no token or
// secret in any response, execution record, audit entry, server log or data-dir file. The upstream service checks
// every bearer token by introspection at the provider.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeHits, scanString, sweep } from '../reliability/canary';
import { consent, startProvider, type TestProvider } from '../helpers/oauth2Provider';
import { api, type RunningServer, runCli, startServer } from '../helpers/server';
import { startUpstream, type Upstream } from '../helpers/upstream';

const TTL = 3;
let srv: RunningServer;
let owner: string;
let provider: TestProvider;
let up: Upstream;
const responses: string[] = [];
const seenTokens = new Set<string>();

async function call(method: string, path: string, body?: unknown) {
  const r = await api(srv.url, method, path, { key: owner, body });
  responses.push(r.text);
  return r;
}

async function putWorkflow(id: string, credential: string, path = '/me') {
  const put = await call('PUT', `/api/workflows/${id}`, {
    id,
    name: id,
    nodes: [
      { id: 'start', type: 'trigger' },
      { id: 'call', type: 'http', method: 'GET', url: `${up.url}${path}`, credential },
    ],
    connections: [{ from: 'start', to: 'call' }],
  });
  assert.ok(put.status === 200 || put.status === 201, put.text);
}

async function run(id: string) {
  const r = await call('POST', `/api/workflows/${id}/run`, {});
  assert.equal(r.status, 200, r.text);
  return r.body;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  srv = await startServer({ env: { FLERO_MASTER_KEY: '' } });
  owner = srv.ownerKey!;
  provider = await startProvider({ redirectUri: `${srv.url}/oauth2/callback`, ttlSeconds: TTL });
  up = await startUpstream(async (req) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return { status: 401, body: { error: 'no token' } };
    seenTokens.add(token);
    if (!(await provider.introspect(token))) return { status: 401, body: { error: 'invalid_token' } };
    // /echo hands the header back: the run's record must show it masked.
    return { status: 200, body: req.path === '/echo' ? { auth: req.headers.authorization } : { ok: true } };
  });
  const base = { service: 'custom', authType: 'oauth2', hosts: [`http://${up.host}`] };
  const cc = { grantType: 'client_credentials', tokenUrl: provider.tokenUrl, clientId: 'svc', scope: 'api' };
  for (const [id, value] of [
    ['cc', provider.svcSecret],
    ['cc_bad', `${provider.svcSecret}x`],
  ] as const) {
    const r = await call('POST', '/api/credentials', { id, name: id, ...base, value, oauth2: cc });
    assert.equal(r.status, 201, r.text);
  }
  const ac = await call('POST', '/api/credentials', {
    id: 'ac',
    name: 'ac',
    ...base,
    value: provider.appSecret,
    oauth2: {
      grantType: 'authorization_code',
      tokenUrl: provider.tokenUrl,
      authorizationUrl: provider.authorizationUrl,
      clientId: 'app',
      scope: 'openid',
    },
  });
  assert.equal(ac.status, 201, ac.text);
  await putWorkflow('wf_cc', 'cc');
  await putWorkflow('wf_echo', 'cc', '/echo');
  await putWorkflow('wf_bad', 'cc_bad');
  await putWorkflow('wf_ac', 'ac');
});

after(async () => {
  await up?.close();
  await provider?.close();
  await srv?.stop();
});

describe('oauth2 client_credentials', () => {
  test('validation: oauth2 needs its configuration; a non-loopback http tokenUrl is refused', async () => {
    const r = await call('POST', '/api/credentials', {
      name: 'x',
      service: 'custom',
      authType: 'oauth2',
      hosts: ['api.example.com'],
      value: 'secret-value',
      oauth2: { grantType: 'client_credentials', tokenUrl: 'http://auth.example.com/token', clientId: 'c' },
    });
    assert.equal(r.status, 400, r.text);
    assert.match(r.text, /https/);
    const none = await call('POST', '/api/credentials', {
      name: 'x',
      service: 'custom',
      authType: 'oauth2',
      hosts: ['api.example.com'],
      value: 'secret-value',
    });
    assert.equal(none.status, 400, none.text);
    const github = await call('POST', '/api/credentials', {
      name: 'x',
      service: 'github',
      authType: 'oauth2',
      value: 'secret-value',
      oauth2: { grantType: 'client_credentials', tokenUrl: provider.tokenUrl, clientId: 'svc' },
    });
    assert.equal(github.status, 400, 'a catalog service lists its own auth types');
  });

  test('the view shows the configuration and status, never a secret; the test call gets a token', async () => {
    const t = await call('POST', '/api/credentials/cc/test');
    assert.equal(t.status, 200, t.text);
    assert.equal(t.body.ok, true, t.text);
    const v = await call('GET', '/api/credentials/cc');
    assert.equal(v.body.authType, 'oauth2');
    assert.equal(v.body.oauth2.grantType, 'client_credentials');
    assert.equal(v.body.oauth2.clientId, 'svc');
    assert.equal(v.body.oauth2.status, 'connected');
    assert.ok(Date.parse(v.body.oauth2.expiresAt) > Date.now(), v.text);
    const list = await call('GET', '/api/credentials');
    assert.equal(list.body.find((c: { id: string }) => c.id === 'cc').oauth2.status, 'connected');
  });

  test('runs succeed across several token lifetimes, one token request per expiry under 10 concurrent runs', async () => {
    const before = provider.tokenRequests();
    const tokensBefore = seenTokens.size;
    const started = Date.now();
    while (Date.now() - started < 3.5 * TTL * 1000) {
      const runs = await Promise.all(Array.from({ length: 10 }, () => run('wf_cc')));
      for (const r of runs) assert.equal(r.status, 'succeeded', JSON.stringify(r));
      await sleep(150);
    }
    const elapsed = (Date.now() - started) / 1000;
    const requests = provider.tokenRequests() - before;
    // A token is refreshed a fifth of its lifetime before it expires: at most one request per 0.8 × TTL (+1 at start).
    const bound = Math.ceil(elapsed / (0.8 * TTL)) + 1;
    assert.ok(requests >= 3, `the token was refreshed during the runs (${requests} token requests)`);
    assert.ok(requests <= bound, `${requests} token requests in ${elapsed} s (at most ${bound})`);
    assert.ok(seenTokens.size - tokensBefore >= 3, 'the service saw several access tokens');
  });

  test('the access token is masked in the run output', async () => {
    const r = await run('wf_echo');
    assert.equal(r.status, 'succeeded', JSON.stringify(r));
    const auth = r.nodes[1].output.body.auth as string;
    assert.ok(auth.startsWith('Bearer '), auth);
    assert.ok(![...seenTokens].some((t) => auth.includes(t)), 'the token in the output is masked');
  });

  test('a 401 from the service (token revoked at the provider) → one retry with a fresh token', async () => {
    await run('wf_cc');
    const last = [...seenTokens].at(-1)!;
    await provider.revokeAccessToken(last);
    const before = provider.tokenRequests();
    const r = await run('wf_cc');
    assert.equal(r.status, 'succeeded', JSON.stringify(r));
    assert.equal(provider.tokenRequests() - before, 1, 'one new token');
    assert.notEqual([...seenTokens].at(-1), last);
  });

  test('a wrong client secret: the test call and runs fail with the reason, nothing sent to the service', async () => {
    const t = await call('POST', '/api/credentials/cc_bad/test');
    assert.equal(t.body.ok, false, t.text);
    assert.match(t.body.detail, /invalid_client/);
    const sent = up.requests.length;
    const r = await run('wf_bad');
    assert.equal(r.status, 'failed');
    assert.match(r.error, /credential "cc_bad" could not be loaded: .*invalid_client/);
    assert.equal(up.requests.length, sent, 'nothing was sent to the service');
    const v = await call('GET', '/api/credentials/cc_bad');
    assert.equal(v.body.oauth2.status, 'refresh_failed');
    assert.match(v.body.oauth2.detail, /invalid_client/);
  });
});

describe('oauth2 authorization_code (PKCE)', () => {
  test('before consent: needs_consent, runs fail before any request saying so', async () => {
    const v = await call('GET', '/api/credentials/ac');
    assert.equal(v.body.oauth2.status, 'needs_consent');
    const sent = up.requests.length;
    const r = await run('wf_ac');
    assert.equal(r.status, 'failed');
    assert.match(r.error, /needs consent: POST \/api\/credentials\/ac\/oauth2\/authorize .*\(in VS Code: Reconnect\)/);
    assert.equal(up.requests.length, sent);
  });

  test('bad state, denied consent: clear error pages', async () => {
    const bad = await fetch(`${srv.url}/oauth2/callback?state=nope&code=abc`);
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /unknown or was used already/);
    const start = await call('POST', '/api/credentials/ac/oauth2/authorize');
    const state = new URL(start.body.authorizationUrl).searchParams.get('state')!;
    const denied = await fetch(`${srv.url}/oauth2/callback?state=${state}&error=access_denied`);
    assert.equal(denied.status, 400);
    assert.match(await denied.text(), /denied/);
    const notAc = await call('POST', '/api/credentials/cc/oauth2/authorize');
    assert.equal(notAc.status, 409, notAc.text);
  });

  test('consent through the provider, runs with refreshes, a revoked refresh token → refresh_failed', async () => {
    const start = await call('POST', '/api/credentials/ac/oauth2/authorize');
    assert.equal(start.status, 200, start.text);
    const au = new URL(start.body.authorizationUrl);
    assert.equal(au.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(au.searchParams.get('redirect_uri'), `${srv.url}/oauth2/callback`);
    assert.ok(au.searchParams.get('state') && au.searchParams.get('code_challenge'));
    const back = await consent(start.body.authorizationUrl, `${srv.url}/oauth2/callback`);
    const done = await fetch(back);
    const html = await done.text();
    assert.equal(done.status, 200, html);
    assert.match(html, /Connected — you can close this tab/);
    const code = new URL(back).searchParams.get('code')!;
    assert.ok(!html.includes(code), 'the page does not echo the code');
    const again = await fetch(back);
    assert.equal(again.status, 400, 'a state is used once');

    const v = await call('GET', '/api/credentials/ac');
    assert.equal(v.body.oauth2.status, 'connected', v.text);
    assert.ok(v.body.oauth2.expiresAt);
    assert.equal((await run('wf_ac')).status, 'succeeded');
    const before = provider.tokenRequests();
    await sleep(TTL * 1000 + 200);
    const r2 = await run('wf_ac');
    assert.equal(r2.status, 'succeeded', JSON.stringify(r2));
    assert.equal(provider.tokenRequests() - before, 1, 'refreshed once');
    const t = await call('POST', '/api/credentials/ac/test');
    assert.equal(t.body.ok, true, t.text);

    provider.revokeRefreshTokens();
    await sleep(TTL * 1000 + 200);
    const sent = up.requests.length;
    const r3 = await run('wf_ac');
    assert.equal(r3.status, 'failed');
    assert.match(r3.error, /refresh token was refused.*reconnect: POST \/api\/credentials\/ac\/oauth2\/authorize/);
    assert.equal(up.requests.length, sent, 'nothing was sent');
    const v2 = await call('GET', '/api/credentials/ac');
    assert.equal(v2.body.oauth2.status, 'refresh_failed');
    assert.match(v2.body.oauth2.detail, /invalid_grant/);
    const r4 = await run('wf_ac');
    assert.match(r4.error, /reconnect/);
  });
});

test('canary sweep: no token or client secret in responses, records, audit, log or data dir', async () => {
  const execs = await call('GET', '/api/executions?limit=500');
  assert.ok(execs.body.length > 10);
  await call('GET', '/api/audit?limit=1000');
  const canaries: Record<string, string> = { svcSecret: provider.svcSecret, appSecret: provider.appSecret };
  const tokens = new Set([...provider.issued(), ...seenTokens]);
  assert.ok(tokens.size >= 5, 'tokens to look for');
  let i = 0;
  for (const t of tokens) canaries[`token${i++}`] = t;
  const opts = { canaries, flagValidKeys: false };
  const hits = [
    ...scanString(responses.join('\n'), opts, 'API responses'),
    ...scanString(srv.output(), opts, 'server log'),
    ...sweep([srv.dataDir!], opts),
  ];
  assert.deepEqual(hits, [], describeHits(hits));
});

describe('flero credentials with OAuth2 (the CLI)', () => {
  test('create a client_credentials credential from stdin, test it; connect prints the consent URL', async () => {
    const env = { FLERO_SERVER_URL: srv.url, FLERO_API_KEY: owner, CC_SECRET: provider.svcSecret };
    const made = await runCli(
      [
        'credentials',
        'create',
        '--id',
        'cc_cli',
        '--name',
        'cc via cli',
        '--service',
        'custom',
        '--auth-type',
        'oauth2',
        '--grant-type',
        'client_credentials',
        '--token-url',
        provider.tokenUrl,
        '--client-id',
        'svc',
        '--scope',
        'api',
        '--host',
        `http://${up.host}`,
        '--value-env',
        'CC_SECRET',
      ],
      { env },
    );
    assert.equal(made.code, 0, made.stderr);
    const tested = await runCli(['credentials', 'test', 'cc_cli'], { env });
    assert.equal(tested.code, 0, tested.stdout + tested.stderr);
    const shown = JSON.parse((await runCli(['credentials', 'show', 'cc_cli', '--json'], { env })).stdout);
    assert.equal(shown.oauth2.status, 'connected');
    const url = await runCli(['credentials', 'connect', 'ac'], { env });
    assert.equal(url.code, 0, url.stderr);
    assert.ok(url.stdout.startsWith(provider.authorizationUrl), url.stdout);
    assert.match(url.stdout, /code_challenge_method=S256/);
    const wrong = await runCli(
      [
        'credentials',
        'create',
        '--name',
        'x',
        '--service',
        'custom',
        '--auth-type',
        'oauth2',
        '--grant-type',
        'implicit',
      ],
      { env },
    );
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--grant-type must be client_credentials or authorization_code/);
    for (const r of [made, tested, url]) assert.ok(!(r.stdout + r.stderr).includes(provider.svcSecret));
  });
});
