// `flero credentials create|list|show|test|rotate|rollback|delete`: a server's credentials. Secret values come from
// standard input (one trailing newline dropped) or `--value-env VAR`, never from an argument (arguments show in `ps`
// and shell history); nothing the server returns holds a value.
import type { FleroClient } from '../apiClient/client';
import { FleroApiError } from '../apiClient/transport';
import type { CreateCredentialBody, CredentialTestResult, CredentialView } from '../core/operations';
import { SERVICES } from '../core/services';
import { type Command, defineCommand } from './command';
import { didYouMean, UsageError } from './parser';
import { connect, note, out, printJson, printTable, REMOTE_ENV, REMOTE_OPTIONS, secretValue, when } from './remote';

const VALUE_OPTION = {
  'value-env': {
    type: 'string',
    value: 'VAR',
    description: 'Read the secret value from this environment variable (default: standard input)',
  },
} as const;

const VALUE_SECTION = {
  title: 'The secret value',
  body: [
    '  From standard input (one trailing newline is dropped), e.g.  printf %s "$GITHUB_TOKEN" | flero credentials …',
    '  or from an environment variable:  --value-env GITHUB_TOKEN. Never as an argument.',
  ].join('\n'),
};

const ID = { min: 1, max: 1, name: '<credential-id>' };

function describe(c: CredentialView): string {
  const placement = c.header
    ? `header ${c.header.name}${c.header.prefix ? ` (prefix "${c.header.prefix}")` : ''}`
    : c.query
      ? `query parameter ${c.query.param}`
      : c.authType === 'bearer'
        ? 'Authorization: Bearer'
        : c.authType === 'basic'
          ? `Authorization: Basic (username "${c.basic?.username ?? ''}")`
          : 'the service’s default';
  return [
    `id:        ${c.id}`,
    `name:      ${c.name}`,
    `service:   ${c.service} (${c.authType})`,
    `sent as:   ${placement}`,
    `hosts:     ${c.hosts?.length ? c.hosts.join(', ') : 'the service’s'}`,
    `value:     ${c.last4 ? `…${c.last4}` : 'hidden'} (version ${c.version})`,
    `created:   ${when(c.createdAt)}; updated ${when(c.updatedAt)}; rotated ${when(c.rotatedAt)}`,
    ...('rollbackUntil' in c && c.rollbackUntil
      ? [`undo:      \`flero credentials rollback ${c.id}\` until ${when(c.rollbackUntil as string)}`]
      : []),
  ].join('\n');
}

function verdict(id: string, r: CredentialTestResult): string {
  return `${r.ok ? '✓' : '✗'} ${id}: ${r.ok ? 'the service accepted it' : 'the service refused it'}${r.status ? ` (HTTP ${r.status})` : ''}${r.detail ? ` — ${r.detail}` : ''}`;
}

const OAUTH2_FLAGS = ['grant-type', 'token-url', 'authorization-url', 'client-id', 'scope', 'audience'] as const;

/** The `oauth2` object from the --grant-type … flags (oauth2 only); the server checks the URLs. */
function oauth2Of(
  values: Partial<Record<(typeof OAUTH2_FLAGS)[number], string>> & { 'public-client'?: boolean },
  authType: string,
): CreateCredentialBody['oauth2'] {
  const given = OAUTH2_FLAGS.filter((f) => values[f] !== undefined);
  if (authType !== 'oauth2') {
    if (given.length || values['public-client'])
      throw new UsageError(`--${given[0] ?? 'public-client'} is for --auth-type oauth2`);
    return undefined;
  }
  const grantType = values['grant-type'];
  if (grantType !== 'client_credentials' && grantType !== 'authorization_code')
    throw new UsageError(
      `--grant-type must be client_credentials or authorization_code${didYouMean(grantType ?? '', ['client_credentials', 'authorization_code'])}`,
    );
  if (!values['token-url']) throw new UsageError('--token-url is required for oauth2');
  if (!values['client-id']) throw new UsageError('--client-id is required for oauth2');
  if (grantType === 'authorization_code' && !values['authorization-url'])
    throw new UsageError('--authorization-url is required for authorization_code');
  if (values['public-client'] && grantType !== 'authorization_code')
    throw new UsageError('--public-client is for authorization_code (client_credentials needs the client secret)');
  return {
    grantType,
    tokenUrl: values['token-url'],
    clientId: values['client-id'],
    ...(values['authorization-url'] ? { authorizationUrl: values['authorization-url'] } : {}),
    ...(values.scope ? { scope: values.scope } : {}),
    ...(values.audience ? { audience: values.audience } : {}),
  };
}

