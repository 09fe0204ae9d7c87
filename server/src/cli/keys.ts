// `flero keys create|list|revoke`: admin commands run directly on a data dir or a PostgreSQL database. On a data dir
// they take the same lock as the server, so they refuse (touching nothing) while a server runs there.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, STORE_OPTIONS, storeTarget, UsageError } from './args';
import { keyView } from '../api/routes/apiKeys';
import { CreateApiKeySchema } from '../core/apiSchemas';
import { insertAudit } from '../api/store/audit';
import { getKey, insertKey, listKeys, revokeKey } from '../api/store/keys';
import { DataDirLockedError } from '../api/store/lock';
import { type OpenedStore, openStore } from '../api/store/open';
import { redactUrl } from '../api/store/postgres';
import type { ApiKeyRecord } from '../api/store/records';
import { DEFAULT_KEY_PREFIX, generateKey, isValidPrefix, KEY_PREFIX_PATTERN } from '../core/keys';
import { SCOPES } from '../core/scopes';

const STORE_HELP = `Store (one of):
  --data DIR            the server's embedded data dir (default .flero); refused while a server runs there
  --database-url URL    a PostgreSQL database (postgres://…, or set FLERO_DATABASE_URL)`;

const HELP: Record<string, string> = {
  '': `Usage: flero keys <create|list|revoke> [options]

Admin commands on a data dir or database (no server needed). Run \`flero keys <command> --help\` for details.
  create   generate an API key (printed once)
  list     list keys (never their values)
  revoke   revoke a key by id (its hash is removed; any further use gets 401)
`,
  create: `Usage: flero keys create --name NAME --scopes SCOPES [options]

Generates an API key and prints it ONCE on stdout (details go to stderr).
  --name NAME           what the key is for, e.g. "CI deploy hook"
  --scopes SCOPES       comma-separated scopes, or "all": ${SCOPES.join(', ')}
  --workflows IDS       "all" (default) or comma-separated workflow ids (the allow-list)
  --expires-at DATE     optional expiry (ISO 8601, in the future), e.g. 2027-01-31T00:00:00Z
  --expires-in N{d|h}   optional expiry relative to now, e.g. 30d
  --key-prefix PREFIX   key prefix (default ${DEFAULT_KEY_PREFIX}; must match ${KEY_PREFIX_PATTERN})
  --json                print the key and its metadata as JSON
${STORE_HELP}
`,
  list: `Usage: flero keys list [--json]

Lists API keys: id, name, start, scopes, workflows, expiry, last use, revocation. Never values.
  --json                print JSON
${STORE_HELP}
`,
  revoke: `Usage: flero keys revoke <key-id>

Revokes the key (id as shown by \`flero keys list\`, e.g. key_…): the hash is removed, the row kept for audit.
${STORE_HELP}
`,
};

const out = (s: string) => process.stdout.write(s);
const help = (text: string) => {
  out(text);
  return 0;
};
const fail = (msg: string, code = 1) => {
  process.stderr.write(`flero keys: ${msg}\n`);
  return code;
};

