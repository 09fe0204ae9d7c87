// The CI recipes in examples/ci/ (GitHub Actions, GitLab CI) are valid YAML of the right shape, are what the README's
// CI section shows, use the example workflow (not a test fixture), roll the CI key in a real job (scheduled or
// manual, not a comment), quote only flags the CLI accepts, and their lint commands run clean with the built CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
// js-yaml (a devDependency, pinned): a YAML 1.2 parser, to read the recipes as CI services do.
import yaml from 'js-yaml';
import { checkCommandLines, cliFlags } from '../helpers/cliFlags';
import { CLI, REPO_ROOT } from '../helpers/server';
import { tmpDir } from '../helpers/tmp';

// biome-ignore lint/suspicious/noExplicitAny: CI files are read as plain YAML
type Json = any;
const read = (f: string) => readFileSync(join(REPO_ROOT, f), 'utf8');
const GITHUB = 'examples/ci/github-actions.yml';
const GITLAB = 'examples/ci/gitlab-ci.yml';
const gh: Json = yaml.load(read(GITHUB));
const gl: Json = yaml.load(read(GITLAB));
const version = JSON.parse(read('package.json')).version as string;

/** Every shell line a GitHub job runs. */
const ghRuns = (job: Json): string[] => (job.steps ?? []).flatMap((s: Json) => (s.run ? [s.run] : []));
/** Every shell line of GitLab jobs (before_script of `default` included). */
const glScripts = (job: Json): string[] => [...(job.before_script ?? []), ...(job.script ?? [])];
const glJobs = Object.entries<Json>(gl).filter(([, v]) => v && typeof v === 'object' && v.script);

describe('CI recipes (examples/ci/)', () => {
  test('GitHub Actions: lint with SARIF upload, the example workflow run on push, a scheduled or manual roll job', () => {
    assert.equal(typeof gh.name, 'string');
    assert.ok(gh.on.push && 'pull_request' in gh.on, 'runs on push and pull requests');
    assert.ok(gh.on.schedule?.[0]?.cron, 'a schedule');
    assert.ok('workflow_dispatch' in gh.on, 'and a manual trigger');
    const { lint, rotate } = gh.jobs;
    const deploy = gh.jobs['deploy-notification'];
    assert.ok(lint.permissions['security-events'] === 'write');
    const upload = lint.steps.find((s: Json) => String(s.uses).startsWith('github/codeql-action/upload-sarif@'));
    assert.ok(upload, 'upload-sarif');
    assert.ok(ghRuns(lint).some((r) => r.includes(`--format sarif`) && r.includes(`> ${upload.with.sarif_file}`)));
    assert.ok(
      ghRuns(deploy).some((r) => r.includes('flero workflows push examples/ci-deploy-notification.flero.json')),
    );
    assert.ok(ghRuns(deploy).some((r) => /flero run ci-deploy-notification --input/.test(r)));
    assert.match(rotate.if, /schedule/);
    assert.match(rotate.if, /workflow_dispatch/);
    assert.ok(ghRuns(rotate).some((r) => /npx flero keys roll "\$KEY_ID" --overlap 24h/.test(r)));
    assert.ok(
      ghRuns(rotate).some((r) => /gh secret set FLERO_API_KEY/.test(r)),
      'the new key is stored',
    );
    assert.ok(ghRuns(rotate).some((r) => /flero credentials rotate cred_slack --value-env SLACK_TOKEN/.test(r)));
    for (const [name, job] of Object.entries<Json>(gh.jobs))
      for (const [k, v] of Object.entries<string>(job.env ?? {}))
        assert.match(v, /^\$\{\{ (secrets|vars)\.\w+ \}\}$/, `${name}: env ${k} comes from secrets or variables`);
  });

  test('GitLab CI: lint keeping the SARIF as an artifact, the example workflow, a scheduled or manual roll job', () => {
    assert.deepEqual(gl.stages, ['lint', 'deploy', 'rotate']);
    const lint = gl['flero-lint'];
    assert.ok(lint.script.some((l: string) => l.includes('--format sarif') && l.includes('> gl-flero.sarif')));
    assert.deepEqual(lint.artifacts, { when: 'always', paths: ['gl-flero.sarif'] });
    assert.ok(
      gl['deploy-notification'].script.some((l: string) =>
        l.includes('flero workflows push examples/ci-deploy-notification.flero.json'),
      ),
    );
    const roll = gl['rotate-ci-key'];
    assert.ok(roll.rules.some((r: Json) => /schedule/.test(r.if)));
    assert.ok(roll.rules.some((r: Json) => r.when === 'manual'));
    assert.ok(roll.script.some((l: string) => /flero keys roll "\$KEY_ID" --overlap 24h/.test(l)));
    assert.ok(
      roll.script.some((l: string) => /variables\/FLERO_API_KEY/.test(l)),
      'the new key is stored',
    );
    assert.ok(gl['rotate-slack'].script.some((l: string) => /flero credentials rotate cred_slack/.test(l)));
  });

  test('both: the example workflow, not a fixture; the tarball of this version; only flags the CLI accepts', async () => {
    const flags = await cliFlags();
    const lines = [
      ...Object.values<Json>(gh.jobs).flatMap(ghRuns),
      ...glScripts(gl.default),
      ...glJobs.flatMap(([, j]) => glScripts(j)),
    ];
    assert.ok(lines.length > 10);
    for (const f of [GITHUB, GITLAB]) {
      const text = read(f);
      assert.ok(!/test\/|fixtures|deploy_notify|workflows\/\*/.test(text), `${f} names a test fixture`);
      for (const m of text.matchAll(/flero-vscode-([\d.]+)\.tgz/g)) assert.equal(m[1], version, f);
    }
    assert.deepEqual(
      checkCommandLines(lines, flags).map((p) => `${p.problem} — ${p.line}`),
      [],
    );
  });

  test("the README's CI section shows both files as they are, and says GitLab keeps SARIF only as an artifact", () => {
    const readme = read('README.md');
    for (const f of [GITHUB, GITLAB])
      assert.ok(readme.includes(`\`\`\`yaml\n${read(f)}\`\`\``), `README.md shows ${f} verbatim in a yaml block`);
    assert.match(readme, /GitLab does not show SARIF/);
  });

  describe('their lint commands, run', () => {
    const dir = tmpDir('flero-ci-recipes');
    after(() => dir.remove());
    test('every `npx flero lint …` line of both files passes on examples/ (the built CLI for npx flero)', () => {
      writeFileSync(
        join(dir.path, 'npx'),
        `#!/bin/sh\n[ "$1" = flero ] || exit 127\nshift\nexec "${process.execPath}" "${CLI}" "$@"\n`,
      );
      chmodSync(join(dir.path, 'npx'), 0o755);
      const lints = [...Object.values<Json>(gh.jobs).flatMap(ghRuns), ...glJobs.flatMap(([, j]) => glScripts(j))]
        .filter((l) => l.startsWith('npx flero lint'))
        .map((l) => l.replace(/> (\S+\.sarif)/, `> ${dir.path}/$1`));
      assert.equal(lints.length, 4);
      for (const line of lints) {
        const r = spawnSync('sh', ['-e', '-c', line], {
          cwd: REPO_ROOT,
          env: { ...process.env, PATH: `${dir.path}:${process.env.PATH}` },
          encoding: 'utf8',
        });
        assert.equal(r.status, 0, `${line}\n${r.stdout}${r.stderr}`);
      }
      const sarif = JSON.parse(readFileSync(join(dir.path, 'flero.sarif'), 'utf8'));
      assert.equal(sarif.version, '2.1.0');
    });
  });
});
