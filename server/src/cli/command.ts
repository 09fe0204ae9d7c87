// A `flero` command: its spec (parser.ts: options, positionals, help) and what it does. `runCommand` is the one
// place that turns outcomes into exit codes and stderr lines: usage errors → 2, API and operation failures → 1.
import { explainApiError } from '../apiClient/errors';
import { FleroApiError } from '../apiClient/transport';
import {
  type CommandSpec,
  helpText,
  type OptionSpec,
  type Parsed,
  parseCommand,
  reportUsage,
  UsageError,
} from './parser';

/** An operation that failed in a way the user reads and may act on (exit 1), e.g. "no workflow files in ./flows". */
export class CommandError extends Error {}

export interface Command<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  spec: CommandSpec<O>;
  run(argv: string[]): Promise<number>;
}

type Ok<O extends Record<string, OptionSpec>> = Extract<Parsed<O>, { help: false }>;

/** What to tell a user whose key was refused (401) by a server. */
export const ON_UNAUTHORIZED =
  'Set FLERO_API_KEY to a valid, unexpired key of this server (`flero keys create` makes one).';

export function defineCommand<const O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  handler: (args: Ok<O>) => Promise<number | undefined> | number | undefined,
): Command<O> {
  return {
    spec,
    async run(argv) {
      try {
        const parsed = parseCommand(spec, argv);
        if (parsed.help) {
          process.stdout.write(helpText(spec as CommandSpec));
          return 0;
        }
        return (await handler(parsed)) ?? 0;
      } catch (e) {
        return reportFailure(e, spec.name);
      }
    },
  };
}

export function reportFailure(e: unknown, command: string): number {
  if (e instanceof UsageError) return reportUsage(e, command);
  if (e instanceof FleroApiError) {
    process.stderr.write(`flero ${command}: ${explainApiError(e, { onUnauthorized: ON_UNAUTHORIZED })}\n`);
    return 1;
  }
  if (e instanceof CommandError) {
    process.stderr.write(`flero ${command}: ${e.message}\n`);
    return 1;
  }
  throw e;
}
