// fast-check generators for requests against the Flero API: methods, paths built from the route table (and junk),
// Authorization values (valid keys with random scopes, revoked, expired, malformed, repeated), content types and
// bodies (valid-looking documents per route, random JSON, malformed JSON, oversized bodies).
import fc from 'fast-check';
import { SCOPES } from '../../../server/src/core/scopes';
import { ROUTES, type RouteSpec } from '../../../server/src/core/routes';

export type AuthChoice =
  | { kind: 'none' }
  | { kind: 'key'; index: number; scheme: string }
  | { kind: 'raw'; value: string }
  | { kind: 'double'; index: number };

export type BodyChoice =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; value: string }
  | { kind: 'huge'; bytes: number };

export interface FuzzRequest {
  method: string;
  path: string;
  auth: AuthChoice;
  contentType: string | undefined;
  headers: [string, string][];
  body: BodyChoice;
}

export interface FuzzWorld {
  /** Ids that exist (or existed) on the server, mixed into paths. */
  ids: string[];
  /** How many keys `AuthChoice.index` may point at. */
  keyCount: number;
  /** A host:port of a local upstream the generated workflows may call. */
  upstreamHost: string;
  /** A canary credential value that bodies may carry. */
  credentialCanary: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PROPFIND', 'FOO', 'get'];

const text = (max = 40) => fc.string({ maxLength: max });
const idish = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/);
const nodeId = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/);

function idArb(world: FuzzWorld): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...world.ids) },
    { weight: 2, arbitrary: idish },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }).map(encodeURIComponent) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('..', '%2e%2e', '%00', '%ZZ', '%', 'a%2Fb', '%20', '%C3%A9', '~', "'", '"', '<x>'),
    },
    { weight: 1, arbitrary: fc.integer({ min: 65, max: 5000 }).map((n) => 'x'.repeat(n)) },
  );
}

function pathArb(world: FuzzWorld): fc.Arbitrary<string> {
  const template = fc.constantFrom(...ROUTES.map((r) => r.path));
  const fromRoute = fc
    .tuple(
      template,
      idArb(world),
      fc.constantFrom('', '', '', '/', '//', '/extra', '/run/x'),
      fc.oneof(
        fc.constant(''),
        fc.constant(''),
        fc.string({ maxLength: 20 }).map((s) => `?q=${encodeURIComponent(s)}`),
        fc.constantFrom('?', '?a=1&a=2', '?%ZZ', '?limit=-1', '?limit=99999999999', '?cursor=%00'),
      ),
    )
    .map(([t, id, suffix, query]) => t.replace('{id}', id) + suffix + query);
  const junk = fc
    .array(fc.oneof(idish, fc.constantFrom('api', 'workflows', 'api-keys', '..', '.', '', '%2F')), { maxLength: 5 })
    .map((segs) => `/${segs.join('/')}`);
  const caseMangled = template.map((t) => t.replace('{id}', 'x').toUpperCase());
  return fc.oneof(
    { weight: 8, arbitrary: fromRoute },
    { weight: 1, arbitrary: junk },
    { weight: 1, arbitrary: caseMangled },
  );
}

function authArb(world: FuzzWorld): fc.Arbitrary<AuthChoice> {
  const index = fc.nat({ max: world.keyCount - 1 });
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
    // the owner key (all scopes, all workflows), so that writes succeed and the state keeps changing
    { weight: 5, arbitrary: fc.constant({ kind: 'key' as const, index: 0, scheme: 'Bearer' }) },
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('key' as const),
        index,
        scheme: fc.constantFrom('Bearer', 'Bearer', 'bearer', 'BEARER', 'Basic', 'Token', 'Bearer  '),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('raw' as const),
        value: fc.oneof(
          fc.constantFrom(
            'Bearer',
            'Bearer ',
            'Bearer flero_sk_',
            'Bearer flero_sk_000000000000000000000000000000000000',
            'Bearer a b c',
            'Basic Zm9vOmJhcg==', // flero-scan:allow
            '',
          ),
          fc.string({ maxLength: 60 }).map((s) => `Bearer ${s.replace(/[\r\n\0]/g, '')}`),
          fc.stringMatching(/^[\x21-\x7e]{0,80}$/),
          fc.integer({ min: 5_000, max: 20_000 }).map((n) => `Bearer ${'A'.repeat(n)}`),
        ),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('double' as const), index }) },
  );
}

