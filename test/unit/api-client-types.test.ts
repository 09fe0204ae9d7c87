// Compile-time checks of the typed API client: `npx tsc --noEmit -p .` type-checks this file, and each
// `@ts-expect-error` fails the type check when the line below it compiles (a wrong call that the types let through).
// The function is never called; the one runtime test only keeps the file in the test run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FleroClient } from '../../server/src/apiClient/client';
import type { ApiKey, CreatedApiKey, ExecutionView } from '../../server/src/core/operations';

export async function neverCalled(api: FleroClient): Promise<void> {
  // @ts-expect-error getWorkflow needs its path parameter
  await api.call('getWorkflow');
  // @ts-expect-error …named `id`
  await api.call('getWorkflow', { params: { workflowId: 'x' } });
  // @ts-expect-error a misspelt body field (`nme`), and `scopes` missing
  await api.call('createApiKey', { body: { nme: 'x' } });
  // @ts-expect-error a scope the server does not know
  await api.call('createApiKey', { body: { name: 'x', scopes: ['root'] } });
  // @ts-expect-error createApiKey needs a body
  await api.call('createApiKey');
  // @ts-expect-error an operation the route table does not have
  await api.call('dropDatabase');
  // @ts-expect-error whoami takes no path parameters
  await api.call('whoami', { params: { id: 'x' } });
  // @ts-expect-error listExecutions filters by a known status only
  await api.call('listExecutions', { query: { status: 'done' } });

  // What compiles, with the answer's type from core's schemas.
  const me: ApiKey = await api.call('whoami');
  const created: CreatedApiKey = await api.call('createApiKey', { body: { name: 'x', scopes: ['audit:read'] } });
  const plaintext: string = created.key;
  // @ts-expect-error the metadata of a key never has the key itself
  me.key;
  const run = await api.request('runWorkflow', { params: { id: 'wf' }, body: { input: { a: 1 } } });
  const execution: ExecutionView = run.body;
  const status: 'running' | 'succeeded' | 'failed' | 'cancelled' = execution.status;
  for await (const page of api.pages('listExecutions', { query: { limit: 2 } })) page satisfies ExecutionView[];
  void [plaintext, status];
}

test('the typed client compile-time checks are type-checked by tsc (see the @ts-expect-error lines)', () => {
  assert.equal(typeof neverCalled, 'function');
});
