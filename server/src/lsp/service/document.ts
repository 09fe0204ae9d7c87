// The parsed workflow document: jsonc-parser's tree (the parser VS Code uses for JSON) plus exact offset arithmetic.
// Offsets are UTF-16 indices into the file text; `stringOffset` maps an index inside a JSON string's decoded value
// (Code-node source, a URL, a header value) back to the file through escape sequences, so ranges land exactly.
import { findNodeAtLocation, getNodeValue, type Node as JsonNode, type ParseError, parseTree } from './jsonc';
import type { Position, Range } from 'vscode-languageserver-types';
import { fastParseTree } from './fastTree';

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

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) starts.push(i + 1);
  }
  return starts;
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

/** Child value of an object node by key. */
export function child(obj: JsonNode | undefined, key: string): JsonNode | undefined {
  if (!obj || obj.type !== 'object') return undefined;
  for (const p of obj.children ?? []) if (p.children?.[0]?.value === key) return p.children[1];
  return undefined;
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

const maps = new WeakMap<JsonNode, Int32Array>();

/**
 * For a string node: `map[i]` is the file offset of the decoded value's UTF-16 unit `i`; `map[length]` is the offset
 * of the closing quote. Escapes (`\n`, `\"`, `\uXXXX`, …) make several file characters one decoded unit.
 */
export function stringMap(text: string, node: JsonNode): Int32Array {
  let map = maps.get(node);
  if (map) return map;
  const start = node.offset + 1;
  const end = node.offset + node.length - 1;
  const value = typeof node.value === 'string' ? node.value : '';
  map = new Int32Array(value.length + 1);
  let i = start;
  let j = 0;
  while (i < end && j < value.length) {
    map[j++] = i;
    if (text.charCodeAt(i) === 92 /* \ */) i += text.charCodeAt(i + 1) === 117 /* u */ ? 6 : 2;
    else i++;
  }
  for (; j <= value.length; j++) map[j] = Math.min(i, end);
  maps.set(node, map);
  return map;
}

/** File offset of decoded index `index` inside string node `node`. */
export function stringOffset(doc: FleroDocument, node: JsonNode, index: number): number {
  const map = stringMap(doc.text, node);
  return map[Math.max(0, Math.min(index, map.length - 1))]!;
}

/** Decoded index inside `node` of a file offset (for a cursor inside a string), or -1 when outside the quotes. */
export function decodedIndexAt(doc: FleroDocument, node: JsonNode, offset: number): number {
  if (node.type !== 'string' || offset <= node.offset || offset >= node.offset + node.length) return -1;
  const map = stringMap(doc.text, node);
  let lo = 0;
  let hi = map.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (map[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** JSON-escapes `s` for insertion inside an existing string literal (no surrounding quotes). */
export function escapeForJsonString(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}
