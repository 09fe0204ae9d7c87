// JSON text arithmetic shared by the language server (lsp/service/document.ts) and the extension (Code nodes as
// JavaScript): line starts, and the map between a JSON string's decoded value and the file offsets of its characters
// through escape sequences. Works on jsonc-parser's tree nodes (the parser VS Code uses for JSON); no parsing here.
import type { Node as JsonNode } from 'jsonc-parser';

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

/** Child value of an object node by key. */
export function child(obj: JsonNode | undefined, key: string): JsonNode | undefined {
  if (!obj || obj.type !== 'object') return undefined;
  for (const p of obj.children ?? []) if (p.children?.[0]?.value === key) return p.children[1];
  return undefined;
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

/** Decoded index inside string node `node` of a file offset (for a cursor inside a string), or -1 outside the quotes. */
export function decodedIndexIn(text: string, node: JsonNode, offset: number): number {
  if (node.type !== 'string' || offset <= node.offset || offset >= node.offset + node.length) return -1;
  const map = stringMap(text, node);
  let lo = 0;
  let hi = map.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (map[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