const create = defineCommand(
  {
    name: 'credentials create',
    summary: 'Store an external service’s secret on the server (sealed at rest; runs inject it, only to its hosts).',
    options: {
      name: { type: 'string', value: 'NAME', description: 'A name people read, e.g. "GitHub (CI bot)" (required)' },
      service: {
        type: 'string',
        value: 'SERVICE',
        description: `The service (required): ${SERVICES.map((s) => s.id).join(', ')}`,
      },
      id: { type: 'string', value: 'ID', description: 'The id workflows name it by (default: made by the server)' },
      'auth-type': {
        type: 'string',
        value: 'TYPE',
        description: 'apiKey, bearer, basic or oauth2 (custom), as the service supports (default: the service’s first)',
      },
      header: { type: 'string', value: 'NAME', description: 'apiKey: send it in this header' },
      prefix: {
        type: 'string',
        value: 'TEXT',
        description: 'apiKey with --header: text before the value, e.g. "Token "',
      },
      query: { type: 'string', value: 'PARAM', description: 'apiKey: send it as this query parameter' },
      host: {
        type: 'string',
        value: 'HOST',
        multiple: true,
        description:
          'A host it may be sent to (custom services: required; e.g. api.example.com, http://127.0.0.1:8080)',
      },
      username: { type: 'string', value: 'USER', description: 'basic: the username (the value is the password)' },
      'grant-type': {
        type: 'string',
        value: 'GRANT',
        description: 'oauth2: client_credentials (the value is the client secret) or authorization_code (consent)',
      },
      'token-url': {
        type: 'string',
        value: 'URL',
        description: 'oauth2: the token endpoint (https, or loopback http)',
      },
      'authorization-url': { type: 'string', value: 'URL', description: 'oauth2 authorization_code: the consent page' },
      'client-id': { type: 'string', value: 'ID', description: 'oauth2: the client id' },
      scope: { type: 'string', value: 'SCOPES', description: 'oauth2: space-separated scopes to request' },
      audience: { type: 'string', value: 'AUDIENCE', description: 'oauth2: sent as `audience` in token requests' },
      'public-client': {
        type: 'boolean',
        description: 'oauth2 authorization_code with PKCE and no client secret: read no value',
      },
      ...VALUE_OPTION,
      ...REMOTE_OPTIONS,
    },
    sections: [VALUE_SECTION, REMOTE_ENV],
  },
  async ({ values }) => {
    if (!values.name?.trim()) throw new UsageError('--name is required');
    if (!values.service) throw new UsageError(`--service is required (${SERVICES.map((s) => s.id).join(', ')})`);
    const service = SERVICES.find((s) => s.id === values.service);
    if (!service)
      throw new UsageError(
        `--service: unknown service "${values.service}"${didYouMean(
          values.service,
          SERVICES.map((s) => s.id),
        )}`,
      );
    const authType = (values['auth-type'] ?? service.authTypes[0]) as CreateCredentialBody['authType'];
    if (!(service.authTypes as readonly string[]).includes(authType))
      throw new UsageError(
        `--auth-type: ${service.id} supports ${service.authTypes.join(', ')}${didYouMean(authType, service.authTypes)}`,
      );
    const oauth2 = oauth2Of(values, authType);
    if ((authType === 'basic') !== (values.username !== undefined))
      throw new UsageError(
        authType === 'basic' ? '--username is required for basic' : '--username is for --auth-type basic',
      );
    if (values.prefix !== undefined && values.header === undefined) throw new UsageError('--prefix goes with --header');
    const api = connect(values);
    const body: CreateCredentialBody = {
      name: values.name.trim(),
      service: service.id,
      authType,
      ...(values['public-client'] ? {} : { value: await secretValue(values['value-env'], 'credentials create') }),
      ...(oauth2 ? { oauth2 } : {}),
      ...(values.username !== undefined ? { basic: { username: values.username } } : {}),
      ...(values.id !== undefined ? { id: values.id } : {}),
      ...(values.header !== undefined ? { header: { name: values.header, prefix: values.prefix ?? '' } } : {}),
      ...(values.query !== undefined ? { query: { param: values.query } } : {}),
      ...(values.host?.length ? { hosts: values.host } : {}),
    };
    const c = await api.call('createCredential', { body });
    if (values.json) {
      printJson(c);
      return 0;
    }
    note(
      `Created ${c.id} (${c.service}, ${c.authType}${c.last4 ? `, …${c.last4}` : ''}). Test it: flero credentials test ${c.id}`,
    );
    out(`${c.id}\n`);
    return 0;
  },
);

const listCmd = defineCommand(
  {
    name: 'credentials list',
    summary: 'List the server’s credentials (metadata only; never values).',
    options: REMOTE_OPTIONS,
    sections: [REMOTE_ENV],
  },
  async ({ values }) => {
    const list = await connect(values).call('listCredentials');
    if (values.json) {
      printJson(list);
      return 0;
    }
    printTable(
      ['ID', 'NAME', 'SERVICE', 'AUTH', 'HOSTS', 'VALUE', 'VERSION', 'ROTATED'],
      list.map((c) => [
        c.id,
        c.name,
        c.service,
        c.authType,
        c.hosts?.join(',') ?? '(service)',
        c.last4 ? `…${c.last4}` : 'hidden',
        String(c.version),
        when(c.rotatedAt),
      ]),
      'No credentials yet. Add one: printf %s "$TOKEN" | flero credentials create --name NAME --service SERVICE',
    );
    return 0;
  },
);

