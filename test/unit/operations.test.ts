// The typed API client's types come from core/operations.ts; the server validates and documents with its route
// modules. Both must use the very same schema objects, or the client's types could drift from what the server does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODULES } from '../../server/src/api/routes/index';
import { OPERATIONS } from '../../server/src/core/operations';
import { ROUTES } from '../../server/src/core/routes';

const defs = new Map(MODULES.flatMap((m) => Object.entries(m.routes)));

describe('operations table', () => {
  it('has one entry per route of the route table, and every route has a handler', () => {
    assert.deepEqual(Object.keys(OPERATIONS).sort(), ROUTES.map((r) => r.operationId).sort());
    assert.deepEqual([...defs.keys()].sort(), ROUTES.map((r) => r.operationId).sort());
  });

  for (const route of ROUTES) {
    it(`${route.operationId}: the server's body, query and success schemas are the client's`, () => {
      const op = OPERATIONS[route.operationId as keyof typeof OPERATIONS] as Record<string, unknown>;
      const def = defs.get(route.operationId)!;
      assert.equal(def.body, op.body, 'request body schema');
      assert.equal(def.query, op.query, 'query schema');
      const success = Object.entries(def.responses).filter(([s]) => Number(s) < 300 && Number(s) !== 204);
      for (const [status, doc] of success)
        if (doc.contentType === undefined) assert.equal(doc.schema, op.response, `${status} response schema`);
      if (!success.length) assert.equal(op.response, undefined, 'a 204-only route has no response schema');
    });
  }
});
