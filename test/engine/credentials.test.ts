// Credential injection against a real local upstream: each placement, host binding (nothing is sent to a host the
// credential is not meant for), connectors with a base-URL override, masking of what comes back, rotation under load.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Workflow } from '../../server/src/core/workflow';
import { runWorkflow } from '../../server/src/engine/runner';
import type { CredentialForRun, Execution } from '../../server/src/engine/types';
import { startUpstream, type Upstream } from '../helpers/upstream';

const CANARY = 'canaryV4lue_9f2Kq8LmZt3xW7pR';

function resolver(...creds: CredentialForRun[]) {
  return async (id: string) => creds.find((c) => c.id === id);
}

function single(node: Workflow['nodes'][number]): Workflow {
  return {
    id: 'wf_cred',
    name: 'Cred',
    nodes: [{ id: 'start', type: 'trigger' }, node],
    connections: [{ from: 'start', to: node.id }],
  };
}

function assertNoCanary(ex: Execution, canary = CANARY): void {
  const text = JSON.stringify(ex);
  assert.ok(!text.includes(canary), `execution contains the secret: ${text.slice(0, 400)}`);
}

describe('credential injection', () => {
  let a: Upstream;
  let b: Upstream;
  before(async () => {
    const echo = (req: { headers: Record<string, unknown>; query: Record<string, string>; path: string }) => ({
      body: { path: req.path, headers: req.headers, query: req.query },
    });
    a = await startUpstream(echo);
    b = await startUpstream(echo);
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  const placements: { name: string; cred: Partial<CredentialForRun>; check: (up: Upstream) => void }[] = [
    {
      name: 'header with prefix',
      cred: { authType: 'apiKey', header: { name: 'Authorization', prefix: 'Token ' } },
      check: (up) => assert.equal(up.requests.at(-1)!.headers.authorization, `Token ${CANARY}`),
    },
    {
      name: 'bearer',
      cred: { authType: 'bearer' },
      check: (up) => assert.equal(up.requests.at(-1)!.headers.authorization, `Bearer ${CANARY}`),
    },
    {
      name: 'X-API-Key without prefix',
      cred: { authType: 'apiKey', header: { name: 'X-API-Key', prefix: '' } },
      check: (up) => {
        assert.equal(up.requests.at(-1)!.headers['x-api-key'], CANARY);
      },
    },
    {
      name: 'query parameter',
      cred: { authType: 'apiKey', query: { param: 'appid' } },
      check: (up) => {
        assert.equal(up.requests.at(-1)!.query.appid, CANARY);
        assert.equal(up.requests.at(-1)!.query.city, 'Oslo', 'the node’s own query is kept');
      },
    },
  ];

  for (const p of placements) {
    it(`injects a credential as ${p.name}, only toward its host, and masks the echo`, async () => {
      const cred = {
        id: 'c1',
        name: 'c',
        service: 'custom',
        hosts: [a.host],
        value: CANARY,
        ...p.cred,
      } as CredentialForRun;
      const ex = await runWorkflow(
        single({
          id: 'call',
          type: 'http',
          method: 'GET',
          url: `${a.url}/echo`,
          query: { city: 'Oslo' },
          headers: { Authorization: 'user-set, replaced when the credential uses it' },
          credential: 'c1',
        }),
        { credentials: resolver(cred) },
      );
      assert.equal(ex.status, 'succeeded', ex.error);
      p.check(a);
      // The upstream echoed the secret back; the execution shows *** instead.
      assert.match(JSON.stringify(ex.nodes[1]!.output), /\*\*\*/);
      assertNoCanary(ex);
    });
  }

  it('never sends a credential to another port, another host name or a look-alike host', async () => {
    const cred: CredentialForRun = {
      id: 'c1',
      name: 'c',
      service: 'custom',
      authType: 'bearer',
      hosts: [a.host],
      value: CANARY,
    };
    const targets = [
      `${b.url}/x`, // same host, other port
      `http://localhost:${a.port}/x`, // same server, other host name
      `http://127.0.0.1.nip.io:${a.port}/x`,
      `http://evil.example/?u=${a.host}`,
    ];
    const beforeA = a.requests.length;
    const beforeB = b.requests.length;
    for (const url of targets) {
      const ex = await runWorkflow(single({ id: 'call', type: 'http', method: 'GET', url, credential: 'c1' }), {
        credentials: resolver(cred),
      });
      assert.equal(ex.status, 'failed', url);
      assert.match(ex.error!, new RegExp(`may only be sent to 127\\.0\\.0\\.1:${a.port}, not to .*; nothing was sent`));
      assertNoCanary(ex);
    }
    assert.equal(a.requests.length, beforeA);
    assert.equal(b.requests.length, beforeB);
    assert.ok(!b.everything().includes(CANARY), 'the other upstream never saw the credential');
  });

  it('a hosts entry with its scheme admits only that scheme, host and port', async () => {
    const cred: CredentialForRun = {
      id: 'c2',
      name: 'c',
      service: 'custom',
      authType: 'bearer',
      hosts: [`http://${a.host}`, 'https://127.0.0.1'],
      value: CANARY,
    };
    const ok = await runWorkflow(
      single({ id: 'call', type: 'http', method: 'GET', url: `${a.url}/s`, credential: 'c2' }),
      {
        credentials: resolver(cred),
      },
    );
    assert.equal(ok.status, 'succeeded', ok.error);
    assert.equal(a.requests.at(-1)!.headers.authorization, `Bearer ${CANARY}`);
    const refused = [
      [`https://127.0.0.1:${a.port}/x`, `https://127.0.0.1:${a.port}`], // other scheme (and not the default https port)
      [`${b.url}/x`, b.url], // other port
      [`http://localhost:${a.port}/x`, `http://localhost:${a.port}`], // other host name
      ['http://127.0.0.1/x', 'http://127.0.0.1'], // the https entry does not admit plain http
    ];
    const beforeA = a.requests.length;
    const beforeB = b.requests.length;
    for (const [url, origin] of refused) {
      const ex = await runWorkflow(single({ id: 'call', type: 'http', method: 'GET', url, credential: 'c2' }), {
        credentials: resolver(cred),
      });
      assert.equal(ex.status, 'failed', url);
      assert.ok(
        ex.error!.endsWith(
          `credential "c2" may only be sent to http://${a.host}, https://127.0.0.1, not to ${origin}; nothing was sent`,
        ),
        ex.error,
      );
      assertNoCanary(ex);
    }
    assert.equal(a.requests.length, beforeA);
    assert.equal(b.requests.length, beforeB);
  });

  it('a refusal names each allowed host once, in the order given', async () => {
    const cred: CredentialForRun = {
      id: 'c3',
      name: 'c',
      service: 'custom',
      authType: 'bearer',
      hosts: [a.host, 'api.example.com', a.host, 'API.example.com', 'other.example.com'],
      value: CANARY,
    };
    const run = (url: string, c: CredentialForRun, serviceBaseUrls?: Record<string, string>) =>
      runWorkflow(single({ id: 'call', type: 'http', method: 'GET', url, credential: c.id }), {
        credentials: resolver(c),
        ...(serviceBaseUrls ? { serviceBaseUrls } : {}),
      });
    const ok = await run(`${a.url}/d`, cred);
    assert.equal(ok.status, 'succeeded', ok.error);
    const refused = await run(`${b.url}/d`, cred);
    assert.ok(
      refused.error!.endsWith(
        `credential "c3" may only be sent to ${a.host}, api.example.com, other.example.com, not to ${b.host}; nothing was sent`,
      ),
      refused.error,
    );
    // An override onto the service's own host adds nothing new to the list.
    const gh: CredentialForRun = { id: 'gh2', name: 'gh', service: 'github', authType: 'bearer', value: CANARY };
    const ex = await run(`${b.url}/user`, gh, { github: 'https://api.github.com' });
    assert.ok(
      ex.error!.endsWith(`credential "gh2" may only be sent to api.github.com, not to ${b.host}; nothing was sent`),
      ex.error,
    );
    assertNoCanary(refused);
    assertNoCanary(ex);
  });

  it('uses the service’s hosts when the credential has none, and refuses a custom credential without hosts', async () => {
    const gh: CredentialForRun = { id: 'gh', name: 'gh', service: 'github', authType: 'bearer', value: CANARY };
    const ex = await runWorkflow(
      single({ id: 'call', type: 'http', method: 'GET', url: `${b.url}/user`, credential: 'gh' }),
      {
        credentials: resolver(gh),
      },
    );
    assert.match(ex.error!, /may only be sent to api\.github\.com, not to 127\.0\.0\.1/);
    const custom: CredentialForRun = { id: 'cu', name: 'cu', service: 'custom', authType: 'bearer', value: CANARY };
    const ex2 = await runWorkflow(
      single({ id: 'call', type: 'http', method: 'GET', url: `${b.url}/`, credential: 'cu' }),
      {
        credentials: resolver(custom),
      },
    );
    assert.match(ex2.error!, /has no allowed hosts/);
  });

  it('runs connector nodes against an overridden base URL with path params, query and JSON body', async () => {
    const gh: CredentialForRun = { id: 'gh', name: 'gh', service: 'github', authType: 'bearer', value: CANARY };
    const slack: CredentialForRun = {
      id: 'sl',
      name: 'sl',
      service: 'slack',
      authType: 'bearer',
      value: `${CANARY}_slack`,
    };
    const workflow: Workflow = {
      id: 'wf_conn',
      name: 'Connectors',
      nodes: [
        { id: 'start', type: 'trigger' },
        {
          id: 'repo',
          type: 'github.getRepo',
          credential: 'gh',
          params: { owner: 'acme inc', repo: '{{ $input.repo }}' },
        },
        {
          id: 'post',
          type: 'slack.postMessage',
          credential: 'sl',
          params: { channel: '#ops', text: 'repo {{ $node.repo.body.path }}' },
        },
      ],
      connections: [
        { from: 'start', to: 'repo' },
        { from: 'repo', to: 'post' },
      ],
    };
    const before = a.requests.length;
    const ex = await runWorkflow(workflow, {
      input: { repo: 'r/1' },
      credentials: resolver(gh, slack),
      serviceBaseUrls: { github: a.url, slack: `${a.url}/api` },
    });
    assert.equal(ex.status, 'succeeded', ex.error);
    const [repoReq, postReq] = a.requests.slice(before);
    assert.equal(repoReq!.rawUrl, '/repos/acme%20inc/r%2F1');
    assert.equal(repoReq!.headers.authorization, `Bearer ${CANARY}`);
    assert.equal(postReq!.path, '/api/chat.postMessage');
    assert.equal(postReq!.headers.authorization, `Bearer ${CANARY}_slack`);
    assert.deepEqual(JSON.parse(postReq!.body), { channel: '#ops', text: 'repo /repos/acme%20inc/r%2F1' });
    assertNoCanary(ex);

    const wrong = await runWorkflow(
      {
        ...workflow,
        nodes: [
          workflow.nodes[0]!,
          { id: 'repo', type: 'github.getRepo', credential: 'sl', params: { owner: 'a', repo: 'b' } },
        ],
        connections: [{ from: 'start', to: 'repo' }],
      },
      { credentials: resolver(gh, slack), serviceBaseUrls: { github: a.url } },
    );
    assert.match(wrong.error!, /credential "sl" is for service "slack", not "github"/);
    const missing = await runWorkflow(
      {
        ...workflow,
        nodes: [workflow.nodes[0]!, { id: 'repo', type: 'github.getRepo', credential: 'gh', params: { owner: 'a' } }],
        connections: [{ from: 'start', to: 'repo' }],
      },
      { credentials: resolver(gh), serviceBaseUrls: { github: a.url } },
    );
    assert.match(missing.error!, /github\.getRepo needs params\.repo/);
  });

  it('masks the run input and errors even when the run stops before any node (a later credential is missing)', async () => {
    const cred: CredentialForRun = {
      id: 'c1',
      name: 'c',
      service: 'custom',
      authType: 'bearer',
      hosts: [a.host],
      value: CANARY,
    };
    const ex = await runWorkflow(
      {
        id: 'wf_in',
        name: 'in',
        nodes: [
          { id: 'one', type: 'http', method: 'GET', url: `${a.url}/1`, credential: 'c1' },
          { id: 'two', type: 'http', method: 'GET', url: `${a.url}/2`, credential: 'gone' },
        ],
        connections: [{ from: 'one', to: 'two' }],
      },
      {
        input: { pasted: `oops ${CANARY}`, nested: [{ b64: Buffer.from(CANARY).toString('base64') }] },
        credentials: resolver(cred),
      },
    );
    assert.equal(ex.status, 'failed');
    assert.match(ex.error!, /credential "gone" does not exist/);
    assert.deepEqual(ex.input, { pasted: 'oops ***', nested: [{ b64: '***' }] });
    assertNoCanary(ex);
  });

  it('does not follow redirects (a credential never travels to the redirect target)', async () => {
    a.respond((req) =>
      req.path === '/go' ? { status: 302, headers: { location: `${b.url}/landed` }, body: '' } : { body: 'ok' },
    );
    const beforeB = b.requests.length;
    const cred: CredentialForRun = {
      id: 'c1',
      name: 'c',
      service: 'custom',
      authType: 'bearer',
      hosts: [a.host, '*.example'],
      value: CANARY,
    };
    const ex = await runWorkflow(
      single({ id: 'call', type: 'http', method: 'GET', url: `${a.url}/go`, credential: 'c1' }),
      {
        credentials: resolver(cred),
      },
    );
    assert.equal((ex.nodes[1]!.output as { status: number }).status, 302);
    assert.equal(b.requests.length, beforeB);
  });

  it('rotation while 60 runs are in flight: none fails, each run uses one value throughout', async () => {
    const OLD = `${CANARY}_old`;
    const NEW = `${CANARY}_new`;
    let current = OLD;
    a.respond((req) => ({ delayMs: 5 + Math.floor(Math.random() * 20), body: { seen: req.headers.authorization } }));
    const cred = (): CredentialForRun => ({
      id: 'rot',
      name: 'r',
      service: 'custom',
      authType: 'bearer',
      hosts: [a.host],
      value: current,
    });
    const workflow: Workflow = {
      id: 'wf_rot',
      name: 'Rotation',
      nodes: [
        { id: 'start', type: 'trigger' },
        {
          id: 'one',
          type: 'http',
          method: 'GET',
          url: `${a.url}/1`,
          credential: 'rot',
          headers: { 'x-run': '{{ $input.i }}' },
        },
        {
          id: 'two',
          type: 'http',
          method: 'GET',
          url: `${a.url}/2`,
          credential: 'rot',
          headers: { 'x-run': '{{ $input.i }}' },
        },
        {
          id: 'three',
          type: 'http',
          method: 'GET',
          url: `${a.url}/3`,
          credential: 'rot',
          headers: { 'x-run': '{{ $input.i }}' },
        },
      ],
      connections: [
        { from: 'start', to: 'one' },
        { from: 'one', to: 'two' },
        { from: 'two', to: 'three' },
      ],
    };
    const before = a.requests.length;
    const runs: Promise<Execution>[] = [];
    for (let i = 0; i < 60; i++) {
      runs.push(runWorkflow(workflow, { input: { i }, credentials: async () => cred() }));
      if (i === 30) current = NEW; // the swap happens while the first 30 are in flight
      await new Promise((r) => setImmediate(r));
    }
    const results = await Promise.all(runs);
    assert.deepEqual(
      results.filter((r) => r.status !== 'succeeded').map((r) => r.error),
      [],
    );
    const sent = a.requests.slice(before);
    assert.equal(sent.length, 180);
    // Group the upstream's view by run: each run's three requests carried the same value.
    const values = new Set(sent.map((r) => r.headers.authorization));
    assert.deepEqual([...values].sort(), [`Bearer ${NEW}`, `Bearer ${OLD}`]);
    const byRun = new Map<string, Set<unknown>>();
    for (const r of sent) {
      const run = String(r.headers['x-run']);
      byRun.set(run, (byRun.get(run) ?? new Set()).add(r.headers.authorization));
    }
    assert.equal(byRun.size, 60);
    for (const [run, used] of byRun)
      assert.equal(used.size, 1, `run ${run} used one value, got ${[...used].join(' / ')}`);
    assert.equal(byRun.get('0')!.has(`Bearer ${OLD}`), true, 'early runs used the old value');
    assert.equal(byRun.get('59')!.has(`Bearer ${NEW}`), true, 'later runs use the new value');
    for (const ex of results) {
      const seen = ex.nodes.slice(1).map((n) => (n.output as { body: { seen: string } }).body.seen);
      assert.deepEqual(seen, ['Bearer ***', 'Bearer ***', 'Bearer ***'], 'masked in the record');
      assertNoCanary(ex, OLD);
      assertNoCanary(ex, NEW);
    }
  });
});
