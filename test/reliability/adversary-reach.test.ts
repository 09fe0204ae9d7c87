// An adversary with a narrow key, against the real built server over loopback: a scope × reach matrix GENERATED from
// THE route table (core/routes.ts). test/api/matrix.test.ts checks each route with "every scope but the needed one"
// and "the needed one alone"; this suite extends the idea to key shapes and to reach:
//  - callers of several shapes (narrow scopes, allow-listed, expiring, a mix of all three, the owner);
//  - every route: without its scope → 403 insufficient_scope naming it, never 2xx, nothing changed;
//  - every key-management route with an `{id}` (read, revoke, and whatever the table adds later): each caller against
//    target keys of every shape → within reach: allowed; outside: 403 privilege_escalation and the target still works;
//  - minting a key of each shape: allowed exactly when it is within reach (one rule for minting and managing);
//  - `GET /api/api-keys` lists exactly the keys within reach; `GET /api/audit` shows exactly the entries the rule
//    admits (compared with the owner's full view), paging included.
// The reach rule is restated here, independently of the server. Bounded: a few hundred requests, 127.0.0.1 only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateKey } from '../../server/src/core/keys';
import { ROUTES, type RouteSpec } from '../../server/src/core/routes';
import { type Scope, SCOPES } from '../../server/src/core/scopes';
import { api, type RunningServer, startServer } from '../helpers/server';

interface Shape {
  scopes: Scope[];
  workflows: 'all' | string[];
  /** ms from the suite's start, or null = never */
  expiresIn: number | null;
}

interface Minted {
  id: string;
  key: string;
  shape: Shape;
  expiresAt: string | null;
}

const HOUR = 3_600_000;
const T0 = Date.now();
const KEY_ADMIN: Scope[] = ['api-keys:read', 'api-keys:write', 'audit:read'];

/** The callers: each probes everything. */
const CALLERS: Record<string, Shape> = {
  narrowScopes: { scopes: KEY_ADMIN, workflows: 'all', expiresIn: null },
  allowListed: { scopes: [...SCOPES], workflows: ['wfA'], expiresIn: null },
  expiring: { scopes: [...SCOPES], workflows: 'all', expiresIn: HOUR },
  mixed: { scopes: [...KEY_ADMIN, 'workflows:read'], workflows: ['wfA', 'wfB'], expiresIn: HOUR },
};

/** Target keys: every dimension of reach, on either side of each caller. */
const TARGETS: Record<string, Shape> = {
  ownerLike: { scopes: [...SCOPES], workflows: 'all', expiresIn: null },
  keyAdmin: { scopes: KEY_ADMIN, workflows: 'all', expiresIn: null },
  readAll: { scopes: ['workflows:read'], workflows: 'all', expiresIn: null },
  readA: { scopes: ['workflows:read'], workflows: ['wfA'], expiresIn: null },
  readAsoon: { scopes: ['workflows:read'], workflows: ['wfA'], expiresIn: HOUR / 2 },
  readAlate: { scopes: ['workflows:read'], workflows: ['wfA'], expiresIn: 2 * HOUR },
  readBsoon: { scopes: ['workflows:read'], workflows: ['wfB'], expiresIn: HOUR / 2 },
  writeAsoon: { scopes: ['workflows:write'], workflows: ['wfA'], expiresIn: HOUR / 2 },
  adminABsoon: { scopes: [...KEY_ADMIN, 'workflows:read'], workflows: ['wfA', 'wfB'], expiresIn: HOUR / 2 },
};

let srv: RunningServer;
let owner: string;
let ownerId: string;
const callers: Record<string, Minted> = {};
let seq = 0;

const expiresAtOf = (s: Shape) => (s.expiresIn === null ? null : new Date(T0 + s.expiresIn).toISOString());

/** The reach rule: could a key of shape `c` (expiring at `cExp`) have minted `t` (expiring at `tExp`)? */
function reaches(c: Shape, cExp: string | null, t: Shape, tExp: string | null): boolean {
  if (!t.scopes.every((s) => c.scopes.includes(s))) return false;
  if (c.workflows !== 'all' && (t.workflows === 'all' || !t.workflows.every((w) => c.workflows.includes(w))))
    return false;
  if (cExp !== null && (tExp === null || Date.parse(tExp) > Date.parse(cExp))) return false;
  return true;
}

async function mint(shape: Shape, key = owner): Promise<Minted> {
  const expiresAt = expiresAtOf(shape);
  const r = await api(srv.url, 'POST', '/api/api-keys', {
    key,
    body: {
      name: `adversary ${++seq}`,
      scopes: shape.scopes,
      workflows: shape.workflows,
      ...(expiresAt ? { expiresAt } : {}),
    },
  });
  assert.equal(r.status, 201, r.text);
  return { id: r.body.id, key: r.body.key, shape, expiresAt };
}

