// The browser tests' rules (test/helpers/chromium.ts): a missing Chromium fails in CI and skips loudly elsewhere;
// screenshots touch the tracked pictures only when asked to.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromiumPlan, screenshotPath, skipBanner } from '../helpers/chromium';
import { REPO_ROOT } from '../helpers/server';

const none = () => false;

test('Chromium present: the browser tests run', () => {
  assert.deepEqual(
    chromiumPlan({}, () => true),
    { run: true },
  );
});

test('Chromium missing: a failure in CI (CI=true) or with FLERO_REQUIRE_CHROMIUM, a loud skip elsewhere', () => {
  for (const env of [{ CI: 'true' }, { CI: '1' }, { FLERO_REQUIRE_CHROMIUM: '1' }]) {
    const plan = chromiumPlan(env, none);
    assert.equal(plan.run, false);
    assert.equal(plan.run === false && plan.fail, true, JSON.stringify(env));
  }
  for (const env of [{}, { CI: 'false' }, { FLERO_REQUIRE_CHROMIUM: '0' }]) {
    const plan = chromiumPlan(env, none);
    assert.equal(plan.run === false && plan.fail, false, JSON.stringify(env));
  }
  const plan = chromiumPlan({ FLERO_E2E_CHROMIUM: '/opt/nope/chrome' }, none);
  assert.ok(plan.run === false && plan.reason.includes('/opt/nope/chrome'));
  assert.match(skipBanner('/api-docs in Chromium', 'no Chromium'), /SKIPPED: \/api-docs in Chromium/);
});

test('screenshots: a temp dir unless FLERO_UPDATE_SCREENSHOTS=1', () => {
  assert.equal(screenshotPath('api-docs.png', {}), join(tmpdir(), 'flero-screenshots', 'api-docs.png'));
  assert.equal(screenshotPath('api-docs.png', { FLERO_UPDATE_SCREENSHOTS: '0' }).startsWith(REPO_ROOT), false);
  assert.equal(
    screenshotPath('api-docs.png', { FLERO_UPDATE_SCREENSHOTS: '1' }),
    join(REPO_ROOT, 'test', 'e2e', 'screenshots', 'api-docs.png'),
  );
});
