// Pure logic of "credentials that stay healthy" (issue 12): key expiry warnings and their thresholds, the status bar's
// days left, tooltips with expiry and last use, roll overlaps, rotation refusals and the undoable credential menu.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KeyInfo, ServerCredential } from '../../client/src/model/apiTypes';
import {
  daysLeft,
  DEFAULT_OVERLAP,
  expiresText,
  expiryWarnings,
  KEY_STATE_ICONS,
  OVERLAP_CHOICES,
  remainingText,
  statusDaysLeft,
} from '../../client/src/model/expiry';
import { rotatedText, rotationRefusal } from '../../client/src/model/rotation';
import { canUndoRotation, credentialNodes, keyNodes, lastUsedText } from '../../client/src/model/tree';

const NOW = new Date('2026-12-02T10:00:00.000Z');
const at = (days: number) => new Date(NOW.getTime() + days * 86_400_000).toISOString();

function key(k: Partial<KeyInfo> & { id: string }): KeyInfo {
  return {
    name: k.id,
    start: 'flero_sk_abcd',
    scopes: ['workflows:read'],
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

describe('expiry warnings', () => {
  it('warns within 7 days, again within 1 day, once per key and threshold', () => {
    const keys = [
      key({ id: 'k_far', expiresAt: at(30) }),
      key({ id: 'k_week', name: 'CI', expiresAt: at(3) }),
      key({ id: 'k_day', expiresAt: at(0.5) }),
      key({ id: 'k_none' }),
    ];
    const first = expiryWarnings(keys, new Set(), NOW);
    assert.deepEqual(
      first.map((w) => [w.keyId, w.threshold, w.memo]),
      [
        ['k_week', 7, 'k_week@7d'],
        ['k_day', 1, 'k_day@1d'],
      ],
    );
    assert.match(first[0]!.message, /"CI" expires in 3 days \(2026-12-05 10:00 UTC\)/);
    assert.match(first[0]!.message, /Roll it now/);
    // Shown once: the memo suppresses it.
    assert.deepEqual(expiryWarnings(keys, new Set(first.map((w) => w.memo)), NOW), []);
    // The 7-day key, two and a half days later, is within a day: warned again.
    const later = new Date(NOW.getTime() + 2.5 * 86_400_000);
    assert.deepEqual(
      expiryWarnings(keys, new Set(first.map((w) => w.memo)), later).map((w) => w.memo),
      ['k_week@1d'],
    );
  });

  it('skips revoked, expired and rolled keys; the signed-in key is named so and listed once', () => {
    const me = { ...key({ id: 'k_me', name: 'owner', expiresAt: at(2) }), own: true };
    const keys = [
      me,
      key({ id: 'k_me', name: 'owner', expiresAt: at(2) }),
      key({ id: 'k_rev', expiresAt: at(2), revokedAt: at(-1) }),
      key({ id: 'k_exp', expiresAt: at(-1) }),
      key({ id: 'k_rolled', expiresAt: at(0.9), rolledTo: 'k_new' }),
    ];
    const w = expiryWarnings(keys, new Set(), NOW);
    assert.deepEqual(
      w.map((x) => x.keyId),
      ['k_me'],
    );
    assert.match(w[0]!.message, /the one you are signed in with/);
  });

  it('the status bar shows days left under 7 days, urgent under 1 day', () => {
    assert.equal(statusDaysLeft(null, NOW), undefined);
    assert.equal(statusDaysLeft(at(30), NOW), undefined);
    assert.deepEqual(statusDaysLeft(at(3.5), NOW), { text: '3d left', urgent: false });
    assert.deepEqual(statusDaysLeft(at(0.25), NOW), { text: '6h left', urgent: true });
    assert.deepEqual(statusDaysLeft(at(-1), NOW), { text: 'expired', urgent: true });
    assert.equal(daysLeft(at(3.5), NOW), 3);
    assert.equal(daysLeft(at(-1), NOW), undefined);
  });
});

describe('key tooltips and icons', () => {
  it('expiring keys get a warning icon and "Expires in N days (date)", expired ones an error icon', () => {
    assert.deepEqual(KEY_STATE_ICONS.expiring, { id: 'warning', color: 'list.warningForeground' });
    assert.deepEqual(KEY_STATE_ICONS.expired, { id: 'error', color: 'list.errorForeground' });
    const [soon, gone] = keyNodes(
      [key({ id: 'k_soon', expiresAt: at(2) }), key({ id: 'k_gone', expiresAt: at(-2) })],
      NOW,
    );
    assert.match(soon!.tooltip!, /Expires in 2 days \(2026-12-04 10:00 UTC\)/);
    assert.equal(soon!.icon?.id, 'warning');
    assert.match(gone!.tooltip!, /Expired 2 days ago/);
    assert.equal(gone!.icon?.id, 'error');
    assert.equal(expiresText(null, NOW), undefined);
    // A key made with a 2-day lifetime a moment ago expires "in 2 days", not "in 1 day".
    assert.equal(remainingText(new Date(NOW.getTime() + 2 * 86_400_000 - 5).toISOString(), NOW), 'in 2 days');
    assert.equal(remainingText(at(0.5), NOW), 'in 12 hours');
    assert.equal(remainingText(at(0.01), NOW), 'in 14 minutes');
    const fresh = keyNodes(
      [key({ id: 'k_new', expiresAt: new Date(NOW.getTime() + 2 * 86_400_000 - 5).toISOString() })],
      NOW,
    );
    assert.match(fresh[0]!.tooltip!, /Expires in 2 days \(/);
  });

  it('shows the last use with address and client when the server sends them', () => {
    const used = key({ id: 'k_u', lastUsedAt: '2026-12-02T09:00:00.000Z' });
    assert.equal(lastUsedText(used, NOW), 'Last used 2026-12-02 09:00 UTC (1 hour ago)');
    const withIp = { ...used, lastUsedIp: '127.0.0.1', lastUsedUserAgent: 'curl/8.5' } as KeyInfo;
    assert.equal(lastUsedText(withIp, NOW), 'Last used 2026-12-02 09:00 UTC (1 hour ago) from 127.0.0.1 (curl/8.5)');
    const nulls = { ...used, lastUsedIp: null, lastUsedUserAgent: null } as unknown as KeyInfo;
    assert.equal(lastUsedText(nulls, NOW), 'Last used 2026-12-02 09:00 UTC (1 hour ago)');
    assert.equal(lastUsedText(key({ id: 'k_n' }), NOW), 'Last used: never');
    assert.match(keyNodes([withIp], NOW)[0]!.tooltip!, /from 127\.0\.0\.1 \(curl\/8\.5\)/);
  });

  it('a rolled key is not offered "Roll" again (context value), but can still be revoked', () => {
    const [n] = keyNodes([key({ id: 'k_r', expiresAt: at(0.5), rolledTo: 'k_new' })], NOW);
    assert.equal(n!.contextValue, 'flero.apiKey.expiring.rolled');
    assert.match(n!.tooltip!, /replaced by k_new/);
  });

  it('offers the overlaps none / 1 hour / 24 hours (default) / 7 days', () => {
    assert.deepEqual(
      OVERLAP_CHOICES.map((c) => [c.label, c.overlap]),
      [
        ['None', '0s'],
        ['1 hour', '1h'],
        ['24 hours', '24h'],
        ['7 days', '7d'],
      ],
    );
    assert.equal(DEFAULT_OVERLAP, '24h');
  });
});

describe('credential rotation', () => {
  it('explains the 409s of a rotation in the user’s words; other errors are not its business', () => {
    const failed = rotationRefusal(
      { status: 409, problem: { code: 'rotation_test_failed', detail: 'HTTP 401 from api.example.com.' } },
      'cred_a',
    );
    assert.deepEqual(failed, {
      kind: 'testFailed',
      message: 'The service refused the new value for "cred_a": HTTP 401 from api.example.com. Nothing was changed.',
    });
    const verdict = rotationRefusal(
      {
        status: 409,
        problem: { code: 'rotation_test_failed', detail: { ok: false, status: 403, detail: 'forbidden' } as never },
      },
      'cred_a',
    );
    assert.match(verdict!.message, /refused the new value for "cred_a": HTTP 403: forbidden\. Nothing was changed\./);
    assert.equal(rotationRefusal({ status: 409, problem: { code: 'value_unchanged' } }, 'c')?.kind, 'unchanged');
    assert.match(rotationRefusal({ status: 409, problem: { code: 'value_reused' } }, 'c')!.message, /had before/);
    assert.equal(rotationRefusal({ status: 409, problem: { code: 'conflict' } }, 'c'), undefined);
    assert.equal(rotationRefusal({ status: 400, problem: { code: 'value_reused' } }, 'c'), undefined);
    assert.equal(rotatedText('cred_a', 3), 'Rotated cred_a (version 3).');
  });

  it('marks a server credential undoable while rollbackUntil is in the future', () => {
    const cred = (rollbackUntil: string | null): ServerCredential => ({
      id: 'cred_s',
      name: 'S',
      service: 'generic',
      authType: 'apiKey',
      last4: null,
      version: 2,
      createdAt: at(-1),
      updatedAt: at(-1),
      rotatedAt: at(-0.1),
      rollbackUntil,
    });
    assert.equal(canUndoRotation({ rollbackUntil: at(0.5) }, NOW), true);
    assert.equal(canUndoRotation({ rollbackUntil: at(-0.5) }, NOW), false);
    assert.equal(canUndoRotation({ rollbackUntil: null }, NOW), false);
    const [undoable] = credentialNodes([], [cred(at(0.5))], NOW);
    assert.equal(undoable!.contextValue, 'flero.credential.server.undoable');
    assert.match(undoable!.tooltip!, /Version: 2\nThe last rotation can be undone until 2026-12-02 22:00 UTC/);
    const [past] = credentialNodes([], [cred(at(-0.5))], NOW);
    assert.equal(past!.contextValue, 'flero.credential.server');
  });
});