function validWorkflowArb(world: FuzzWorld): fc.Arbitrary<unknown> {
  return fc
    .record({
      id: fc.oneof(fc.constantFrom(...world.ids.slice(0, 2)), fc.stringMatching(/^wf_[a-z0-9]{1,10}$/)),
      code: fc.constantFrom('return 1;', 'return $input;', 'console.log("hi"); return { a: 1 };', 'while (true) {}'),
      http: fc.boolean(),
    })
    .map(({ id, code, http }) => ({
      id,
      name: `fuzz ${id}`,
      nodes: [
        { id: 'start', type: 'trigger' },
        { id: 'calc', type: 'code', code, timeoutMs: 50 },
        ...(http
          ? [{ id: 'call', type: 'http', method: 'GET', url: `http://${world.upstreamHost}/ok`, timeoutMs: 2000 }]
          : []),
      ],
      connections: [{ from: 'start', to: 'calc' }, ...(http ? [{ from: 'calc', to: 'call' }] : [])],
    }));
}

function workflowArb(world: FuzzWorld): fc.Arbitrary<unknown> {
  return fc.oneof(validWorkflowArb(world), anyWorkflowArb(world));
}

function anyWorkflowArb(world: FuzzWorld): fc.Arbitrary<unknown> {
  const node = fc.oneof(
    fc.record({ id: nodeId, type: fc.constant('trigger') }),
    fc.record({
      id: nodeId,
      type: fc.constant('code'),
      code: fc.constantFrom(
        'return 1;',
        'return $input;',
        'console.log("hi"); return { a: 1 };',
        'throw new Error("boom")',
        'while (true) {}',
        'return $node.nope.x;',
        'syntax error here(',
      ),
      timeoutMs: fc.constantFrom(20, 50),
    }),
    fc.record({
      id: nodeId,
      type: fc.constant('http'),
      method: fc.constantFrom('GET', 'POST'),
      url: fc.constantFrom(
        `http://${world.upstreamHost}/ok`,
        `http://${world.upstreamHost}/{{ $input.p }}`,
        'not a url',
      ),
      timeoutMs: fc.constant(2000),
    }),
    fc.record({ id: nodeId, type: fc.constantFrom('nope', 'x.y', 'http'), extra: fc.jsonValue({ maxDepth: 1 }) }),
  );
  return fc
    .record({
      id: fc.oneof(fc.constantFrom(...world.ids), idish, text(10)),
      name: fc.oneof(text(20), fc.constant('')),
      nodes: fc.array(node, { minLength: 0, maxLength: 5 }),
      connections: fc.array(fc.record({ from: nodeId, to: nodeId }), { maxLength: 4 }),
    })
    .chain((wf) =>
      fc.oneof(
        { weight: 3, arbitrary: fc.constant(wf) },
        {
          // make connections point at real nodes so some documents are valid graphs
          weight: 3,
          arbitrary: fc.constant({
            ...wf,
            nodes: [{ id: 'start', type: 'trigger' }, ...wf.nodes.filter((n) => n.id !== 'start')],
            connections: wf.nodes
              .filter((n) => n.id !== 'start')
              .slice(0, 1)
              .map((n) => ({ from: 'start', to: n.id })),
          }),
        },
        { weight: 1, arbitrary: fc.constant({ ...wf, surprise: true }) },
      ),
    );
}

function apiKeyBodyArb(world: FuzzWorld): fc.Arbitrary<unknown> {
  const valid = fc.record({
    name: fc.stringMatching(/^[a-z][a-z0-9 ]{0,20}$/),
    scopes: fc.subarray([...SCOPES], { minLength: 1 }),
    workflows: fc.oneof(fc.constant('all'), fc.subarray(world.ids.slice(0, 2), { minLength: 1 })),
    expiresAt: fc.constantFrom('2099-01-01T00:00:00Z', undefined),
  });
  return fc.oneof(valid, apiKeyJunkArb(world));
}

function apiKeyJunkArb(world: FuzzWorld): fc.Arbitrary<unknown> {
  return fc.record(
    {
      name: fc.oneof(text(30), fc.constant('')),
      scopes: fc.oneof(fc.subarray([...SCOPES]), fc.array(text(12), { maxLength: 3 })),
      workflows: fc.oneof(
        fc.constant('all'),
        fc.array(fc.constantFrom(...world.ids), { maxLength: 3 }),
        fc.constant([]),
      ),
      expiresAt: fc.oneof(
        fc.constantFrom('2099-01-01T00:00:00Z', '2001-01-01T00:00:00Z', 'tomorrow', ''),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      ),
    },
    { requiredKeys: [] },
  );
}

function credentialBodyArb(world: FuzzWorld): fc.Arbitrary<unknown> {
  const valid = fc.record({
    id: fc.stringMatching(/^cred_[a-z0-9]{1,12}$/),
    name: fc.constant('fuzz credential'),
    service: fc.constant('custom'),
    authType: fc.constantFrom('bearer', 'apiKey'),
    value: fc.constant(world.credentialCanary),
    header: fc.constant({ name: 'X-API-Key', prefix: '' }),
    hosts: fc.constant([world.upstreamHost]),
  });
  return fc.oneof(valid, credentialJunkArb(world));
}

