// Errors a command shows as a sentence plus buttons instead of a stack trace.

/** A precondition is missing (not signed in, no server, no workflow open): explain and offer the fix. */
export class PreconditionError extends Error {
  constructor(
    message: string,
    readonly actions: { title: string; command: string }[] = [],
  ) {
    super(message);
  }
}

/** The user dismissed a prompt: the command ends quietly. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/** Turns an undefined prompt result into a quiet cancellation. */
export function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Cancelled();
  return value;
}