async function withStore<T>(
  values: { data?: string; 'database-url'?: string },
  fn: (s: OpenedStore) => Promise<T>,
  mayInitialise = false,
): Promise<T | number> {
  const target = storeTarget(values, process.env.FLERO_DATABASE_URL);
  if (target.dataDir && !mayInitialise && !existsSync(resolve(target.dataDir)))
    return fail(
      `no Flero data dir at ${resolve(target.dataDir)} (start \`flero serve --data ${target.dataDir}\` once)`,
    );
  let store: OpenedStore;
  try {
    store = await openStore(target, { logTiming: Boolean(process.env.FLERO_LOG_TIMING) });
  } catch (e) {
    if (e instanceof DataDirLockedError)
      return fail(`${e.message}\n  (while it runs, manage keys through its API: POST/DELETE /api/api-keys)`);
    return fail(
      `cannot open the store ${target.databaseUrl ? redactUrl(target.databaseUrl) : target.dataDir}: ${(e as Error).message}`,
    );
  }
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function expiry(at: string | undefined, within: string | undefined): string | undefined {
  if (at && within) throw new UsageError('give --expires-at or --expires-in, not both');
  if (within) {
    const m = /^(\d{1,5})([dh])$/.exec(within);
    if (!m) throw new UsageError(`--expires-in must look like 30d or 12h (got "${within}")`);
    return new Date(Date.now() + Number(m[1]) * (m[2] === 'd' ? 86_400_000 : 3_600_000)).toISOString();
  }
  return at;
}

function row(k: ApiKeyRecord): string {
  const state = k.revokedAt
    ? `revoked ${k.revokedAt}`
    : k.expiresAt && Date.parse(k.expiresAt) <= Date.now()
      ? `expired ${k.expiresAt}`
      : k.expiresAt
        ? `expires ${k.expiresAt}`
        : 'no expiry';
  const wf = k.workflows === 'all' ? 'all workflows' : `workflows: ${k.workflows.join(', ')}`;
  return `${k.id}  ${k.start}…  ${JSON.stringify(k.name)}\n    scopes: ${k.scopes.join(', ')}\n    ${wf}; ${state}; last used: ${k.lastUsedAt ?? 'never'}\n`;
}

async function create(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    ...STORE_OPTIONS,
    name: { type: 'string' },
    scopes: { type: 'string' },
    workflows: { type: 'string', default: 'all' },
    'expires-at': { type: 'string' },
    'expires-in': { type: 'string' },
    'key-prefix': { type: 'string', default: DEFAULT_KEY_PREFIX },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return help(HELP.create!);
  if (!values.name) throw new UsageError('--name is required');
  if (!values.scopes) throw new UsageError('--scopes is required (comma-separated, or "all")');
  if (!isValidPrefix(values['key-prefix']))
    throw new UsageError(`--key-prefix "${values['key-prefix']}" must match ${KEY_PREFIX_PATTERN}`);
  const list = (s: string) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const parsed = CreateApiKeySchema.safeParse({
    name: values.name,
    scopes: values.scopes === 'all' ? [...SCOPES] : list(values.scopes),
    workflows: values.workflows === 'all' ? 'all' : list(values.workflows),
    expiresAt: expiry(values['expires-at'], values['expires-in']),
  });
  if (!parsed.success) {
    const flag: Record<string, string> = { name: '--name', scopes: '--scopes', workflows: '--workflows' };
    const msgs = parsed.error.issues.map((i) => {
      const f = String(i.path[0] ?? '');
      return `${flag[f] ?? '--expires-at'}: ${i.message}`;
    });
    throw new UsageError(msgs.join('; '));
  }
  const body = parsed.data;
  const result = await withStore(
    values,
    async ({ db }) => {
      const plaintext = generateKey(values['key-prefix']);
      const { record } = await insertKey(db, plaintext, {
        name: body.name,
        scopes: body.scopes,
        workflows: body.workflows,
        expiresAt: body.expiresAt ? new Date(body.expiresAt).toISOString() : null,
        createdBy: null,
      });
      await insertAudit(db, {
        event: 'key.created',
        target: record.id,
        detail: {
          name: record.name,
          start: record.start,
          scopes: record.scopes,
          workflows: record.workflows,
          via: 'cli',
        },
      });
      if (values.json) out(`${JSON.stringify({ ...keyView(record), key: plaintext }, null, 2)}\n`);
      else {
        process.stderr.write(`Created ${row(record)}The key is shown only this once — store it now:\n`);
        out(`${plaintext}\n`);
      }
      return 0;
    },
    true,
  );
  return result;
}

async function listCmd(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    ...STORE_OPTIONS,
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return help(HELP.list!);
  return withStore(values, async ({ db }) => {
    const keys = await listKeys(db);
    if (values.json) out(`${JSON.stringify(keys.map(keyView), null, 2)}\n`);
    else if (!keys.length) out('No API keys.\n');
    else for (const k of keys) out(row(k));
    return 0;
  });
}

async function revoke(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...STORE_OPTIONS, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) return help(HELP.revoke!);
  if (positionals.length !== 1) throw new UsageError('give exactly one key id (see `flero keys list`)');
  const id = positionals[0]!;
  return withStore(values, async ({ db }) => {
    const existing = await getKey(db, id);
    if (!existing) return fail(`no API key with id "${id}" (see \`flero keys list\`)`);
    if (existing.revokedAt) {
      out(`${id} was already revoked at ${existing.revokedAt}\n`);
      return 0;
    }
    const r = await revokeKey(db, id);
    await insertAudit(db, { event: 'key.revoked', target: id, detail: { name: existing.name, via: 'cli' } });
    out(`Revoked ${id} (${JSON.stringify(existing.name)}) at ${r?.revokedAt}\n`);
    return 0;
  });
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const commands: Record<string, (a: string[]) => Promise<number>> = { create, list: listCmd, revoke };
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    out(HELP['']!);
    return sub ? 0 : 2;
  }
  const cmd = commands[sub];
  if (!cmd) return fail(`unknown command "${sub}"\n\n${HELP['']}`, 2);
  try {
    return await cmd(rest);
  } catch (e) {
    if (e instanceof UsageError) return fail(`${e.message}\n\n${HELP[sub]}`, 2);
    throw e;
  }
}
