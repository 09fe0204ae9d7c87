// Code lenses, hover, completion and document symbols: the service's answers, offsets converted to LSP ranges.
import { type CompletionItem, CompletionItemKind, SymbolKind } from 'vscode-languageserver';
import { completion, hover } from '../service/assist';
import { offsetAt, rangeOf } from '../service/document';
import { codeLenses, documentSymbols } from '../service/lenses';
import type { ServerContext } from './context';

const KINDS = {
  value: CompletionItemKind.Value,
  type: CompletionItemKind.Class,
  credential: CompletionItemKind.Reference,
  method: CompletionItemKind.EnumMember,
  variable: CompletionItemKind.Variable,
  node: CompletionItemKind.Module,
} as const;

export function registerAssist({ connection, cache, ctx }: ServerContext): void {
  connection.onCodeLens((params) => {
    const a = cache.get(params.textDocument.uri);
    if (!a) return [];
    return codeLenses(a.doc, ctx).map((l) => ({
      range: rangeOf(a.doc, l.start, l.end),
      command: { title: l.title, command: l.command, arguments: l.arguments },
    }));
  });

  connection.onHover((params) => {
    const a = cache.get(params.textDocument.uri);
    if (!a) return null;
    const h = hover(a.doc, ctx, offsetAt(a.doc, params.position));
    return h ? { contents: { kind: 'markdown', value: h.markdown }, range: rangeOf(a.doc, h.start, h.end) } : null;
  });

  connection.onCompletion((params) => {
    const a = cache.get(params.textDocument.uri);
    if (!a) return [];
    return completion(a.doc, ctx, offsetAt(a.doc, params.position)).map(
      (c): CompletionItem => ({
        label: c.label,
        kind: KINDS[c.kind],
        ...(c.detail ? { detail: c.detail } : {}),
        ...(c.documentation ? { documentation: { kind: 'markdown', value: c.documentation } } : {}),
        textEdit: { range: rangeOf(a.doc, c.start, c.end), newText: c.newText },
        filterText: c.newText,
      }),
    );
  });

  connection.onDocumentSymbol((params) => {
    const a = cache.get(params.textDocument.uri);
    if (!a) return [];
    return documentSymbols(a.doc).map((s) => ({
      name: s.name,
      detail: s.detail,
      kind: SymbolKind.Object,
      range: rangeOf(a.doc, s.start, s.end),
      selectionRange: rangeOf(a.doc, s.selectionStart, s.selectionEnd),
    }));
  });
}
