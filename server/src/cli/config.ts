// `flero serve`'s configuration: THE table of every flag and FLERO_* variable the server reads (name, flag, env var,
// type, default, description), the one place they are read (`loadServerConfig(argv, env)`), and the typed
// `ServerConfig` that is passed down from here (AppOptions, openStore, configureSandbox). `flero serve --help` and the
// README's serve table are generated from SETTINGS (test/unit/config.test.ts fails when the README disagrees).
// Below the CLI nothing reads the environment (test/unit/no-env.test.ts).
import { DURATION_FORMAT, parseDuration } from '../core/duration';
import { DEFAULT_KEY_PREFIX, isValidPrefix, KEY_PREFIX_PATTERN } from '../core/keys';
import { parseServiceBaseUrls } from '../core/services';
import { parse, storeTarget, UsageError } from './args';

/** Everything `flero serve` runs with. Secrets (`masterKey`, a password in `databaseUrl`) are never logged. */
export interface ServerConfig {
  host: string;
  port: number;
  /** Embedded store directory (undefined with `databaseUrl`). */
  dataDir: string | undefined;
  databaseUrl: string | undefined;
  keyPrefix: string;
  ownerKeyFile: string | undefined;
  /** undefined = the app's default (30 s). */
  runWaitMs: number | undefined;
  runTimeLimitMs: number;
  keepExecutions: number;
  executionsMaxAgeMs: number | undefined;
  /** The longest lifetime of a minted API key (ms), or undefined (no limit). */
  maxKeyLifetimeMs: number | undefined;
  /** FLERO_MASTER_KEY as given (base64 of 32 bytes); undefined or empty = the key file beside the data dir. */
  masterKey: string | undefined;
  serviceBaseUrls: Record<string, string> | undefined;
  authFailureLimit: number;
  authFailureWindowMs: number;
  /** Leaked-key reports per address per minute. */
  leakReportLimit: number;
  /** Execution lease ttl; undefined = the lease keeper's default (15 s). */
  leaseMs: number | undefined;
  /** Code-node worker threads; undefined = one per core but one, 1 to 8. */
  codeWorkers: number | undefined;
  logTiming: boolean;
}

export type SettingType = 'string' | 'port' | 'path' | 'url' | 'integer' | 'duration' | 'boolean' | 'list' | 'secret';

export interface Setting {
  /** The ServerConfig field. */
  name: keyof ServerConfig;
  /** `--flag VALUE` as shown in help, or undefined (environment only). */
  flag?: string;
  env?: string;
  type: SettingType;
  /** The default as shown to people (help, README); undefined = none. */
  default?: string;
  description: string;
}

/** THE table. Order = the order of `flero serve --help` and of the README table. */
export const SETTINGS: readonly Setting[] = [
  {
    name: 'host',
    flag: '--host HOST',
    type: 'string',
    default: '127.0.0.1',
    description: 'interface to bind; 0.0.0.0 works but warns: anyone who can reach the machine can reach the API',
  },
  {
    name: 'port',
    flag: '--port PORT',
    type: 'port',
    default: '8787',
    description: 'TCP port; 0 = any free port (the real one is printed)',
  },
  {
    name: 'dataDir',
    flag: '--data DIR',
    type: 'path',
    default: '.flero',
    description: 'the embedded store directory; one server per directory',
  },
  {
    name: 'databaseUrl',
    flag: '--database-url URL',
    env: 'FLERO_DATABASE_URL',
    type: 'url',
    description:
      'PostgreSQL (postgres://user:pass@host:5432/db) instead of the embedded store; several servers may share one database (the variable keeps the password out of `ps`)',
  },
  {
    name: 'keyPrefix',
    flag: '--key-prefix PREFIX',
    type: 'string',
    default: DEFAULT_KEY_PREFIX,
    description: `prefix of new API keys; must match ${KEY_PREFIX_PATTERN}`,
  },
  {
    name: 'ownerKeyFile',
    flag: '--owner-key-file PATH',
    type: 'path',
    description: 'on first start, write the owner key here (mode 0600) instead of printing it',
  },
  {
    name: 'runWaitMs',
    flag: '--run-wait-ms N',
    env: 'FLERO_RUN_WAIT_MS',
    type: 'integer',
    default: '30000',
    description: 'how long POST /api/workflows/{id}/run waits for the run before answering 202 + Location (ms)',
  },
  {
    name: 'runTimeLimitMs',
    flag: '--run-time-limit D',
    type: 'duration',
    default: '10m',
    description: 'a run still going after D is stopped and fails ("exceeded its time limit")',
  },
  {
    name: 'keepExecutions',
    flag: '--keep-executions N',
    type: 'integer',
    default: '10000',
    description: 'keep the newest N finished executions; older ones are pruned (at start, after runs, every minute)',
  },
  {
    name: 'executionsMaxAgeMs',
    flag: '--executions-max-age D',
    type: 'duration',
    description: 'also prune finished executions started longer ago than D',
  },
  {
    name: 'maxKeyLifetimeMs',
    flag: '--max-key-lifetime D',
    env: 'FLERO_MAX_KEY_LIFETIME',
    type: 'duration',
    description:
      'the longest lifetime of a minted API key: a key without expiry gets now + D, a longer one is refused (400 `key_lifetime_exceeded`); the owner key made at first start is exempt',
  },
  {
    name: 'masterKey',
    env: 'FLERO_MASTER_KEY',
    type: 'secret',
    description:
      'credentials master key (32 random bytes, base64); default: a mode-0600 key file beside the data dir; required with PostgreSQL (the same on every server)',
  },
  {
    name: 'serviceBaseUrls',
    env: 'FLERO_SERVICE_BASE_URLS',
    type: 'list',
    description:
      'service=http(s)://… base-URL overrides, comma-separated (e.g. tests against a local upstream); never sends a credential outside its hosts',
  },
  {
    name: 'authFailureLimit',
    env: 'FLERO_AUTH_FAILURE_LIMIT',
    type: 'integer',
    default: '20',
    description: 'failed authentications from one address within the window before 429',
  },
  {
    name: 'authFailureWindowMs',
    env: 'FLERO_AUTH_FAILURE_WINDOW_MS',
    type: 'integer',
    default: '60000',
    description: 'the failed-authentication window (ms)',
  },
  {
    name: 'leakReportLimit',
    env: 'FLERO_LEAK_REPORT_LIMIT',
    type: 'integer',
    default: '10',
    description: 'leaked-key reports (POST /api/leaked-keys) from one address per minute before 429',
  },
  {
    name: 'leaseMs',
    env: 'FLERO_LEASE_MS',
    type: 'integer',
    default: '15000',
    description: 'execution lease (ms): a run whose server stopped renewing it is finished as failed by a live server',
  },
  {
    name: 'codeWorkers',
    env: 'FLERO_CODE_WORKERS',
    type: 'integer',
    default: 'cores − 1 (1 to 8)',
    description: 'worker threads for code nodes (at most 64)',
  },
  {
    name: 'logTiming',
    env: 'FLERO_LOG_TIMING',
    type: 'boolean',
    default: 'off',
    description: 'any non-empty value: print start-up timings on stderr',
  },
];

