// The walkthrough (package.json `contributes.walkthroughs`) and the extension page: every step's media and every picture it shows exist
// under media/ (the .vsix ships media/**), and every command it links is contributed.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { WALKTHROUGH_PICTURES } from '../e2e/lib/walkthroughPictures.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

test('walkthrough steps: media and pictures are packaged files, linked commands exist', () => {
  const commands = new Set(pkg.contributes.commands.map((c: { command: string }) => c.command));
  const steps = pkg.contributes.walkthroughs.flatMap((w: { steps: unknown[] }) => w.steps) as {
    id: string;
    description: string;
    media: { markdown?: string; image?: string };
  }[];
  assert.ok(steps.length >= 6, `only ${steps.length} steps`);
  let pictures = 0;
  for (const s of steps) {
    for (const m of s.description.matchAll(/\(command:([\w.]+)\)/g))
      assert.ok(commands.has(m[1]!), `step ${s.id} links ${m[1]}, which is not contributed`);
    const media = s.media.markdown ?? s.media.image ?? '';
    assert.ok(media.startsWith('media/'), `step ${s.id}: media ${media} is not under media/`);
    assert.ok(existsSync(join(ROOT, media)), `step ${s.id}: ${media} is missing`);
    if (!s.media.markdown) continue;
    const md = readFileSync(join(ROOT, media), 'utf8');
    for (const img of md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) {
      pictures++;
      assert.ok(!/^[a-z]+:/.test(img[1]!), `step ${s.id}: remote picture ${img[1]}`);
      assert.ok(existsSync(join(ROOT, dirname(media), img[1]!)), `step ${s.id}: picture ${img[1]} is missing`);
    }
  }
  assert.ok(pictures >= 4, `only ${pictures} pictures from real runs in the walkthrough`);
});

test("the extension's page (the README vsce packages): pictures it ships, a CHANGELOG, a 128 px icon", () => {
  const script: string = pkg.scripts.package;
  const page = /--readme-path (\S+)/.exec(script)?.[1];
  assert.ok(page, `npm run package does not name the extension page: ${script}`);
  const md = readFileSync(join(ROOT, page), 'utf8');
  const ignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split('\n');
  const images = [...md.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
  assert.ok(images.length >= 3, `only ${images.length} pictures on the extension page`);
  for (const img of images) {
    // Relative to the package root (vsce --no-rewrite-relative-links), shipped by the allowlist's media/**.
    assert.ok(img.startsWith('media/') && ignore.includes('!media/**'), `${img} is not a packaged file`);
    assert.ok(existsSync(join(ROOT, img)), `${img} is missing`);
  }
  assert.ok(ignore.includes('!CHANGELOG.md') && existsSync(join(ROOT, 'CHANGELOG.md')), 'no CHANGELOG.md shipped');
  assert.ok(!ignore.includes('!README.md'), 'README.md would collide with the packaged page (extension/readme.md)');
  const icon = readFileSync(join(ROOT, pkg.icon));
  assert.equal(icon.subarray(1, 4).toString('latin1'), 'PNG');
  assert.deepEqual([icon.readUInt32BE(16), icon.readUInt32BE(20)], [128, 128], 'the icon is not 128×128');
});

test('the Accounts menu: the `flero` authentication provider is contributed and activates the extension on request', () => {
  // Without the contribution VS Code lists the provider only once the extension happens to be active, and another
  // extension's getSession('flero', …) would not start it.
  assert.deepEqual(pkg.contributes.authentication, [{ id: 'flero', label: 'Flero' }]);
  assert.ok(
    pkg.activationEvents.includes('onAuthenticationRequest:flero'),
    `activationEvents: ${pkg.activationEvents.join(', ')}`,
  );
  const registered = readFileSync(join(ROOT, 'client/src/auth.ts'), 'utf8');
  assert.match(registered, /export const AUTH_PROVIDER_ID = 'flero';/);
  assert.match(registered, /registerAuthenticationProvider\(AUTH_PROVIDER_ID, 'Flero'/);
});

test("the walkthrough covers the editor features, and its pictures are the UI suite's screenshots of the same steps", () => {
  const steps = pkg.contributes.walkthroughs.flatMap((w: { steps: { id: string }[] }) => w.steps.map((s) => s.id));
  for (const id of ['connect', 'generateKey', 'addCredential', 'runWorkflow', 'languageStatus', 'editCode', 'graph'])
    assert.ok(steps.includes(id), `no walkthrough step ${id}`);
  const shipped = readdirSync(join(ROOT, 'media/walkthrough')).filter((f) => f.endsWith('.png'));
  assert.deepEqual(shipped.sort(), Object.keys(WALKTHROUGH_PICTURES).sort(), 'a picture without its screenshot');
  for (const [picture, shot] of Object.entries(WALKTHROUGH_PICTURES)) {
    const a = readFileSync(join(ROOT, 'media/walkthrough', picture));
    const b = readFileSync(join(ROOT, 'test/e2e/screenshots', shot));
    assert.ok(a.equals(b), `media/walkthrough/${picture} differs from test/e2e/screenshots/${shot} (run the UI suite)`);
  }
});