function credentialJunkArb(world: FuzzWorld): fc.Arbitrary<unknown> {
  return fc.record(
    {
      id: fc.oneof(fc.constantFrom(...world.ids), idish),
      name: text(20),
      service: fc.constantFrom('custom', 'custom', 'nope', ''),
      authType: fc.constantFrom('bearer', 'apiKey', 'basic'),
      value: fc.oneof(fc.constant(world.credentialCanary), text(5), fc.constant('')),
      header: fc.record({
        name: fc.constantFrom('X-API-Key', 'Authorization', ''),
        prefix: fc.constantFrom('', 'Bearer '),
      }),
      hosts: fc.oneof(fc.constant([world.upstreamHost]), fc.array(text(10), { maxLength: 2 })),
    },
    { requiredKeys: [] },
  );
}

function bodyArb(world: FuzzWorld): fc.Arbitrary<BodyChoice> {
  const json = (a: fc.Arbitrary<unknown>) => a.map((value) => ({ kind: 'json' as const, value }));
  return fc.oneof(
    { weight: 80, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 60, arbitrary: json(workflowArb(world)) },
    { weight: 60, arbitrary: json(apiKeyBodyArb(world)) },
    { weight: 60, arbitrary: json(credentialBodyArb(world)) },
    { weight: 40, arbitrary: json(fc.record({ input: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: [] })) },
    {
      weight: 20,
      arbitrary: json(fc.record({ value: fc.constant(world.credentialCanary), name: text(10) }, { requiredKeys: [] })),
    },
    { weight: 40, arbitrary: json(fc.jsonValue({ maxDepth: 4 })) },
    {
      weight: 40,
      arbitrary: fc
        .oneof(
          fc.string({ maxLength: 60 }),
          fc.constantFrom('{', '{"a":', '[1,2', 'null', '"str"', '{"__proto__":{"x":1}}', '\u0000', '{}{}'),
          fc.integer({ min: 1000, max: 20_000 }).map((n) => '['.repeat(n)),
        )
        .map((value) => ({ kind: 'text' as const, value })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'huge' as const, bytes: 1024 * 1024 + 17 }) },
  );
}

export function requestArb(world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const headerName = fc.stringMatching(/^x-[a-z0-9-]{1,16}$/);
  const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,40}$/).map((s) => s.trim());
  // Mostly a route's own method, an existing id and a body meant for that route (so requests reach auth, scopes,
  // validation and the handlers and change state), sometimes anything.
  const json = (a: fc.Arbitrary<unknown>) => a.map((value): BodyChoice => ({ kind: 'json', value }));
  const bodyFor = (route: RouteSpec): fc.Arbitrary<BodyChoice> => {
    const key = `${route.method} ${route.path}`;
    if (key === 'POST /api/workflows' || key === 'PUT /api/workflows/{id}') return json(workflowArb(world));
    if (key === 'POST /api/api-keys') return json(apiKeyBodyArb(world));
    if (key === 'POST /api/credentials') return json(credentialBodyArb(world));
    if (key === 'PATCH /api/credentials/{id}')
      return json(fc.record({ value: fc.constant(world.credentialCanary), name: text(10) }, { requiredKeys: [] }));
    if (key === 'POST /api/workflows/{id}/run') return json(fc.record({ input: fc.jsonValue({ maxDepth: 2 }) }));
    return fc.constant({ kind: 'none' });
  };
  // Every arbitrary is built once (building fc.stringMatching & co. per generated value is slow).
  const anyPath = pathArb(world);
  const anyBody = bodyArb(world);
  const knownId = fc.constantFrom(...world.ids);
  const perRoute = ROUTES.map((route) =>
    fc.tuple(
      fc.constant(route.method),
      fc.oneof(
        { weight: 3, arbitrary: knownId.map((id) => route.path.replace('{id}', id)) },
        { weight: 1, arbitrary: anyPath },
      ),
      fc.oneof({ weight: 2, arbitrary: bodyFor(route) }, { weight: 1, arbitrary: anyBody }),
    ),
  );
  const methodAndPath = fc.oneof(
    { weight: 3, arbitrary: fc.oneof(...perRoute) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...METHODS), anyPath, anyBody) },
  );
  return fc
    .record({
      methodAndPath,
      auth: authArb(world),
      contentType: fc.constantFrom(
        'application/json',
        'application/json',
        'application/json',
        'application/json; charset=utf-8',
        'application/merge-patch+json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-16',
        undefined,
      ),
      headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 3 }),
    })
    .map(({ methodAndPath: [method, path, body], ...rest }) => ({ method, path, body, ...rest }));
}
