// Example requests and responses of the OpenAPI document, one per entity, shared by the route modules' `examples`
// (test/api/openapi-docs.test.ts validates each against its operation's schema). A key is never shown whole: a
// created key appears masked, so no example is a working key — nor looks like one to a secret scanner.
import { DEFAULT_KEY_PREFIX, START_LENGTH } from '../core/keys';
import { SERVICES } from '../core/services';
import { FLERO_VERSION } from '../core/version';

const start = `${DEFAULT_KEY_PREFIX}7Qm2`;
/** A created key as the examples show it: the prefix and `start`, the rest masked. */
export const MASKED_KEY = start + '•'.repeat(36 - START_LENGTH);

export const API_KEY = {
  id: 'key_3hT9kQ2mZ8vN1xLp',
  name: 'ci-deploy',
  start,
  scopes: ['workflows:read', 'executions:write'],
  workflows: ['hello-world'],
  expiresAt: '2027-01-31T00:00:00.000Z',
  createdAt: '2026-11-02T09:30:00.000Z',
  lastUsedAt: '2026-11-20T14:05:12.000Z',
  lastUsedIp: '203.0.113.7',
  lastUsedUserAgent: 'curl/8.5.0',
  revokedAt: null,
  rolledFrom: null,
  rolledTo: null,
};

export const CREATE_API_KEY = {
  name: 'ci-deploy',
  scopes: ['workflows:read', 'executions:write'],
  workflows: ['hello-world'],
  expiresIn: '90d',
};

export const CREATED_API_KEY = {
  ...API_KEY,
  createdAt: '2026-11-02T09:30:00.000Z',
  lastUsedAt: null,
  lastUsedIp: null,
  lastUsedUserAgent: null,
  key: MASKED_KEY,
};

export const ROLLED_API_KEY = {
  ...CREATED_API_KEY,
  id: 'key_9bW4rT6yU1iO3pAs',
  start: `${DEFAULT_KEY_PREFIX}Zx8c`,
  key: `${DEFAULT_KEY_PREFIX}Zx8c${'•'.repeat(36 - START_LENGTH)}`,
  expiresAt: '2027-03-02T10:00:00.000Z',
  createdAt: '2026-12-02T10:00:00.000Z',
  rolledFrom: API_KEY.id,
};

export const WORKFLOW = {
  id: 'hello-world',
  name: 'Hello world',
  description: 'Reads a GitHub repository and says how many stars it has',
  nodes: [
    { id: 'start', type: 'trigger' },
    {
      id: 'repo',
      type: 'http',
      method: 'GET',
      url: 'https://api.github.com/repos/{{ $input.repo }}',
      credential: 'github-ci',
    },
    {
      id: 'say',
      type: 'code',
      code: "console.log('counting stars');\nreturn { text: $node.repo.body.full_name + ': ' + $node.repo.body.stargazers_count + ' stars' };",
    },
  ],
  connections: [
    { from: 'start', to: 'repo' },
    { from: 'repo', to: 'say' },
  ],
};

export const WORKFLOW_SUMMARY = {
  id: WORKFLOW.id,
  name: WORKFLOW.name,
  description: WORKFLOW.description,
  nodeCount: WORKFLOW.nodes.length,
  createdAt: '2026-11-02T09:40:00.000Z',
  updatedAt: '2026-11-18T16:12:45.000Z',
};

export const RUN_BODY = { input: { repo: 'octocat/hello-world' } };

const EXECUTION_ID = 'exe_5f0c2a9e8b7d4c3f9a1e6b2d8c4f7a30';

