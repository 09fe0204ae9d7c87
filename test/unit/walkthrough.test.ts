// The walkthrough (package.json `contributes.walkthroughs`): every step's media and every picture it shows exist
// under media/ (the .vsix ships media/**), and every command it links is contributed.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

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
