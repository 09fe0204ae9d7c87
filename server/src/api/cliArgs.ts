// Shared option handling for `flero serve` and `flero keys` (node:util parseArgs, strict).
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  positionals = false,
) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: positionals });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/** Store options shared by serve and keys. `FLERO_DATABASE_URL` keeps a password out of the process list. */
export const STORE_OPTIONS = {
  data: { type: 'string' },
  'database-url': { type: 'string' },
} as const;

export function storeTarget(values: { data?: string; 'database-url'?: string }): {
  dataDir?: string;
  databaseUrl?: string;
} {
  const url = values['database-url'] ?? process.env.FLERO_DATABASE_URL;
  if (url !== undefined) {
    if (values.data !== undefined) throw new UsageError('give either --data or --database-url, not both');
    if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError('--database-url must be a postgres://… URL');
    return { databaseUrl: url };
  }
  return { dataDir: values.data ?? '.flero' };
}
