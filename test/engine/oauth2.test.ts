// The engine's side of OAuth2 credentials: an access token the server obtained is sent as `Authorization: Bearer`
// to the credential's hosts only; a 401 → one retry with the token `renew` returns (masked in the record too); an
// oauth2 credential whose value is not such a token (a client secret from a local file) is never sent.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Workflow } from '../../server/src/core/workflow';
import { runWorkflow } from '../../server/src/engine/runner';
import type { CredentialForRun } from '../../server/src/engine/types';
import { startUpstream, type Upstream } from '../helpers/upstream';

const OLD = 'accessTokenOld_7Kq2mZt9xW3pR';
const NEW = 'accessTokenNew_4Lp8sQv1yN6cJ';
const REFRESH = 'refreshToken_9Hb3kW2mQx7Tz';
let up: Upstream;

before(async () => {
  up = await startUpstream((req) =>
    req.headers.authorization === `Bearer ${NEW}`
      ? { body: { echo: req.headers.authorization, refresh: REFRESH } }
      : { status: 401, body: { echo: req.headers.authorization } },
  );
});
after(() => up.close());

const wf = (): Workflow => ({
  id: 'wf_o',
  name: 'o',
  nodes: [
    { id: 'start', type: 'trigger' },
    { id: 'call', type: 'http', method: 'GET', url: `${up.url}/x`, credential: 'o' },
  ],
  connections: [{ from: 'start', to: 'call' }],
});

const cred = (extra: Partial<CredentialForRun>): CredentialForRun => ({
  id: 'o',
  name: 'o',
  service: 'custom',
  authType: 'oauth2',
  hosts: [`http://${up.host}`],
  value: OLD,
  ...extra,
});

it('a 401 → one retry with a renewed token; both tokens and the refresh token masked', async () => {
  let renewed = 0;
  const c = cred({
    accessToken: true,
    alsoMask: [REFRESH],
    renew: async (rejected) => {
      assert.equal(rejected, OLD);
      renewed++;
      return NEW;
    },
  });
  const ex = await runWorkflow(wf(), { credentials: async () => c });
  assert.equal(ex.status, 'succeeded', ex.error);
  assert.equal(renewed, 1);
  const text = JSON.stringify(ex);
  for (const s of [OLD, NEW, REFRESH]) assert.ok(!text.includes(s), 'masked');
  assert.deepEqual(
    up.requests.slice(-2).map((r) => r.headers.authorization),
    [`Bearer ${OLD}`, `Bearer ${NEW}`],
  );
});

it('an oauth2 credential that is not a server-obtained access token is never sent', async () => {
  const sent = up.requests.length;
  const ex = await runWorkflow(wf(), { credentials: async () => cred({}) });
  assert.equal(ex.status, 'failed');
  assert.match(ex.error ?? '', /only the Flero server gets its access tokens.*nothing was sent/);
  assert.equal(up.requests.length, sent);
});
