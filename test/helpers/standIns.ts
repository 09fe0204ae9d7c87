// Local stand-ins for GitHub, Slack, Stripe and Airtable (real HTTP servers on 127.0.0.1, port 0, recording every
// request): they answer the calls the examples in examples/ make, with the fields real APIs return, so a test can run
// those workflows unchanged with `flero run … --service-base-url github=<url> …`.
import { startUpstream, type Upstream } from './upstream';

/** Data in an Airtable row and cookie (not a credential: nothing masks it); the examples must not log it. */
export const ROW_SECRET = 'whsecRowValue_5Tq9pLm2Zx'; // flero-scan:allow (a canary)

const html = (n: number) => `https://github.com/acme/widgets/issues/${n}`;
/** Open issues of acme/widgets: #11 labelled, #13 a pull request; #12 and #14 need triage. */
export const ISSUES = [
  { number: 11, title: 'Crash on empty config', labels: [{ name: 'bug' }], user: { login: 'ana' }, html_url: html(11) },
  { number: 12, title: 'Typo in the install guide', labels: [], user: { login: 'ben' }, html_url: html(12) },
  { number: 13, title: 'Bump dependencies', labels: [], pull_request: { url: 'x' }, user: { login: 'bot' } },
  { number: 14, title: 'Support HTTP proxies', labels: [], user: { login: 'cy' }, html_url: html(14) },
];

export interface StandIns {
  github: Upstream;
  slack: Upstream;
  stripe: Upstream;
  airtable: Upstream;
  /** `--service-base-url` arguments for all four. */
  baseUrlArgs(): string[];
  /** Stripe's available USD balance (cents) from now on. */
  setAvailable(cents: number): void;
  /** The ts (message id) of Slack's last chat.postMessage answer. */
  lastTs(): string;
  slackPosts(): Upstream['requests'];
  close(): Promise<void>;
}

export async function startStandIns(): Promise<StandIns> {
  let available = 0;
  let ts = 0;
  let lastTs = '';
  const github = await startUpstream((req) =>
    req.path === '/repos/acme/widgets/issues' ? { body: ISSUES } : { status: 404, body: { message: 'Not Found' } },
  );
  const slack = await startUpstream((req) => {
    // Slack answers 200 with { ok: false, error } when it refuses.
    if (req.path === '/auth.test') return { body: { ok: true, team: 'Acme', user: 'flero-bot' } };
    if (req.path !== '/chat.postMessage') return { body: { ok: false, error: 'unknown_method' } };
    const { channel, text } = JSON.parse(req.body) as { channel?: string; text?: string };
    if (!channel || !text) return { body: { ok: false, error: 'no_text' } };
    lastTs = `1764684000.00010${++ts}`;
    return { body: { ok: true, channel: 'C0EXAMPLE', ts: lastTs, message: { text } } };
  });
  const stripe = await startUpstream((req) =>
    req.path === '/v1/balance'
      ? {
          body: {
            object: 'balance',
            livemode: false,
            available: [
              { amount: available, currency: 'usd', source_types: { card: available } },
              { amount: 999999, currency: 'eur', source_types: { card: 999999 } },
            ],
            pending: [{ amount: 4200, currency: 'usd', source_types: { card: 4200 } }],
          },
        }
      : { status: 404, body: { error: { message: 'Unrecognized request URL' } } },
  );
  const row = (id: string, Name: string, Active: boolean, secret?: string) => ({
    id,
    createdTime: '2026-11-30T10:00:00.000Z',
    fields: {
      Name,
      Endpoint: `https://hooks.example.com/${id}`,
      Active,
      ...(secret ? { 'Signing secret': secret } : {}),
    },
  });
  const airtable = await startUpstream((req) =>
    req.path === '/v0/appExampleBase01/Webhooks'
      ? {
          headers: { 'set-cookie': `brw=${ROW_SECRET}; path=/` },
          body: {
            records: [
              row('rec1', 'Billing', true, ROW_SECRET),
              row('rec2', 'Shipping', false, `${ROW_SECRET}2`),
              row('rec3', 'Returns', true),
            ],
          },
        }
      : { status: 404, body: { error: 'NOT_FOUND' } },
  );
  const all = { github, slack, stripe, airtable };
  return {
    ...all,
    baseUrlArgs: () => Object.entries(all).flatMap(([s, u]) => ['--service-base-url', `${s}=${u.url}`]),
    setAvailable: (cents) => {
      available = cents;
    },
    lastTs: () => lastTs,
    slackPosts: () => slack.requests.filter((r) => r.path === '/chat.postMessage'),
    close: async () => {
      await Promise.all(Object.values(all).map((u) => u.close()));
    },
  };
}
