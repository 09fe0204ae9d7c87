// `log-leak`: a data-flow (taint) analysis over a Code node's acorn AST. An abstract interpreter (./interpreter)
// walks the program once, in order, tracking for every variable an abstract value (./values): is it secret-derived
// (and from which source), a constant, an object with known fields, a function. Sources: credential-named
// headers/properties/variables holding non-constant data, `headers.get('authorization')`, auth-scheme strings
// (`'Bearer ' + x`). Flows: assignment, compound assignment, destructuring (defaults, rest), spread, templates,
// concatenation, nesting, local functions (argument → parameter, return → call), and the library calls listed in
// ./knowledge (JSON.stringify, Object.entries, callbacks of array methods, string methods, …). Sinks: console.*,
// log(), logger.*. Offsets are indices into the code string; the caller maps them to the file.
import { parse } from 'acorn';
import type { AstNode } from './ast';
import { Interpreter } from './interpreter';

import type { LeakFinding } from './bindings';

export type { LeakFinding };
export type { LeakSource } from './values';

export interface CodeSyntaxError {
  pos: number;
  message: string;
}

export function parseCode(code: string): { ast?: AstNode; error?: CodeSyntaxError } {
  try {
    const ast = parse(code, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
    }) as AstNode;
    return { ast };
  } catch (err) {
    const e = err as { pos?: number; message?: string };
    return {
      error: { pos: e.pos ?? 0, message: String(e.message ?? 'syntax error').replace(/\s*\(\d+:\d+\)$/, '') },
    };
  }
}

export function findLogLeaks(ast: AstNode): LeakFinding[] {
  return new Interpreter().run(ast);
}