const setting = (name: keyof ServerConfig): Setting => SETTINGS.find((s) => s.name === name)!;

/** The `--long` name of a setting's flag (`--run-wait-ms N` → `run-wait-ms`). */
function longName(s: Setting): string | undefined {
  return s.flag ? s.flag.split(' ')[0]!.slice(2) : undefined;
}

/** node:util parseArgs options, from the table (all flags take a string; defaults are applied in `resolve`). */
const OPTIONS = {
  ...Object.fromEntries(SETTINGS.flatMap((s) => (s.flag ? [[longName(s)!, { type: 'string' as const }]] : []))),
  help: { type: 'boolean', short: 'h' },
} as Record<string, { type: 'string' } | { type: 'boolean'; short: string }>;

/** `text` wrapped to 118 columns, continuation lines indented by `indent` spaces. */
function wrap(first: string, text: string, indent: number): string {
  const lines: string[] = [];
  let line = first.padEnd(indent);
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > 118 && line.trim()) {
      lines.push(line.trimEnd());
      line = ''.padEnd(indent);
    }
    line += `${word} `;
  }
  lines.push(line.trimEnd());
  return lines.join('\n');
}

function helpRow(s: Setting): string {
  const extra = [s.default !== undefined ? `default ${s.default}` : '', s.env ? `or ${s.env}` : '']
    .filter(Boolean)
    .join('; ');
  const text = `${s.description}${s.type === 'duration' ? ` (${DURATION_FORMAT})` : ''}${extra ? ` (${extra})` : ''}`;
  return wrap(`  ${s.flag!} `, text, 25);
}