const live = async (k: Minted) => (await api(srv.url, 'GET', '/api/me', { key: k.key })).status === 200;

interface KeyRow {
  id: string;
  scopes: Scope[];
  workflows: 'all' | string[];
  expiresAt: string | null;
}

const shapeOf = (r: KeyRow): Shape => ({ scopes: r.scopes, workflows: r.workflows, expiresIn: null });

before(async () => {
  srv = await startServer({ env: { FLERO_RUN_WAIT_MS: '5000' } });
  owner = srv.ownerKey!;
  ownerId = (await api(srv.url, 'GET', '/api/me', { key: owner })).body.id;
  for (const id of ['wfA', 'wfB']) {
    const w = { id, name: id, nodes: [{ id: 'start', type: 'trigger' }] };
    assert.equal((await api(srv.url, 'POST', '/api/workflows', { key: owner, body: w })).status, 201);
    assert.equal((await api(srv.url, 'POST', `/api/workflows/${id}/run`, { key: owner, body: {} })).status, 200);
  }
  for (const [name, shape] of Object.entries(CALLERS)) callers[name] = await mint(shape);
  await api(srv.url, 'GET', '/api/me', { key: generateKey() }); // a key-less auth.failed entry
});
after(async () => {
  await srv?.stop();
});

/** A harmless id for a route's `{id}`: the probe must be refused before anything happens anyway. */
function pathFor(route: RouteSpec): string {
  const id = route.path.startsWith('/api/workflows/') ? 'wfA' : route.path.startsWith('/api/api-keys/') ? ownerId : 'x';
  return route.path.replace('{id}', encodeURIComponent(id));
}

describe('scopes: every route refuses a caller without its scope (generated from the route table)', () => {
  for (const [name, shape] of Object.entries(CALLERS))
    for (const route of ROUTES.filter(
      (r) => r.scope !== 'none' && r.scope !== 'any' && !shape.scopes.includes(r.scope),
    ))
      test(`${name}: ${route.method} ${route.path} → 403 insufficient_scope (${route.scope})`, async () => {
        const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
        const r = await api(srv.url, route.method, pathFor(route), {
          key: callers[name]!.key,
          ...(hasBody ? { body: {} } : {}),
        });
        assert.equal(r.status, 403, r.text);
        assert.equal(r.body.code, 'insufficient_scope');
        assert.equal(r.body.scope, route.scope);
      });

  test('nothing was changed by the refused requests', async () => {
    assert.ok(await live({ id: ownerId, key: owner, shape: TARGETS.ownerLike!, expiresAt: null }));
    for (const id of ['wfA', 'wfB'])
      assert.equal((await api(srv.url, 'GET', `/api/workflows/${id}`, { key: owner })).status, 200);
  });

  for (const [name, shape] of Object.entries(CALLERS))
    for (const route of ROUTES.filter(
      (r) => r.method === 'GET' && (r.scope === 'any' || (r.scope !== 'none' && shape.scopes.includes(r.scope))),
    ))
      test(`${name}: ${route.method} ${route.path} with the scope → never 401 or insufficient_scope`, async () => {
        const r = await api(srv.url, 'GET', pathFor(route), { key: callers[name]!.key });
        assert.ok(r.status < 500, r.text);
        assert.notEqual(r.status, 401, r.text);
        assert.notEqual(r.body?.code, 'insufficient_scope', r.text);
      });
});

/** Key-management routes acting on one key: generated from the table (read, revoke, and any later addition). */
const KEY_ROUTES = ROUTES.filter((r) => r.path.startsWith('/api/api-keys/{id}'));
const destructive = (r: RouteSpec) => r.method !== 'GET';

