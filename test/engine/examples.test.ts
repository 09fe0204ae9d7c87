// The workflows in examples/ as a user runs them: `flero lint` finds nothing, `flero scan` finds nothing, and each
// runs with the built CLI (`flero run examples/… --input … --service-base-url …`, credentials from
// examples/credentials.local.json with canary values in the environment) against local upstreams on 127.0.0.1 that
// answer like GitHub, Stripe, Slack and Airtable. The OAuth2 example runs on a real Flero server (`--server`), its
// credential created with `flero credentials create`, its tokens from a real authorization server (oidc-provider).
// Asserted: exit codes, the run's status and output, what each upstream received (the credential in its header, an
// OAuth2 access token and never the client secret) and no canary in any CLI output.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scanString } from '../reliability/canary';
import { startProvider, type TestProvider } from '../helpers/oauth2Provider';
import { REPO_ROOT, type RunningServer, runCli, startServer } from '../helpers/server';
import { type TmpDir, tmpDir } from '../helpers/tmp';
import { ISSUES, ROW_SECRET, type StandIns, startStandIns } from '../helpers/standIns';
import { startUpstream, type Upstream } from '../helpers/upstream';

const CANARY = {
  GITHUB_TOKEN: 'canaryGithubTok_8Rw2nQx5Lm', // flero-scan:allow (a canary)
  SLACK_BOT_TOKEN: 'canarySlackTok_3Vb7kTz1Pq', // flero-scan:allow (a canary)
  STRIPE_API_KEY: 'canaryStripeKey_6Hn4dWy9Jc', // flero-scan:allow (a canary)
  AIRTABLE_TOKEN: 'canaryAirtableTok_2Fs8mRv5Xe', // flero-scan:allow (a canary)
};
interface Execution {
  status: string;
  error?: string;
  output: Record<string, unknown>;
  nodes: { id: string; status: string; logs: { message: string }[] }[];
}

function noLeaks(text: string, extra: Record<string, string> = {}): void {
  const hits = scanString(text, { canaries: { ...CANARY, ...extra }, flagValidKeys: false });
  assert.deepEqual(
    hits.map((h) => `${h.canary} (${h.form})`),
    [],
    'no canary in the CLI output',
  );
}

let up: StandIns;
before(async () => {
  up = await startStandIns();
});
after(() => up?.close());

async function runExample(file: string, input: Record<string, unknown>) {
  const r = await runCli(['run', join('examples', file), '--input', JSON.stringify(input), ...up.baseUrlArgs()], {
    env: { FLERO_CREDENTIALS: join('examples', 'credentials.local.json'), ...CANARY },
  });
  noLeaks(r.stdout + r.stderr);
  return { ...r, ex: JSON.parse(r.stdout) as Execution };
}

