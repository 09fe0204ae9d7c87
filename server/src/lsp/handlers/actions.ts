// Quick fixes (`textDocument/codeAction`): the service's code actions for the diagnostics in the requested range,
// as LSP workspace edits.
import { type CodeAction, CodeActionKind } from 'vscode-languageserver';
import { codeActions } from '../service/actions';
import { toLspDiagnostic } from '../service/convert';
import { offsetAt, rangeOf } from '../service/document';
import type { ServerContext } from './context';

export function registerCodeActions({ connection, cache, ctx }: ServerContext): void {
  connection.onCodeAction((params) => {
    const a = cache.get(params.textDocument.uri);
    if (!a) return [];
    cache.diagnosticsOf(a);
    const span = { start: offsetAt(a.doc, params.range.start), end: offsetAt(a.doc, params.range.end) };
    return codeActions(a.doc, ctx, a.diagnostics ?? [], span).map(
      (x): CodeAction => ({
        title: x.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toLspDiagnostic(a.doc, x.diagnostic)],
        edit: {
          changes: {
            [a.doc.uri]: x.edits.map((e) => ({ range: rangeOf(a.doc, e.start, e.end), newText: e.newText })),
          },
        },
        ...(x.command ? { command: x.command } : {}),
        ...(x.isPreferred ? { isPreferred: true } : {}),
      }),
    );
  });
}