describe('reach: key-management routes on keys of every shape', () => {
  test('the table has key-management routes to check', () => {
    assert.ok(KEY_ROUTES.some((r) => r.method === 'GET') && KEY_ROUTES.some((r) => r.method === 'DELETE'));
  });

  for (const [name, cShape] of Object.entries(CALLERS))
    for (const route of KEY_ROUTES)
      test(`${name}: ${route.method} ${route.path} on every target shape`, async () => {
        const caller = callers[name]!;
        const targets: [string, Shape][] = [...Object.entries(TARGETS), ['itself', cShape]];
        for (const [tName, tShape] of targets) {
          // Destructive routes get a fresh target of the shape, so no check disturbs another.
          const target =
            tName === 'itself' && !destructive(route)
              ? caller
              : tName === 'ownerLike' && !destructive(route)
                ? { id: ownerId, key: owner, shape: tShape, expiresAt: null }
                : await mint(tShape);
          const within = reaches(cShape, caller.expiresAt, tShape, target.expiresAt);
          const r = await api(srv.url, route.method, route.path.replace('{id}', target.id), {
            key: caller.key,
            ...(route.method === 'POST' ? { body: {} } : {}),
          });
          const what = `${name} → ${tName} (${within ? 'within' : 'outside'} reach): ${r.status} ${r.text}`;
          if (!cShape.scopes.includes(route.scope as Scope)) {
            assert.equal(r.body.code, 'insufficient_scope', what);
            continue;
          }
          if (within) assert.ok(r.status >= 200 && r.status < 300, what);
          else {
            assert.equal(r.status, 403, what);
            assert.equal(r.body.code, 'privilege_escalation', what);
            assert.ok(!r.text.includes(target.key), 'never the key');
            assert.ok(await live(target), `${what}: the target still works`);
          }
          if (route.method === 'DELETE' && within) assert.ok(!(await live(target)), `${what}: revoked`);
        }
        assert.ok((await live(caller)) || route.method === 'DELETE', 'the caller is untouched');
      });
});

describe('reach: minting is bounded by the same rule', () => {
  for (const [name, cShape] of Object.entries(CALLERS))
    test(`${name}: mints exactly the target shapes within its reach`, async () => {
      const caller = callers[name]!;
      for (const [tName, tShape] of Object.entries(TARGETS)) {
        const within = reaches(cShape, caller.expiresAt, tShape, expiresAtOf(tShape));
        const expiresAt = expiresAtOf(tShape);
        const r = await api(srv.url, 'POST', '/api/api-keys', {
          key: caller.key,
          body: {
            name: `by ${name}`,
            scopes: tShape.scopes,
            workflows: tShape.workflows,
            ...(expiresAt ? { expiresAt } : {}),
          },
        });
        const what = `${name} mints ${tName}: ${r.status} ${r.text.slice(0, 200)}`;
        if (within) assert.equal(r.status, 201, what);
        else {
          assert.equal(r.status, 403, what);
          assert.equal(r.body.code, 'privilege_escalation', what);
        }
      }
    });
});

describe('reach: listings and the audit log', () => {
  test('GET /api/api-keys lists exactly the keys within reach', async () => {
    const all = (await api(srv.url, 'GET', '/api/api-keys', { key: owner })).body as KeyRow[];
    for (const [name, cShape] of Object.entries(CALLERS)) {
      const caller = callers[name]!;
      if (!(await live(caller))) continue;
      const r = await api(srv.url, 'GET', '/api/api-keys', { key: caller.key });
      const want = all.filter((t) => reaches(cShape, caller.expiresAt, shapeOf(t), t.expiresAt)).map((t) => t.id);
      assert.deepEqual(r.body.map((k: KeyRow) => k.id).sort(), want.sort(), name);
      assert.ok(
        r.body.some((k: KeyRow) => k.id === caller.id),
        `${name} lists itself`,
      );
    }
  });

  test('GET /api/audit shows exactly what the rule admits, in full pages', async () => {
    const keys = new Map(
      ((await api(srv.url, 'GET', '/api/api-keys', { key: owner })).body as KeyRow[]).map((k) => [k.id, k]),
    );
    const full = (await api(srv.url, 'GET', '/api/audit?limit=1000', { key: owner })).body as {
      id: number;
      event: string;
      target: string | null;
    }[];
    assert.ok(full.length < 1000, 'the whole log fits one page');
    const top = full[0]!.id + 1;
    for (const [name, cShape] of Object.entries(CALLERS)) {
      const caller = callers[name]!;
      const admits = (e: (typeof full)[number]) => {
        if (e.event.startsWith('key.')) {
          const t = keys.get(e.target ?? '');
          return t !== undefined && reaches(cShape, caller.expiresAt, shapeOf(t), t.expiresAt);
        }
        if (e.event.startsWith('workflow.'))
          return cShape.workflows === 'all' || cShape.workflows.includes(e.target ?? '');
        return cShape.workflows === 'all';
      };
      const want = full.filter(admits).map((e) => e.id);
      const got: number[] = [];
      let before = top;
      for (let page = 0; page < 200; page++) {
        const r = await api(srv.url, 'GET', `/api/audit?limit=7&before=${before}`, { key: caller.key });
        assert.equal(r.status, 200, r.text);
        const ids = r.body.map((e: { id: number }) => e.id);
        got.push(...ids);
        if (ids.length < 7) break;
        before = ids.at(-1);
      }
      assert.deepEqual(got, want, `${name}: the audit entries the rule admits, page by page`);
      if (cShape.workflows !== 'all')
        assert.ok(!full.filter((e) => got.includes(e.id)).some((e) => e.event.startsWith('auth.')));
    }
  });
});
