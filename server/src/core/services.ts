// The service catalog: one data file. Per service: the auth types it supports, the pre-filled placement (header name
// + prefix, or query parameter), base URL, allowed hosts, the no-op test request, and connector operations.
// `GET /api/services` serves it; the engine, the language server and the extension read it.

export type AuthType = 'apiKey' | 'bearer' | 'basic' | 'oauth2';

export interface Placement {
  header?: { name: string; prefix: string };
  query?: { param: string };
}

export interface ServiceOperation {
  /** `<service>.<operation>` is the node type. */
  id: string;
  summary: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under the base URL; `{param}` segments are filled from params (URL-encoded). */
  path: string;
  /** Params sent as the JSON body (POST/PUT/PATCH) or the query string (GET/DELETE); `required` ones must be given. */
  params: { name: string; required?: boolean; description: string }[];
}

export interface ServiceSpec {
  id: string;
  name: string;
  authTypes: AuthType[];
  /** Pre-filled placement for the apiKey auth type (bearer is always `Authorization: Bearer `). */
  defaultPlacement: Placement;
  baseUrl: string;
  /** Hosts a credential of this service may be sent to by default. Empty for `custom`: given per credential. */
  hosts: string[];
  /** The no-op call "Test connection" makes; 2xx means the key works. */
  test: { method: 'GET' | 'POST'; path: string };
  operations: ServiceOperation[];
  docs?: string;
}

export const SERVICES: readonly ServiceSpec[] = [
  {
    id: 'custom',
    name: 'Generic HTTP service',
    authTypes: ['apiKey', 'bearer', 'basic', 'oauth2'],
    defaultPlacement: { header: { name: 'X-API-Key', prefix: '' } },
    baseUrl: '',
    hosts: [],
    test: { method: 'GET', path: '/' },
    operations: [],
  },
  {
    id: 'github',
    name: 'GitHub',
    authTypes: ['bearer', 'apiKey'],
    defaultPlacement: { header: { name: 'Authorization', prefix: 'Bearer ' } },
    baseUrl: 'https://api.github.com',
    hosts: ['api.github.com'],
    test: { method: 'GET', path: '/user' },
    operations: [
      { id: 'getUser', summary: 'The authenticated user', method: 'GET', path: '/user', params: [] },
      {
        id: 'getRepo',
        summary: 'A repository',
        method: 'GET',
        path: '/repos/{owner}/{repo}',
        params: [
          { name: 'owner', required: true, description: 'Owner login' },
          { name: 'repo', required: true, description: 'Repository name' },
        ],
      },
      {
        id: 'listIssues',
        summary: 'Issues of a repository (pull requests too, marked by `pull_request`)',
        method: 'GET',
        path: '/repos/{owner}/{repo}/issues',
        params: [
          { name: 'owner', required: true, description: 'Owner login' },
          { name: 'repo', required: true, description: 'Repository name' },
          { name: 'state', description: 'open (the default), closed or all' },
          { name: 'labels', description: 'Comma-separated label names the issues must all have' },
          { name: 'per_page', description: 'How many per page (1-100, default 30)' },
        ],
      },
      {
        id: 'createIssue',
        summary: 'Open an issue',
        method: 'POST',
        path: '/repos/{owner}/{repo}/issues',
        params: [
          { name: 'owner', required: true, description: 'Owner login' },
          { name: 'repo', required: true, description: 'Repository name' },
          { name: 'title', required: true, description: 'Issue title' },
          { name: 'body', description: 'Issue body (Markdown)' },
        ],
      },
    ],
  },
  {
    id: 'stripe',
    name: 'Stripe',
    authTypes: ['bearer'],
    defaultPlacement: { header: { name: 'Authorization', prefix: 'Bearer ' } },
    baseUrl: 'https://api.stripe.com',
    hosts: ['api.stripe.com'],
    test: { method: 'GET', path: '/v1/balance' },
    operations: [
      { id: 'getBalance', summary: 'The account balance', method: 'GET', path: '/v1/balance', params: [] },
      {
        id: 'listCharges',
        summary: 'Recent charges',
        method: 'GET',
        path: '/v1/charges',
        params: [{ name: 'limit', description: 'How many (1-100)' }],
      },
    ],
  },
  {
    id: 'openai',
    name: 'OpenAI',
    authTypes: ['bearer'],
    defaultPlacement: { header: { name: 'Authorization', prefix: 'Bearer ' } },
    baseUrl: 'https://api.openai.com',
    hosts: ['api.openai.com'],
    test: { method: 'GET', path: '/v1/models' },
    operations: [
      { id: 'listModels', summary: 'Models available to the key', method: 'GET', path: '/v1/models', params: [] },
      {
        id: 'createResponse',
        summary: 'Create a model response',
        method: 'POST',
        path: '/v1/responses',
        params: [
          { name: 'model', required: true, description: 'Model id' },
          { name: 'input', required: true, description: 'Prompt text' },
        ],
      },
    ],
  },
  {
    id: 'slack',
    name: 'Slack',
    authTypes: ['bearer'],
    defaultPlacement: { header: { name: 'Authorization', prefix: 'Bearer ' } },
    baseUrl: 'https://slack.com/api',
    hosts: ['slack.com'],
    test: { method: 'POST', path: '/auth.test' },
    operations: [
      {
        id: 'postMessage',
        summary: 'Post a message to a channel',
        method: 'POST',
        path: '/chat.postMessage',
        params: [
          { name: 'channel', required: true, description: 'Channel id or #name' },
          { name: 'text', required: true, description: 'Message text' },
        ],
      },
      { id: 'authTest', summary: 'Check the token', method: 'POST', path: '/auth.test', params: [] },
    ],
  },
  {
    id: 'sendgrid',
    name: 'SendGrid',
    authTypes: ['bearer'],
    defaultPlacement: { header: { name: 'Authorization', prefix: 'Bearer ' } },
    baseUrl: 'https://api.sendgrid.com',
    hosts: ['api.sendgrid.com'],
    test: { method: 'GET', path: '/v3/scopes' },
    operations: [
      {
        id: 'sendMail',
        summary: 'Send an email (v3 mail/send body)',
        method: 'POST',
        path: '/v3/mail/send',
        params: [
          { name: 'personalizations', required: true, description: 'Recipients' },
          { name: 'from', required: true, description: 'Sender' },
          { name: 'subject', required: true, description: 'Subject' },
          { name: 'content', required: true, description: 'Content parts' },
        ],
      },
    ],
  },
  {
    id: 'airtable',
    name: 'Airtable',
    authTypes: ['bearer'],
    defaultPlacement: { header: { name: 'Authorization', prefix: 'Bearer ' } },
    baseUrl: 'https://api.airtable.com',
    hosts: ['api.airtable.com'],
    test: { method: 'GET', path: '/v0/meta/whoami' },
    operations: [
      {
        id: 'listRecords',
        summary: 'Records of a table',
        method: 'GET',
        path: '/v0/{baseId}/{table}',
        params: [
          { name: 'baseId', required: true, description: 'Base id (app…)' },
          { name: 'table', required: true, description: 'Table name or id' },
        ],
      },
    ],
  },
  {
    id: 'notion',
    name: 'Notion',
    authTypes: ['bearer'],
    defaultPlacement: { header: { name: 'Authorization', prefix: 'Bearer ' } },
    baseUrl: 'https://api.notion.com',
    hosts: ['api.notion.com'],
    test: { method: 'GET', path: '/v1/users/me' },
    operations: [
      { id: 'getMe', summary: 'The integration’s bot user', method: 'GET', path: '/v1/users/me', params: [] },
      {
        id: 'search',
        summary: 'Search pages and databases',
        method: 'POST',
        path: '/v1/search',
        params: [{ name: 'query', description: 'Text to search for' }],
      },
    ],
  },
  {
    id: 'weather',
    name: 'Weather API (example)',
    authTypes: ['apiKey'],
    defaultPlacement: { query: { param: 'appid' } },
    baseUrl: 'https://api.weather.example',
    hosts: ['api.weather.example'],
    test: { method: 'GET', path: '/v1/ping' },
    operations: [
      {
        id: 'forecast',
        summary: 'Forecast for a city',
        method: 'GET',
        path: '/v1/forecast',
        params: [{ name: 'city', required: true, description: 'City name' }],
      },
    ],
  },
];

