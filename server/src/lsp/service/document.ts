// The parsed workflow document: jsonc-parser's tree (the parser VS Code uses for JSON) plus exact offset arithmetic.
// Offsets are UTF-16 indices into the file text; `stringOffset` maps an index inside a JSON string's decoded value
// (Code-node source, a URL, a header value) back to the file through escape sequences, so ranges land exactly.
import { findNodeAtLocation, getNodeValue, type Node as JsonNode, type ParseError, parseTree } from './jsonc';
import type { Position, Range } from 'vscode-languageserver-types';
import { child, computeLineStarts, decodedIndexIn, stringMap } from '../../core/jsonText';
import { fastParseTree } from './fastTree';

export { child, computeLineStarts, stringMap };

export type { JsonNode };
export type JsonPath = (string | number)[];

export interface FleroDocument {
  uri: string;
  version: number;
  text: string;
  root: JsonNode | undefined;
  parseErrors: ParseError[];
  /** The decoded JSON value (undefined if the text is not JSON at all). */
  value: unknown;
  /** Offsets where lines start (computed on first use). */
  readonly lineStarts: number[];
}

class ParsedDocument implements FleroDocument {
  private lines?: number[];
  constructor(
    readonly uri: string,
    readonly version: number,
    readonly text: string,
    readonly root: JsonNode | undefined,
    readonly parseErrors: ParseError[],
    readonly value: unknown,
  ) {}
  get lineStarts(): number[] {
    this.lines ??= computeLineStarts(this.text);
    return this.lines;
  }
}

export function parseDocument(uri: string, text: string, version = 0): FleroDocument {
  // Fast path for a well-formed document; jsonc-parser (error recovery, messages) for a broken one.
  const fast = fastParseTree(text);
  if (fast) {
    return new ParsedDocument(uri, version, text, fast.root, [], fast.value);
  }
  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { allowTrailingComma: false, disallowComments: false });
  return new ParsedDocument(uri, version, text, root, parseErrors, root ? getNodeValue(root) : undefined);
}

export function positionAt(doc: Pick<FleroDocument, 'lineStarts' | 'text'>, offset: number): Position {
  const o = Math.max(0, Math.min(offset, doc.text.length));
  const starts = doc.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= o) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: o - starts[lo]! };
}

export function offsetAt(doc: Pick<FleroDocument, 'lineStarts' | 'text'>, pos: Position): number {
  const start = doc.lineStarts[pos.line];
  if (start === undefined) return doc.text.length;
  return Math.min(start + pos.character, doc.text.length);
}

export function rangeOf(doc: Pick<FleroDocument, 'lineStarts' | 'text'>, start: number, end: number): Range {
  return { start: positionAt(doc, start), end: positionAt(doc, end) };
}

export function nodeAt(doc: FleroDocument, path: JsonPath): JsonNode | undefined {
  return doc.root ? findNodeAtLocation(doc.root, path) : undefined;
}

/** The property node (`"key": value`) whose value is `valueNode`, if any. */
export function propertyOf(valueNode: JsonNode): JsonNode | undefined {
  return valueNode.parent?.type === 'property' ? valueNode.parent : undefined;
}

/** Properties of an object node as [keyNode, valueNode] pairs. */
export function properties(obj: JsonNode | undefined): [JsonNode, JsonNode][] {
  if (!obj || obj.type !== 'object') return [];
  const out: [JsonNode, JsonNode][] = [];
  for (const p of obj.children ?? []) {
    const k = p.children?.[0];
    const v = p.children?.[1];
    if (k && v) out.push([k, v]);
  }
  return out;
}

/** File offset of decoded index `index` inside string node `node`. */
export function stringOffset(doc: FleroDocument, node: JsonNode, index: number): number {
  const map = stringMap(doc.text, node);
  return map[Math.max(0, Math.min(index, map.length - 1))]!;
}

/** Decoded index inside `node` of a file offset (for a cursor inside a string), or -1 when outside the quotes. */
export function decodedIndexAt(doc: FleroDocument, node: JsonNode, offset: number): number {
  return decodedIndexIn(doc.text, node, offset);
}

/** JSON-escapes `s` for insertion inside an existing string literal (no surrounding quotes). */
export function escapeForJsonString(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}
