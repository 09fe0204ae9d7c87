// `flero keys create|list|show|revoke|roll`: against a running server (`--server` / FLERO_SERVER_URL, key in
// FLERO_API_KEY) or, for create/list/show/revoke, offline on a data dir or database (`--data` / `--database-url`).
// `create` and `roll` print the new key alone on stdout, so `KEY=$(flero keys create …)` works.
import { existsSync } from 'node:fs';
import type { FleroClient } from '../../apiClient/client';
import type { ApiKey, CreatedApiKey } from '../../core/operations';
import { DURATION_FORMAT, parseDuration } from '../../core/duration';
import { DEFAULT_KEY_PREFIX, isValidPrefix, KEY_PREFIX_PATTERN } from '../../core/keys';
import { SCOPES, type Scope } from '../../core/scopes';
import { WORKFLOW_ID_PATTERN } from '../../core/workflow';
import { storeTarget } from '../args';
import { type Command, defineCommand } from '../command';
import { UsageError } from '../parser';
import { connect, note, out, printJson, printTable, REMOTE_ENV, REMOTE_OPTIONS, serverUrlOf, when } from '../remote';
import type { StoreTarget } from './store';

/** The offline store code (PGlite, pg) is loaded only when a command works on a store. */
const offline = () => import('./store');

const TARGET_OPTIONS = {
  ...REMOTE_OPTIONS,
  data: {
    type: 'string',
    value: 'DIR',
    description: 'Offline: the server’s embedded data dir (refused while a server runs there)',
  },
  'database-url': {
    type: 'string',
    value: 'URL',
    description: 'Offline: a PostgreSQL database (postgres://…; or FLERO_DATABASE_URL)',
  },
} as const;

const TARGET_SECTION = {
  title: 'Target',
  body: [
    '  --server URL or FLERO_SERVER_URL: a running server, with the key in FLERO_API_KEY.',
    '  --data DIR or --database-url URL (FLERO_DATABASE_URL): offline, on the store itself (no server running there).',
    '  Neither: FLERO_SERVER_URL if set, else ./.flero if it exists.',
  ].join('\n'),
};

type Target = { kind: 'server'; api: FleroClient } | { kind: 'store'; store: StoreTarget };

/** Where `keys` acts, by the contract's rule (flags, then FLERO_SERVER_URL, then FLERO_DATABASE_URL, then ./.flero). */
function targetOf(values: { server?: string; data?: string; 'database-url'?: string }, offline = true): Target {
  const env = process.env;
  const storeFlag = values.data !== undefined || values['database-url'] !== undefined;
  if (values.server !== undefined && storeFlag)
    throw new UsageError('give either --server or --data/--database-url, not both');
  if (values.server !== undefined || (!storeFlag && serverUrlOf(undefined, env)))
    return { kind: 'server', api: connect(values, env) };
  if (!offline) throw new UsageError('this command needs a running server: give --server URL or set FLERO_SERVER_URL');
  if (storeFlag || env.FLERO_DATABASE_URL) return { kind: 'store', store: storeTarget(values, env.FLERO_DATABASE_URL) };
  if (existsSync('.flero')) return { kind: 'store', store: { dataDir: '.flero' } };
  throw new UsageError(
    'no target: give --server URL (or set FLERO_SERVER_URL) with FLERO_API_KEY, or --data DIR / --database-url URL for offline admin',
  );
}

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function scopesOf(text: string): Scope[] {
  const want = text === 'all' ? [...SCOPES] : list(text);
  if (!want.length) throw new UsageError('--scopes is empty (comma-separated scopes, or "all")');
  for (const s of want)
    if (!(SCOPES as readonly string[]).includes(s)) {
      const near = SCOPES.find((x) => x.startsWith(s.split(':')[0] ?? '')) ?? SCOPES[0];
      throw new UsageError(`--scopes: "${s}" is not a scope (one of ${SCOPES.join(', ')}; e.g. ${near})`);
    }
  if (new Set(want).size !== want.length) throw new UsageError('--scopes: a scope is repeated');
  return want as Scope[];
}

function workflowsOf(text: string | undefined): 'all' | string[] {
  if (text === undefined || text === 'all') return 'all';
  const ids = list(text);
  if (!ids.length) throw new UsageError('--workflows is empty ("all" or comma-separated workflow ids)');
  for (const id of ids)
    if (!WORKFLOW_ID_PATTERN.test(id))
      throw new UsageError(`--workflows: "${id}" is not a workflow id (letters, digits, _ . -, at most 64)`);
  return ids;
}