export function findService(id: string): ServiceSpec | undefined {
  return SERVICES.find((s) => s.id === id);
}

/** `slack.postMessage` → the service and operation, if both exist. */
export function findOperation(nodeType: string): { service: ServiceSpec; operation: ServiceOperation } | undefined {
  const dot = nodeType.indexOf('.');
  if (dot < 0) return undefined;
  const service = findService(nodeType.slice(0, dot));
  const operation = service?.operations.find((o) => o.id === nodeType.slice(dot + 1));
  return service && operation ? { service, operation } : undefined;
}

/** All connector node types, for completion and validation. */
export function connectorTypes(): string[] {
  return SERVICES.flatMap((s) => s.operations.map((o) => `${s.id}.${o.id}`));
}

/** The placement a credential of this auth type gets by default. */
export function defaultPlacementFor(service: ServiceSpec, authType: AuthType): Placement {
  if (authType === 'bearer' || authType === 'oauth2') return { header: { name: 'Authorization', prefix: 'Bearer ' } };
  if (authType === 'basic') return { header: { name: 'Authorization', prefix: 'Basic ' } };
  return service.defaultPlacement;
}

/**
 * One base-URL override, `service=http(s)://…` for a catalog service; undefined if it is not one. THE parser of
 * `FLERO_SERVICE_BASE_URLS` (the server and `flero run`) and `flero run --service-base-url`.
 */
export function parseServiceBaseUrl(entry: string): { service: string; url: string } | undefined {
  const eq = entry.indexOf('=');
  const service = entry.slice(0, eq).trim();
  const url = entry.slice(eq + 1).trim();
  if (eq <= 0 || !findService(service) || !/^https?:\/\/[^\s]+$/.test(url)) return undefined;
  return { service, url };
}

/**
 * `github=http://127.0.0.1:1234,slack=http://…` → overrides by service id; undefined when empty. Throws (naming
 * `source` and the bad entry, which holds no secret) when an entry is not `service=http(s)://…` for a known service.
 */
export function parseServiceBaseUrls(
  spec: string | undefined,
  source = 'FLERO_SERVICE_BASE_URLS',
): Record<string, string> | undefined {
  if (!spec?.trim()) return undefined;
  const out: Record<string, string> = {};
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const parsed = parseServiceBaseUrl(part);
    if (!parsed) throw new Error(`${source}: "${part}" is not service=http(s)://… for a known service`);
    out[parsed.service] = parsed.url;
  }
  return out;
}
