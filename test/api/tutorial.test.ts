// The README's five-minute tutorial, run as written: its terminal blocks (```sh inside "## A five-minute tutorial")
// are taken from README.md and run in order by `sh -e` in a scratch folder holding a copy of examples/, against the
// stand-in it starts (examples/slack-stand-in.mjs) and a real server on 127.0.0.1 started the way its first block
// says (FLERO_SERVICE_BASE_URLS=slack=<the stand-in>; `npm start` is `node esbuild.mjs && flero serve`, so the test
// runs the built `flero serve` on a free port). Put in: the real ports and the owner key; `npx flero` is the built
// CLI (dist/flero.mjs). The editor-only steps (the quick fix, *Run on server*) are their terminal equivalents here.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exec } from '../helpers/packed';
import { CLI, REPO_ROOT, type RunningServer, startServer } from '../helpers/server';
import { type TmpDir, tmpDir } from '../helpers/tmp';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** The ```sh blocks of the tutorial section, in order, without the Markdown list indentation. */
function tutorialBlocks(): string[] {
  const start = README.indexOf('\n## A five-minute tutorial');
  assert.ok(start >= 0, 'README.md has "## A five-minute tutorial"');
  const rest = README.slice(start + 1);
  const section = rest.slice(0, rest.slice(3).search(/^## /m) + 3);
  return [...section.matchAll(/^( *)```sh\n([\s\S]*?)^\1```$/gm)].map((m) =>
    m[2]!
      .split('\n')
      .map((l) => l.slice(m[1]!.length))
      .join('\n'),
  );
}

function startStandIn(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'examples', 'slack-stand-in.mjs'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url) resolve({ child, url, output: () => out });
    });
    child.on('exit', (code) => reject(new Error(`the stand-in exited (${code}): ${out}`)));
  });
}

describe('README tutorial, as written', () => {
  let standIn: Awaited<ReturnType<typeof startStandIn>>;
  let srv: RunningServer;
  let dir: TmpDir;
  const blocks = tutorialBlocks();

  before(async () => {
    standIn = await startStandIn();
    dir = tmpDir('flero-tutorial');
    cpSync(join(REPO_ROOT, 'examples'), join(dir.path, 'examples'), { recursive: true });
    // `npx flero …` in the scratch folder = the built CLI; any other npx is left alone.
    writeFileSync(
      join(dir.path, 'npx'),
      `#!/bin/sh\nif [ "$1" = flero ]; then shift; exec "${process.execPath}" "${CLI}" "$@"; fi\necho "this test runs only npx flero" >&2; exit 127\n`,
    );
    chmodSync(join(dir.path, 'npx'), 0o755);
  });
  after(async () => {
    standIn?.child.kill('SIGTERM');
    await srv?.stop();
    dir?.remove();
  });

  test('step 1 starts the stand-in and the server with its Slack calls sent there', async () => {
    assert.ok(blocks.length >= 6, `${blocks.length} terminal blocks`);
    const first = blocks[0]!;
    assert.match(first, /^node examples\/slack-stand-in\.mjs &/m);
    const m = /^FLERO_SERVICE_BASE_URLS=(slack=http:\/\/127\.0\.0\.1:9000) npm start/m.exec(first);
    assert.ok(m, first);
    assert.match(standIn.output(), /Slack stand-in listening on/);
    srv = await startServer({ env: { FLERO_SERVICE_BASE_URLS: m[1]!.replace('http://127.0.0.1:9000', standIn.url) } });
    assert.ok(srv.ownerKey);
  });

  test('steps 2–6: a narrow key, cred_slack, lint shows the leak, the fix lints clean, the run posts to Slack', async () => {
    const [, exportBlock, ...steps] = blocks;
    assert.match(exportBlock!, /^export FLERO_SERVER_URL=http:\/\/127\.0\.0\.1:8787 FLERO_API_KEY=flero_sk_…/m);
    const exports = exportBlock!.replace('http://127.0.0.1:8787', srv.url).replace('flero_sk_…', srv.ownerKey!);
    // Each block announced on both streams, so each step's output can be checked on its own.
    const script = [exports, ...steps.map((b, i) => `echo "::step ${i + 2}"; echo "::step ${i + 2}" >&2\n${b}`)].join(
      '\n',
    );
    const r = await exec('sh', ['-e', '-c', script], dir.path, {
      env: { PATH: `${dir.path}:${process.env.PATH}` },
      timeoutMs: 120_000,
    });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const part = (text: string, n: number) => text.split(`::step ${n}\n`)[1]?.split('::step ')[0] ?? '';
    const [out, err] = [(n: number) => part(r.stdout, n), (n: number) => part(r.stderr, n)];

    // 2: the key alone on stdout went into KEY (nothing printed); its details on stderr.
    assert.match(
      err(2),
      /Created key_\w+ "tutorial" \(workflows:read, workflows:write, executions:read, executions:write; workflows ci-deploy-notification; expires /,
    );
    // 3: the credential made and tested against the stand-in.
    assert.match(out(3), /^cred_slack$/m);
    assert.match(out(3) + err(3), /✓ cred_slack: the service accepted it \(HTTP 200\)/);
    // 4: the copy lints clean.
    assert.match(err(4), /1 file\(s\) checked: 0 error\(s\), 0 other problem\(s\)/);
    // 5: the leak is shown, then fixed.
    assert.match(out(5), /deploy\.flero\.json:\d+:\d+ warning log-leak console\.log\(\) logs a whole header object/);
    const fixed = JSON.parse(readFileSync(join(dir.path, 'deploy.flero.json'), 'utf8'));
    const code = fixed.nodes.find((n: { id: string }) => n.id === 'result').code as string;
    assert.match(code, /^const slack = \$node\.post\.body;\nconsole\.log\(\$node\.post\.status\);\n/);
    assert.match(err(5), /1 file\(s\) checked: 0 error\(s\), 0 other problem\(s\)\s*$/);
    // 6: run on the server with the narrow key; the stand-in got the message.
    const ex = JSON.parse(out(6)) as { status: string; workflowId: string; output: { messageId: string } };
    assert.equal(ex.status, 'succeeded');
    assert.equal(ex.workflowId, 'ci-deploy-notification');
    assert.match(err(6), /uploaded ci-deploy-notification to /);
    assert.match(
      standIn.output(),
      new RegExp(
        `slack stand-in: message ${ex.output.messageId.replace('.', '\\.')} to #deploys: :rocket: checkout deployed to \\*staging\\*: main @ 3f2c1a9`,
      ),
    );
    assert.ok(!(r.stdout + r.stderr + standIn.output()).includes(srv.ownerKey!), 'the owner key is never printed');
    assert.ok(!standIn.output().includes('stand-in-accepts-any-token'), 'the stand-in never prints the token');
  });
});
