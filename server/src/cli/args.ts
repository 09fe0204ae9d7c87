// Option handling shared by commands whose options come from a table of their own (serve's SETTINGS): node:util
// parseArgs with the errors of THE parser (parser.ts), and the store target options of serve and keys.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { parseArgsMessage, UsageError } from './parser';

export { UsageError };

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  command: string,
  positionals = false,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: positionals });
  } catch (err) {
    throw new UsageError(parseArgsMessage(err as Error & { code?: string }, Object.keys(options)), command);
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
  const url = values['database-url'] ?? (databaseUrlFromEnv || undefined);
  if (url !== undefined) {
    if (values.data !== undefined) throw new UsageError('give either --data or --database-url, not both');
    if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError('--database-url must be a postgres://… URL');
    return { databaseUrl: url };
  }
  return { dataDir: values.data ?? '.flero' };
}
