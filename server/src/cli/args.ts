// Shared option handling for the CLI commands (node:util parseArgs, strict) and THE usage error (exit code 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command line the user must fix: the command prints the message (with its help when `showHelp`) and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** True for an unknown or malformed option (from `parse`): the help follows the message. */
    readonly showHelp = false,
  ) {
    super(message);
  }
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  positionals = false,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: positionals });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''), true);
  }
}

/** Store options shared by serve and keys. `FLERO_DATABASE_URL` (read by the caller) keeps a password out of `ps`. */
export const STORE_OPTIONS = {
  data: { type: 'string' },
  'database-url': { type: 'string' },
} as const;

export function storeTarget(
  values: { data?: string | undefined; 'database-url'?: string | undefined },
  databaseUrlFromEnv: string | undefined,
): { dataDir?: string; databaseUrl?: string } {
  const url = values['database-url'] ?? databaseUrlFromEnv;
  if (url !== undefined) {
    if (values.data !== undefined) throw new UsageError('give either --data or --database-url, not both');
    if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError('--database-url must be a postgres://… URL');
    return { databaseUrl: url };
  }
  return { dataDir: values.data ?? '.flero' };
}
