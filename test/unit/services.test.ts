// The service catalog is data the engine, the API, the language server and the extension all trust: check that every
// entry is internally consistent and that each connector operation builds the request it claims.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostAllowed } from '../../server/src/core/credentials';
import { connectorTypes, defaultPlacementFor, findOperation, SERVICES } from '../../server/src/core/services';
import { CONNECTOR_TYPE_PATTERN } from '../../server/src/core/workflow';
import { buildConnectorRequest } from '../../server/src/engine/connector';

describe('service catalog', () => {
  it('has the services the product promises, with unique ids', () => {
    const ids = SERVICES.map((s) => s.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ['custom', 'github', 'stripe', 'openai', 'slack', 'sendgrid', 'airtable', 'notion'])
      assert.ok(ids.includes(id), id);
  });

  for (const s of SERVICES) {
    it(`${s.id}: base URL within its hosts, a placement for each auth type, a test call, well-formed operations`, () => {
      assert.ok(s.authTypes.length > 0);
      if (s.id === 'custom') {
        assert.equal(s.baseUrl, '');
        assert.deepEqual(s.hosts, [], 'custom credentials name their own hosts');
      } else {
        assert.match(s.baseUrl, /^https:\/\//, 'catalog services are reached over TLS');
        assert.ok(hostAllowed(s.hosts, s.baseUrl), `${s.baseUrl} is not within ${s.hosts.join(', ')}`);
      }
      for (const t of s.authTypes) {
        const p = defaultPlacementFor(s, t);
        assert.ok(Boolean(p.header) !== Boolean(p.query), `${t}: exactly one of header or query`);
      }
      assert.match(s.test.path, /^\//);
      const opIds = s.operations.map((o) => o.id);
      assert.equal(new Set(opIds).size, opIds.length);
      for (const o of s.operations) {
        assert.match(`${s.id}.${o.id}`, CONNECTOR_TYPE_PATTERN);
        assert.match(o.path, /^\//);
        for (const [, name] of o.path.matchAll(/\{([^}]+)\}/g)) {
          const p = o.params.find((x) => x.name === name);
          assert.ok(p?.required, `${s.id}.${o.id}: path param {${name}} must be a required param`);
        }
      }
    });
  }

  it('every connector type resolves, and builds its request from params', () => {
    for (const type of connectorTypes()) {
      const found = findOperation(type);
      assert.ok(found, type);
      const params = Object.fromEntries(found.operation.params.map((p) => [p.name, `v ${p.name}/x`]));
      const built = buildConnectorRequest(type, params, { [found.service.id]: 'http://127.0.0.1:9' });
      assert.ok(built.ok, `${type}: ${built.ok ? '' : built.error}`);
      if (!built.ok) continue;
      assert.equal(built.request.method, found.operation.method);
      assert.ok(built.request.url.startsWith('http://127.0.0.1:9/'), built.request.url);
      assert.ok(!built.request.url.includes('{'), 'path params filled');
      const pathParams = [...found.operation.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      for (const p of pathParams)
        assert.ok(built.request.url.includes(encodeURIComponent(`v ${p}/x`)), `${type}: ${p} encoded`);
      const rest = found.operation.params.map((p) => p.name).filter((n) => !pathParams.includes(n));
      const carried =
        built.request.method === 'GET' || built.request.method === 'DELETE'
          ? (built.request.query ?? {})
          : (built.request.body as Record<string, unknown>);
      assert.deepEqual(Object.keys(carried).sort(), rest.sort(), `${type}: other params carried`);
    }
  });

  it('refuses missing required params and unknown params with the operation’s own list', () => {
    const missing = buildConnectorRequest('slack.postMessage', { channel: '#ops' });
    assert.deepEqual(missing, { ok: false, error: 'slack.postMessage needs params.text' });
    const unknown = buildConnectorRequest('stripe.getBalance', { currency: 'usd' });
    assert.ok(!unknown.ok && /does not take params\.currency \(it takes: no params\)/.test(unknown.error));
    assert.ok(!buildConnectorRequest('nope.op', {}).ok);
  });
});