export const EXECUTION = {
  id: EXECUTION_ID,
  workflowId: WORKFLOW.id,
  status: 'succeeded',
  startedAt: '2026-11-20T14:05:12.104Z',
  finishedAt: '2026-11-20T14:05:12.532Z',
  durationMs: 428,
  input: RUN_BODY.input,
  output: { text: 'octocat/Hello-World: 2841 stars' },
  nodes: [
    {
      id: 'start',
      type: 'trigger',
      status: 'succeeded',
      startedAt: '2026-11-20T14:05:12.104Z',
      finishedAt: '2026-11-20T14:05:12.104Z',
      durationMs: 0,
      output: RUN_BODY.input,
      logs: [],
    },
    {
      id: 'repo',
      type: 'http',
      status: 'succeeded',
      startedAt: '2026-11-20T14:05:12.105Z',
      finishedAt: '2026-11-20T14:05:12.498Z',
      durationMs: 393,
      output: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: { full_name: 'octocat/Hello-World' },
      },
      logs: [],
    },
    {
      id: 'say',
      type: 'code',
      status: 'succeeded',
      startedAt: '2026-11-20T14:05:12.499Z',
      finishedAt: '2026-11-20T14:05:12.532Z',
      durationMs: 33,
      output: { text: 'octocat/Hello-World: 2841 stars' },
      logs: [{ level: 'log', message: 'counting stars', at: '2026-11-20T14:05:12.510Z' }],
    },
  ],
};

export const CANCELLED_EXECUTION = {
  ...EXECUTION,
  status: 'cancelled',
  output: undefined,
  error: 'the run was cancelled',
  nodes: [EXECUTION.nodes[0], { ...EXECUTION.nodes[1], status: 'cancelled', output: undefined }],
};

export const CREATE_CREDENTIAL = {
  id: 'github-ci',
  name: 'GitHub (CI bot)',
  service: 'github',
  authType: 'bearer',
  value: '<the GitHub token>',
};

export const CREDENTIAL = {
  id: 'github-ci',
  name: 'GitHub (CI bot)',
  service: 'github',
  authType: 'bearer',
  last4: 'ken>',
  version: 1,
  createdAt: '2026-11-02T09:35:00.000Z',
  updatedAt: '2026-11-02T09:35:00.000Z',
  rotatedAt: null,
  rollbackUntil: null,
};

export const ROTATE_CREDENTIAL = { value: '<the new GitHub token>' };

export const ROTATED_CREDENTIAL = {
  ...CREDENTIAL,
  version: 2,
  updatedAt: '2026-12-02T10:00:00.000Z',
  rotatedAt: '2026-12-02T10:00:00.000Z',
  rollbackUntil: '2026-12-03T10:00:00.000Z',
};

export const ROLLED_BACK_CREDENTIAL = {
  ...ROTATED_CREDENTIAL,
  version: 3,
  updatedAt: '2026-12-02T10:30:00.000Z',
  rotatedAt: '2026-12-02T10:30:00.000Z',
  rollbackUntil: null,
};

export const CREDENTIAL_TEST = { ok: true, status: 200, detail: 'GitHub accepted the credential (GET /user → 200)' };

export const AUTHORIZE_RESULT = {
  authorizationUrl:
    'https://accounts.example.com/oauth/authorize?response_type=code&client_id=flero-app&redirect_uri=http%3A%2F%2F127.0.0.1%3A7420%2Foauth2%2Fcallback&state=Yc2…&code_challenge=kX9…&code_challenge_method=S256',
};

export const SERVICES_EXAMPLE = SERVICES.filter((s) => s.id === 'github');

export const AUDIT = [
  {
    id: 42,
    at: '2026-11-02T09:30:00.000Z',
    event: 'key.created',
    keyId: 'key_0wNeR5kEy7Ab2Cd4',
    ip: '127.0.0.1',
    target: API_KEY.id,
    detail: { name: API_KEY.name, start, scopes: API_KEY.scopes, workflows: API_KEY.workflows },
  },
];

export const LEAK_REPORT = {
  keys: [MASKED_KEY],
  source: 'https://github.com/acme/app/commit/4b825dc642cb6eb9a060e54bf8d69288fbee4904',
};

export const HEALTH = { status: 'ok' };

export const OPENAPI = { openapi: '3.1.0', info: { title: 'Flero API', version: FLERO_VERSION }, paths: {} };

export const HTML_PAGE = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Flero API</title>…</html>';

export const CONNECTED_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Connected</title>…<p>Connected — you can close this tab.</p></body></html>';