const show = defineCommand(
  {
    name: 'credentials show',
    usage: '<credential-id> [options]',
    summary: 'Show one credential’s metadata (never its value).',
    options: REMOTE_OPTIONS,
    positionals: ID,
    sections: [REMOTE_ENV],
  },
  async ({ values, positionals: [id] }) => {
    const c = await connect(values).call('getCredential', { params: { id: id! } });
    if (values.json) printJson(c);
    else out(`${describe(c)}\n`);
    return 0;
  },
);

async function testAndPrint(api: FleroClient, id: string, json: boolean | undefined): Promise<number> {
  const r = await api.call('testCredential', { params: { id }, timeoutMs: 45_000 });
  if (json) printJson(r);
  else out(`${verdict(id, r)}\n`);
  return r.ok ? 0 : 1;
}

const test = defineCommand(
  {
    name: 'credentials test',
    usage: '<credential-id> [options]',
    summary: 'Call the service’s no-op endpoint with the credential; exit 1 when the service refuses it.',
    options: REMOTE_OPTIONS,
    positionals: ID,
    sections: [REMOTE_ENV],
  },
  ({ values, positionals: [id] }) => testAndPrint(connect(values), id!, values.json),
);

const rotate = defineCommand(
  {
    name: 'credentials rotate',
    usage: '<credential-id> [options]',
    summary:
      'Test the new value with the service, then replace the credential’s value (runs in flight keep the old one); exit 1, nothing changed, if the service refuses it.',
    options: {
      ...VALUE_OPTION,
      force: {
        type: 'boolean',
        description: 'Rotate even if the service’s test call does not accept the new value (it is tested again after)',
      },
      ...REMOTE_OPTIONS,
    },
    positionals: ID,
    sections: [VALUE_SECTION, REMOTE_ENV],
  },
  async ({ values, positionals: [id] }) => {
    const value = await secretValue(values['value-env'], 'credentials rotate');
    const api = connect(values);
    let c: CredentialView;
    try {
      c = await api.call('updateCredential', {
        params: { id: id! },
        body: { value, ...(values.force ? { force: true } : {}) },
        timeoutMs: 45_000,
      });
    } catch (e) {
      const p = e instanceof FleroApiError && e.status === 409 ? e.problem : undefined;
      if (p?.code === 'rotation_test_failed' && p.verdict) {
        if (values.json) printJson(p);
        else out(`${verdict(id!, p.verdict)}\n`);
        note(`Nothing changed: ${id} keeps its current value. Check the new value, or rotate anyway with --force.`);
        return 1;
      }
      if (p?.code === 'value_unchanged' || p?.code === 'value_reused') {
        if (values.json) printJson(p);
        note(`Nothing changed: ${p.detail ?? p.code}`);
        return 1;
      }
      throw e;
    }
    if (values.json) {
      printJson(c);
      return 0;
    }
    note(`Rotated ${c.id} to version ${c.version}${c.last4 ? ` (…${c.last4})` : ''}. Testing it…`);
    const code = await testAndPrint(api, c.id, false);
    if (code) note(`Undo with: flero credentials rollback ${c.id}`);
    return code;
  },
);

const rollback = defineCommand(
  {
    name: 'credentials rollback',
    usage: '<credential-id> [options]',
    summary: 'Restore the value a credential had before its last rotation (within 24 h of it).',
    options: REMOTE_OPTIONS,
    positionals: ID,
    sections: [REMOTE_ENV],
  },
  async ({ values, positionals: [id] }) => {
    const c = await connect(values).call('rollbackCredential', { params: { id: id! } });
    if (values.json) printJson(c);
    else note(`Rolled ${c.id} back to its previous value (now version ${c.version}).`);
    return 0;
  },
);

const connectCmd = defineCommand(
  {
    name: 'credentials connect',
    usage: '<credential-id> [options]',
    summary:
      'OAuth2 authorization_code: print the consent URL (PKCE; valid 10 minutes, once). Open it, consent, and the server stores the tokens.',
    options: REMOTE_OPTIONS,
    positionals: ID,
    sections: [REMOTE_ENV],
  },
  async ({ values, positionals: [id] }) => {
    const r = await connect(values).call('authorizeOAuth2Credential', { params: { id: id! } });
    if (values.json) printJson(r);
    else {
      note(`Open this URL in a browser and consent; the provider sends you back to the server, which connects ${id}:`);
      out(`${r.authorizationUrl}\n`);
    }
    return 0;
  },
);

const remove = defineCommand(
  {
    name: 'credentials delete',
    usage: '<credential-id> [options]',
    summary: 'Delete a credential (its sealed value is destroyed; runs that name it fail with a clear error).',
    options: REMOTE_OPTIONS,
    positionals: ID,
    sections: [REMOTE_ENV],
  },
  async ({ values, positionals: [id] }) => {
    await connect(values).call('deleteCredential', { params: { id: id! } });
    note(`Deleted ${id}.`);
    return 0;
  },
);

export const SUBCOMMANDS: Record<string, Command> = {
  create,
  list: listCmd,
  show,
  test,
  rotate,
  rollback,
  connect: connectCmd,
  delete: remove,
};