function expiryOf(at: string | undefined, within: string | undefined): { expiresAt?: string; expiresIn?: string } {
  if (at !== undefined && within !== undefined) throw new UsageError('give --expires-at or --expires-in, not both');
  if (within !== undefined) {
    if (parseDuration(within) === undefined)
      throw new UsageError(`--expires-in must be a duration (${DURATION_FORMAT})`);
    return { expiresIn: within };
  }
  if (at !== undefined) {
    const ms = Date.parse(at);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(at) || Number.isNaN(ms))
      throw new UsageError('--expires-at must be an ISO 8601 date-time with a time zone, e.g. 2027-01-31T00:00:00Z');
    if (ms <= Date.now()) throw new UsageError('--expires-at must be in the future');
    return { expiresAt: at };
  }
  return {};
}

function state(k: ApiKey): string {
  if (k.revokedAt) return `revoked ${when(k.revokedAt)}`;
  if (k.expiresAt && Date.parse(k.expiresAt) <= Date.now()) return `expired ${when(k.expiresAt)}`;
  return k.expiresAt ? `expires ${when(k.expiresAt)}` : 'no expiry';
}

const scopeList = (k: ApiKey) => (k.scopes.length === SCOPES.length ? `all (${SCOPES.length})` : k.scopes.join(','));

const wf = (k: ApiKey) => (k.workflows === 'all' ? 'all' : k.workflows.join(','));

function describe(k: ApiKey): string {
  return [
    `id:         ${k.id}`,
    `name:       ${k.name}`,
    `start:      ${k.start}…`,
    `scopes:     ${k.scopes.join(', ')}`,
    `workflows:  ${k.workflows === 'all' ? 'all' : k.workflows.join(', ')}`,
    `state:      ${state(k)}`,
    `created:    ${when(k.createdAt)}`,
    `last used:  ${k.lastUsedAt ? when(k.lastUsedAt) : 'never'}`,
    ...('rolledTo' in k && k.rolledTo ? [`rolled to:  ${k.rolledTo}`] : []),
    ...('rolledFrom' in k && k.rolledFrom ? [`rolled from: ${k.rolledFrom}`] : []),
  ].join('\n');
}

/** The one-time key: alone on stdout (or the whole JSON with --json); the details on stderr. */
function printNewKey(created: CreatedApiKey, json: boolean | undefined, verb: string): void {
  if (json) {
    printJson(created);
    return;
  }
  note(
    `${verb} ${created.id} "${created.name}" (${created.scopes.join(', ')}; workflows ${wf(created)}; ${state(created)})`,
  );
  note('The key is shown only this once: store it now (e.g. in your CI’s secrets).');
  out(`${created.key}\n`);
}

const create = defineCommand(
  {
    name: 'keys create',
    summary: 'Generate an API key; prints the key alone on stdout, once (details on stderr).',
    options: {
      name: { type: 'string', value: 'NAME', description: 'What the key is for, e.g. "CI deploy hook" (required)' },
      scopes: {
        type: 'string',
        value: 'SCOPES',
        description: `Comma-separated scopes or "all" (required): ${SCOPES.join(', ')}`,
      },
      workflows: {
        type: 'string',
        value: 'IDS',
        description: '"all" (default) or comma-separated workflow ids: the allow-list',
      },
      'expires-in': { type: 'string', value: 'DURATION', description: `Expiry from now (${DURATION_FORMAT})` },
      'expires-at': {
        type: 'string',
        value: 'DATE',
        description: 'Expiry as an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z',
      },
      'key-prefix': {
        type: 'string',
        value: 'PREFIX',
        description: `Offline only: the key prefix (default ${DEFAULT_KEY_PREFIX})`,
      },
      init: { type: 'boolean', description: 'Offline only: create the data dir if it does not exist yet' },
      ...TARGET_OPTIONS,
    },
    sections: [TARGET_SECTION, REMOTE_ENV],
  },
  async ({ values }) => {
    if (!values.name?.trim()) throw new UsageError('--name is required (what the key is for)');
    if (values.scopes === undefined) throw new UsageError('--scopes is required (comma-separated scopes, or "all")');
    const scopes = scopesOf(values.scopes);
    const workflows = workflowsOf(values.workflows);
    const expiry = expiryOf(values['expires-at'], values['expires-in']);
    const target = targetOf(values);
    if (target.kind === 'server') {
      if (values['key-prefix'] !== undefined || values.init)
        throw new UsageError('--key-prefix and --init apply offline only (a server uses its own prefix)');
      const created = await target.api.call('createApiKey', {
        body: { name: values.name, scopes, workflows, ...expiry },
      });
      printNewKey(created, values.json, 'Created');
      return 0;
    }
    const prefix = values['key-prefix'] ?? DEFAULT_KEY_PREFIX;
    if (!isValidPrefix(prefix)) throw new UsageError(`--key-prefix must match ${KEY_PREFIX_PATTERN}`);
    const expiresAt = expiry.expiresIn
      ? new Date(Date.now() + parseDuration(expiry.expiresIn)!).toISOString()
      : expiry.expiresAt
        ? new Date(expiry.expiresAt).toISOString()
        : null;
    const created = await (await offline()).createKeyInStore(
      target.store,
      { name: values.name.trim(), scopes, workflows, expiresAt, prefix },
      values.init === true,
    );
    printNewKey(created, values.json, 'Created');
    return 0;
  },
);

