// The language status items' text (client/src/model/status.ts) in each connection state, the lint summary, and the
// `flero` authentication provider's scope checks: what a user and another extension read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkScopes, connectionStatus, lintSummary, missingScopes } from '../../client/src/model/status';
import { SCOPES } from '../../server/src/core/scopes';

test('checkScopes: Flero scopes pass; anything else is refused by name, with the valid scopes listed', () => {
  assert.deepEqual(checkScopes(['executions:write', 'audit:read']), ['executions:write', 'audit:read']);
  assert.deepEqual(checkScopes([]), []);
  assert.throws(
    () => checkScopes(['executions:write', 'repo', 'user:email']),
    (e: Error) =>
      e.message.startsWith('Not a Flero scope: "repo", "user:email". Flero scopes are ') &&
      SCOPES.every((s) => e.message.includes(s)),
  );
  assert.throws(() => checkScopes(['Executions:Write']), /Not a Flero scope: "Executions:Write"/);
});

test('missingScopes: the asked scopes the key lacks, in the order asked; none when it has them all', () => {
  const me = { scopes: ['workflows:read', 'executions:write'] as (typeof SCOPES)[number][] };
  assert.deepEqual(missingScopes(me, ['executions:write']), []);
  assert.deepEqual(missingScopes(me, ['audit:read', 'workflows:read', 'keys:write']), ['audit:read', 'keys:write']);
  assert.deepEqual(missingScopes(me, []), []);
});

test('lintSummary counts only the Flero diagnostics, most severe first; worst is error, then warning', () => {
  assert.deepEqual(lintSummary([]), { text: 'no problems', worst: undefined });
  assert.deepEqual(
    lintSummary([
      { source: 'ts', severity: 0 },
      { source: 'json', severity: 1 },
    ]),
    {
      text: 'no problems',
      worst: undefined,
    },
  );
  const d = (severity: number) => ({ source: 'flero', severity });
  assert.deepEqual(lintSummary([d(1), d(0), d(0), d(3)]), { text: '2 errors, 1 warning, 1 info/hint', worst: 0 });
  assert.deepEqual(lintSummary([d(1)]), { text: '1 warning', worst: 1 });
  assert.deepEqual(lintSummary([d(2), d(3)]), { text: '2 info/hints', worst: undefined });
});

test('connection status: server and key, credentials known, and the action that helps in each state', () => {
  const connected = connectionStatus(
    { identity: 'https://flero.example.com', url: 'https://flero.example.com', state: 'connected', me: { name: 'ci' } },
    1,
    false,
  );
  assert.deepEqual(connected, {
    text: '$(key) Flero: ci',
    detail: 'https://flero.example.com · 1 credential known to the checks',
    warning: false,
    busy: false,
    command: { title: 'Open Credentials', command: 'flero.credentials.focus' },
  });
  const none = connectionStatus({ identity: 'local', state: 'noServer' }, 0, false);
  assert.equal(none.text, 'Flero: no server');
  assert.match(none.detail, /SecretStorage · 0 credentials known to the checks/);
  assert.equal(none.command.command, 'flero.startLocalServer');
  assert.equal(connectionStatus({ identity: 'local', state: 'noServer' }, 0, true).busy, true);
  const out = connectionStatus({ identity: 'https://h.example', state: 'signedOut' }, 3, false);
  assert.match(out.text, /signed out$/);
  assert.equal(out.command.command, 'flero.signIn');
  assert.equal(out.warning, false);
  const err = connectionStatus(
    { identity: 'https://h.example', state: 'error', error: 'the key was revoked' },
    2,
    false,
  );
  assert.match(err.text, /^\$\(warning\) Flero: /);
  assert.equal(err.detail, 'the key was revoked · 2 credentials known to the checks');
  assert.equal(err.warning, true);
  assert.equal(err.command.command, 'flero.signIn');
  const busy = connectionStatus({ identity: 'https://h.example', state: 'connecting' }, 0, false);
  assert.equal(busy.busy, true);
  assert.match(busy.text, /connecting…$/, 'a re-check is not shown as signed out');
});