/** `flero serve --help`, generated from SETTINGS. */
export function serveHelp(): string {
  const flags = SETTINGS.filter((s) => s.flag).map(helpRow);
  const envOnly = SETTINGS.filter((s) => !s.flag).map((s) =>
    wrap(`  ${s.env!} `, `${s.description}${s.default !== undefined ? ` (default ${s.default})` : ''}`, 32),
  );
  return [
    'Usage: flero serve [options]',
    '',
    'Runs the Flero API server. Prints "Flero API listening on http://HOST:PORT" when ready.',
    '',
    'Options:',
    ...flags,
    `  ${'-h, --help'.padEnd(22)} show this help`,
    '',
    'Environment (a flag wins over its variable):',
    ...envOnly,
    '',
    'On first start with an empty store the server creates an owner key (all scopes, all workflows).',
    'Stop with Ctrl-C (SIGINT) or SIGTERM: requests in flight finish, lastUsedAt is flushed.',
    '',
  ].join('\n');
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The README's serve table (between its `<!-- serve-settings -->` markers), generated from SETTINGS. */
export function settingsMarkdown(): string {
  const rows = SETTINGS.map(
    (s) =>
      `| ${s.flag ? `\`${s.flag}\`` : ''} | ${s.env ? `\`${s.env}\`` : ''} | ${s.type} | ${s.default !== undefined ? `\`${s.default}\`` : ''} | ${cell(s.description)} |`,
  );
  return ['| flag | environment | type | default | |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** A setting that is present but wrong where the server already started once with it: exit 1, not a usage error. */
export class ConfigError extends Error {}

type Env = Readonly<Record<string, string | undefined>>;

/** A lenient number from the environment (as since 0.1: not a positive number → the default). */
const envNumber = (text: string | undefined): number | undefined => Number(text) || undefined;

function requireMatch(ok: boolean, message: string): void {
  if (!ok) throw new UsageError(message);
}

function durationOf(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`${flag} must be a duration (${DURATION_FORMAT}); got "${text}"`);
  return ms;
}

function runWaitOf(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const ms = Number(text);
  requireMatch(
    /^\d{1,7}$/.test(text) && ms <= 3_600_000,
    `--run-wait-ms must be a whole number of milliseconds from 0 to 3600000 (got "${text}")`,
  );
  return ms;
}

/** FLERO_CODE_WORKERS for every command that runs code nodes (serve, run, lsp): undefined = the pool's default. */
export function codeWorkersFrom(env: Env): number | undefined {
  const n = Number(env[setting('codeWorkers').env!]);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 64) : undefined;
}

/**
 * Reads `flero serve`'s flags and environment into a ServerConfig ('help' for -h/--help). Throws UsageError (exit 2)
 * for a bad flag, ConfigError (exit 1) for a bad FLERO_SERVICE_BASE_URLS.
 */
export function loadServerConfig(argv: string[], env: Env): ServerConfig | 'help' {
  const { values: raw } = parse(argv, OPTIONS, 'serve');
  if (raw.help) return 'help';
  const values = raw as Record<string, string | undefined>;
  const text = (name: keyof ServerConfig) => values[longName(setting(name))!] ?? setting(name).default!;
  const fromEnv = (name: keyof ServerConfig) => env[setting(name).env!];
  const portText = text('port');
  const port = Number(portText);
  requireMatch(
    /^\d{1,5}$/.test(portText) && port <= 65535,
    `--port must be a number from 0 to 65535 (got "${portText}")`,
  );
  const keyPrefix = text('keyPrefix');
  requireMatch(
    isValidPrefix(keyPrefix),
    `--key-prefix "${keyPrefix}" is invalid: it must match ${KEY_PREFIX_PATTERN} (e.g. acme_sk_)`,
  );
  const runWaitMs = runWaitOf(values['run-wait-ms'] ?? fromEnv('runWaitMs'));
  const runTimeLimitMs = durationOf('--run-time-limit', text('runTimeLimitMs'));
  const keepText = text('keepExecutions');
  const keepExecutions = Number(keepText);
  requireMatch(
    /^\d{1,9}$/.test(keepText) && keepExecutions >= 1,
    `--keep-executions must be a whole number of at least 1 (got "${keepText}")`,
  );
  const maxAge = values['executions-max-age'];
  const executionsMaxAgeMs = maxAge === undefined ? undefined : durationOf('--executions-max-age', maxAge);
  const maxLifetime = values['max-key-lifetime'] ?? fromEnv('maxKeyLifetimeMs');
  const maxKeyLifetimeMs =
    maxLifetime === undefined || maxLifetime === ''
      ? undefined
      : durationOf(
          values['max-key-lifetime'] !== undefined ? '--max-key-lifetime' : 'FLERO_MAX_KEY_LIFETIME',
          maxLifetime,
        );
  const host = text('host');
  requireMatch(host !== '', '--host must not be empty');
  const store = storeTarget(values, fromEnv('databaseUrl'));
  let serviceBaseUrls: Record<string, string> | undefined;
  try {
    serviceBaseUrls = parseServiceBaseUrls(fromEnv('serviceBaseUrls'));
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  return {
    host,
    port,
    dataDir: store.dataDir,
    databaseUrl: store.databaseUrl,
    keyPrefix,
    ownerKeyFile: values['owner-key-file'],
    runWaitMs,
    runTimeLimitMs,
    keepExecutions,
    executionsMaxAgeMs,
    maxKeyLifetimeMs,
    masterKey: fromEnv('masterKey'),
    serviceBaseUrls,
    authFailureLimit: envNumber(fromEnv('authFailureLimit')) ?? 20,
    authFailureWindowMs: envNumber(fromEnv('authFailureWindowMs')) ?? 60_000,
    leakReportLimit: envNumber(fromEnv('leakReportLimit')) ?? 10,
    leaseMs: envNumber(fromEnv('leaseMs')),
    codeWorkers: codeWorkersFrom(env),
    logTiming: Boolean(fromEnv('logTiming')),
  };
}