const listCmd = defineCommand(
  {
    name: 'keys list',
    summary: 'List API keys (within the key’s reach on a server; never their values).',
    options: TARGET_OPTIONS,
    sections: [TARGET_SECTION, REMOTE_ENV],
  },
  async ({ values }) => {
    const target = targetOf(values);
    const keys =
      target.kind === 'server'
        ? await target.api.call('listApiKeys')
        : await (await offline()).listKeysInStore(target.store);
    if (values.json) {
      printJson(keys);
      return 0;
    }
    printTable(
      ['ID', 'NAME', 'START', 'SCOPES', 'WORKFLOWS', 'STATE', 'LAST USED'],
      keys.map((k) => [k.id, k.name, `${k.start}…`, scopeList(k), wf(k), state(k), when(k.lastUsedAt)]),
      'No API keys yet. Make one with `flero keys create --name NAME --scopes SCOPES`.',
    );
    return 0;
  },
);

const ID = { min: 1, max: 1, name: '<key-id>' };

const show = defineCommand(
  {
    name: 'keys show',
    usage: '<key-id> [options]',
    summary: 'Show one API key’s metadata (never its value).',
    options: TARGET_OPTIONS,
    positionals: ID,
    sections: [TARGET_SECTION, REMOTE_ENV],
  },
  async ({ values, positionals: [id] }) => {
    const target = targetOf(values);
    const key =
      target.kind === 'server'
        ? await target.api.call('getApiKey', { params: { id: id! } })
        : await (await offline()).showKeyInStore(target.store, id!);
    if (values.json) printJson(key);
    else out(`${describe(key)}\n`);
    return 0;
  },
);

const revoke = defineCommand(
  {
    name: 'keys revoke',
    usage: '<key-id> [options]',
    summary: 'Revoke an API key: its hash is removed, any further use gets 401; the record stays for the audit.',
    options: TARGET_OPTIONS,
    positionals: ID,
    sections: [TARGET_SECTION, REMOTE_ENV],
  },
  async ({ values, positionals: [id] }) => {
    const target = targetOf(values);
    if (target.kind === 'server') {
      await target.api.call('revokeApiKey', { params: { id: id! } });
      note(`Revoked ${id}.`);
      return 0;
    }
    const r = await (await offline()).revokeKeyInStore(target.store, id!);
    if (values.json) printJson(r.key);
    else note(r.already ? `${id} was already revoked (${when(r.key.revokedAt)}).` : `Revoked ${id} ("${r.key.name}").`);
    return 0;
  },
);

const roll = defineCommand(
  {
    name: 'keys roll',
    usage: '<key-id> [options]',
    summary:
      'Replace a key with a new one (same name, scopes, workflows and lifetime); the old one keeps working for the overlap. Prints the new key alone on stdout.',
    options: {
      overlap: {
        type: 'string',
        value: 'DURATION',
        description: `How long the old key keeps working (${DURATION_FORMAT}; at most 7d; default the server’s, 24h)`,
      },
      ...REMOTE_OPTIONS,
    },
    positionals: ID,
    sections: [REMOTE_ENV],
  },
  async ({ values, positionals: [id] }) => {
    if (
      values.overlap !== undefined &&
      !/^0[smhd]$/.test(values.overlap) &&
      parseDuration(values.overlap) === undefined
    )
      throw new UsageError(`--overlap must be a duration (${DURATION_FORMAT})`);
    const target = targetOf(values, false);
    if (target.kind !== 'server') throw new UsageError('keys roll needs a running server');
    const created = await target.api.call('rollApiKey', {
      params: { id: id! },
      body: values.overlap !== undefined ? { overlap: values.overlap } : {},
    });
    printNewKey(created, values.json, `Rolled ${id} into`);
    return 0;
  },
);

export const SUBCOMMANDS: Record<string, Command> = { create, list: listCmd, show, revoke, roll };