describe('examples', { concurrency: true }, () => {
  describe('lint and scan', { concurrency: false }, () => {
    test('no remote $schema: VS Code would try to fetch it (a warning offline); the extension maps *.flero.json to the schema', () => {
      const files = readdirSync(join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.flero.json'));
      for (const f of files) {
        const doc = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', f), 'utf8')) as { $schema?: string };
        assert.equal(doc.$schema, undefined, `${f} names the schema ${doc.$schema}`);
      }
    });

    test('flero lint: no diagnostic at all, also against the local credentials file', async () => {
      const files = readdirSync(join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.flero.json'));
      assert.equal(files.length, 5, files.join(', '));
      const all = await runCli([
        'lint',
        '--format',
        'json',
        '--max-warnings',
        '0',
        ...files.map((f) => `examples/${f}`),
      ]);
      assert.equal(all.code, 0, all.stdout + all.stderr);
      assert.deepEqual(JSON.parse(all.stdout), []);
      const local = ['github-issue-triage', 'stripe-balance-alert', 'shape-data-safely', 'ci-deploy-notification'];
      const withCreds = await runCli([
        'lint',
        '--format',
        'json',
        '--max-warnings',
        '0',
        '--credentials',
        'examples/credentials.local.json',
        ...local.map((f) => `examples/${f}.flero.json`),
      ]);
      assert.equal(withCreds.code, 0, withCreds.stdout + withCreds.stderr);
      assert.deepEqual(JSON.parse(withCreds.stdout), [], 'unknown-credential and credential-host-mismatch quiet');
    });

    test('the log-leak check is awake on the shaping example: logging a row’s secret is flagged', async (t) => {
      const dir = tmpDir('flero-examples');
      t.after(() => dir.remove());
      const doc = JSON.parse(readFileSync(join(REPO_ROOT, 'examples', 'shape-data-safely.flero.json'), 'utf8'));
      const shape = doc.nodes.find((n: { id: string }) => n.id === 'shape');
      shape.code = shape.code.replace(
        'return {',
        'console.log("first row", rows[0].fields["Signing secret"]);\nreturn {',
      );
      const leaky = join(dir.path, 'leaky.flero.json');
      writeFileSync(leaky, JSON.stringify(doc, null, 2));
      const r = await runCli(['lint', '--format', 'json', leaky]);
      const codes = (JSON.parse(r.stdout) as { code: string }[]).map((d) => d.code);
      assert.deepEqual(codes, ['log-leak'], r.stdout);
    });

    test('flero scan examples: no secrets found', async () => {
      const r = await runCli(['scan', 'examples']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stderr, /no secrets found \(\d+ files scanned/);
    });
  });

  describe('local runs against stand-in services', { concurrency: false }, () => {
    test('github-issue-triage: only the unlabelled issues (no pull request) reach Slack', async () => {
      const sent = up.slackPosts().length;
      const { code, stderr, ex } = await runExample('github-issue-triage.flero.json', {
        owner: 'acme',
        repo: 'widgets',
        channel: '#triage',
      });
      assert.equal(code, 0, stderr);
      assert.equal(ex.status, 'succeeded', ex.error);
      assert.deepEqual(ex.output, {
        repo: 'acme/widgets',
        count: 2,
        numbers: [12, 14],
        channel: 'C0EXAMPLE',
        ts: up.lastTs(),
      });
      const gh = up.github.requests.at(-1)!;
      assert.equal(gh.path, '/repos/acme/widgets/issues');
      assert.deepEqual(gh.query, { state: 'open', per_page: '100' });
      assert.equal(gh.headers.authorization, `Bearer ${CANARY.GITHUB_TOKEN}`);
      assert.equal(up.slackPosts().length, sent + 1, 'one message');
      const post = up.slackPosts().at(-1)!;
      assert.equal(post.headers.authorization, `Bearer ${CANARY.SLACK_BOT_TOKEN}`);
      const body = JSON.parse(post.body) as { channel: string; text: string };
      assert.equal(body.channel, '#triage');
      assert.equal(
        body.text,
        '2 open issue(s) in acme/widgets have no label yet:\n' +
          `• <${ISSUES[1]!.html_url}|#12> Typo in the install guide (by ben)\n` +
          `• <${ISSUES[3]!.html_url}|#14> Support HTTP proxies (by cy)`,
      );
      assert.match(stderr, /\[log\] acme\/widgets: 4 open item\(s\), 2 unlabelled issue\(s\)/);
    });

    test('stripe-balance-alert: posts the numbers when below the threshold, nothing when above', async () => {
      const input = { currency: 'usd', threshold: 50000, channel: '#finance', slackApiUrl: up.slack.url };
      up.setAvailable(12345);
      const sent = up.slackPosts().length;
      const low = await runExample('stripe-balance-alert.flero.json', input);
      assert.equal(low.code, 0, low.stderr);
      assert.equal(low.ex.status, 'succeeded', low.ex.error);
      assert.equal(up.stripe.requests.at(-1)!.headers.authorization, `Bearer ${CANARY.STRIPE_API_KEY}`);
      assert.equal(up.slackPosts().length, sent + 1);
      const post = up.slackPosts().at(-1)!;
      assert.equal(post.headers.authorization, `Bearer ${CANARY.SLACK_BOT_TOKEN}`);
      assert.deepEqual(JSON.parse(post.body), {
        channel: '#finance',
        text: 'Stripe balance is low: 123.45 USD available (threshold 500.00 USD), 42.00 USD pending.',
      });
      assert.deepEqual(low.ex.output, {
        alerted: true,
        available: 12345,
        threshold: 50000,
        currency: 'usd',
        ts: up.lastTs(),
      });

      up.setAvailable(987654);
      const checks = up.slack.requests.filter((r) => r.path === '/auth.test').length;
      const high = await runExample('stripe-balance-alert.flero.json', input);
      assert.equal(high.code, 0, high.stderr);
      assert.equal(high.ex.status, 'succeeded', high.ex.error);
      assert.deepEqual(high.ex.output, {
        alerted: false,
        available: 987654,
        threshold: 50000,
        currency: 'usd',
        ts: null,
      });
      assert.equal(up.slackPosts().length, sent + 1, 'no message when the balance is above the threshold');
      assert.equal(up.slack.requests.filter((r) => r.path === '/auth.test').length, checks + 1, 'only the token check');
      assert.match(high.stderr, /\[log\] available 987654, threshold 50000 usd: no alert/);
    });

    test('stripe-balance-alert: the Slack token follows slackApiUrl only to Slack’s hosts', async () => {
      const sent = up.github.requests.length;
      up.setAvailable(1);
      const r = await runExample('stripe-balance-alert.flero.json', {
        threshold: 50000,
        channel: '#finance',
        slackApiUrl: up.github.url,
      });
      assert.equal(r.code, 1);
      assert.match(
        r.ex.error ?? '',
        /credential "cred_slack" may only be sent to slack\.com, 127\.0\.0\.1:\d+, not to/,
      );
      assert.equal(up.github.requests.length, sent, 'nothing was sent');
    });

    test('shape-data-safely: logs and returns no secret from the response, only a summary', async () => {
      const { code, stderr, ex } = await runExample('shape-data-safely.flero.json', {
        baseId: 'appExampleBase01',
        table: 'Webhooks',
      });
      assert.equal(code, 0, stderr);
      assert.equal(ex.status, 'succeeded', ex.error);
      assert.deepEqual(ex.output, { total: 3, active: ['Billing', 'Returns'], missingSecret: ['Returns'] });
      const req = up.airtable.requests.at(-1)!;
      assert.equal(req.path, '/v0/appExampleBase01/Webhooks');
      assert.equal(req.headers.authorization, `Bearer ${CANARY.AIRTABLE_TOKEN}`);
      const logs = ex.nodes.find((n) => n.id === 'shape')!.logs.map((l) => l.message);
      assert.deepEqual(logs, [
        'Airtable answered 200 with 3 row(s)',
        'rec1 Billing: active',
        'rec2 Shipping: inactive',
        'rec3 Returns: active, no signing secret',
      ]);
      // The response (node `records`, kept in the record as the engine keeps every output) holds the row secrets;
      // nothing the example writes does: its logs (stderr) and its output.
      assert.ok(!stderr.includes(ROW_SECRET), 'no row secret in the logs');
      assert.ok(!JSON.stringify(ex.output).includes(ROW_SECRET));
    });

    test('ci-deploy-notification: the CI input becomes one Slack message; its id is the output', async () => {
      const commit = '3f2c1a9d8e7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a';
      const runUrl = 'https://github.com/acme/checkout/actions/runs/42';
      const input = { service: 'checkout', environment: 'production', branch: 'main', commit, actor: 'ana', runUrl };
      const { code, stderr, ex } = await runExample('ci-deploy-notification.flero.json', {
        ...input,
        channel: '#deploys',
      });
      assert.equal(code, 0, stderr);
      assert.equal(ex.status, 'succeeded', ex.error);
      const post = up.slackPosts().at(-1)!;
      assert.equal(post.headers.authorization, `Bearer ${CANARY.SLACK_BOT_TOKEN}`);
      const body = JSON.parse(post.body) as { channel: string; text: string };
      assert.deepEqual(body, {
        channel: '#deploys',
        text: `:rocket: checkout deployed to *production*: main @ 3f2c1a9 by ana (<${runUrl}|CI run>)`,
      });
      assert.deepEqual(ex.output, {
        messageId: up.lastTs(),
        channel: 'C0EXAMPLE',
        service: 'checkout',
        environment: 'production',
        commit: '3f2c1a9',
      });

      const sent = up.slackPosts().length;
      const missing = await runExample('ci-deploy-notification.flero.json', {
        service: 'checkout',
        channel: '#deploys',
      });
      assert.equal(missing.code, 1);
      assert.match(missing.ex.error ?? '', /node "message" failed: .*the input needs environment, branch, commit/);
      assert.equal(up.slackPosts().length, sent, 'nothing posted');
    });
  });

  describe('oauth2-client-credentials on a Flero server', { concurrency: false }, () => {
    let srv: RunningServer;
    let provider: TestProvider;
    let reports: Upstream;
    let dir: TmpDir;
    const tokens: string[] = [];

    before(async () => {
      dir = tmpDir('flero-examples-oauth2');
      srv = await startServer({ env: { FLERO_MASTER_KEY: '' } });
      provider = await startProvider({ redirectUri: `${srv.url}/oauth2/callback`, ttlSeconds: 300 });
      reports = await startUpstream(async (req) => {
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
        tokens.push(token);
        if (!(await provider.introspect(token))) return { status: 401, body: { error: 'invalid_token' } };
        return { body: { date: req.query.date, orders: 42, revenue: 123456, currency: 'eur', region: 'eu' } };
      });
    });
    after(async () => {
      await reports?.close();
      await provider?.close();
      await srv?.stop();
      dir?.remove();
    });

    test('the server gets an access token from the token endpoint and sends it, never the client secret', async () => {
      const env = { FLERO_API_KEY: srv.ownerKey!, REPORTS_CLIENT_SECRET: provider.svcSecret };
      const created = await runCli(
        [
          ...['credentials', 'create', '--server', srv.url, '--id', 'cred_reports_oauth2', '--name', 'Reports API'],
          ...['--service', 'custom', '--auth-type', 'oauth2', '--grant-type', 'client_credentials'],
          ...[
            '--token-url',
            provider.tokenUrl,
            '--client-id',
            'svc',
            '--scope',
            'api',
            '--host',
            `http://${reports.host}`,
          ],
          ...['--value-env', 'REPORTS_CLIENT_SECRET'],
        ],
        { env },
      );
      assert.equal(created.code, 0, created.stdout + created.stderr);
      const before = provider.tokenRequests();
      const file = join('examples', 'oauth2-client-credentials.flero.json');
      const run = (baseUrl: string) =>
        runCli(['run', file, '--server', srv.url, '--input', JSON.stringify({ baseUrl, date: '2026-12-01' })], { env });
      const r = await run(reports.url);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const ex = JSON.parse(r.stdout) as Execution;
      assert.equal(ex.status, 'succeeded', ex.error);
      assert.deepEqual(ex.output, { date: '2026-12-01', orders: 42, revenue: 123456, currency: 'eur' });
      assert.ok(provider.tokenRequests() > before, 'the token endpoint was asked');
      const sent = tokens.at(-1)!;
      assert.ok(provider.issued().includes(sent), 'the service got an access token the provider issued');
      assert.notEqual(sent, provider.svcSecret);
      assert.ok(!reports.everything().includes(provider.svcSecret), 'the client secret never reached the service');

      // A baseUrl outside the credential's hosts: refused before anything is sent.
      const stray = await startUpstream();
      try {
        const refused = await run(stray.url);
        assert.equal(refused.code, 1);
        assert.match(refused.stdout, /may only be sent to http:\/\/127\.0\.0\.1:\d+, not to http:\/\/127\.0\.0\.1:\d+/);
        assert.equal(stray.requests.length, 0);
        noLeaks(refused.stdout + refused.stderr, { secret: provider.svcSecret });
      } finally {
        await stray.close();
      }
      const issued = Object.fromEntries(provider.issued().map((t, i) => [`token${i}`, t]));
      noLeaks(created.stdout + created.stderr + r.stdout + r.stderr, { secret: provider.svcSecret, ...issued });
    });
  });
});
