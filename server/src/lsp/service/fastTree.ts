// A fast JSON(C) tree builder for the common case: a well-formed document (comments allowed). It produces the same
// node shape as jsonc-parser's `parseTree` (type, offset, length, value, children, parent, colonOffset), so every
// jsonc-parser helper works on it. On the first syntax error it gives up (returns undefined) and the caller falls
// back to jsonc-parser, whose error recovery and messages we want for broken documents.
import type { Node as JsonNode } from './jsonc';

class Bail extends Error {}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: raw control characters are not allowed in JSON strings
const CONTROL = /[\u0000-\u001f]/;

type Mutable = { -readonly [K in keyof JsonNode]: JsonNode[K] };

export function fastParseTree(text: string): { root: JsonNode; comments: boolean; value: unknown } | undefined {
  let i = 0;
  /** The JS value of the node parsed last (built alongside the tree, as JSON.parse would). */
  let out: unknown;
  let comments = false;
  const n = text.length;

  const skip = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else if (c === 47 /* / */) {
        const d = text.charCodeAt(i + 1);
        comments = true;
        if (d === 47) {
          while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
        } else if (d === 42) {
          const end = text.indexOf('*/', i + 2);
          if (end < 0) throw new Bail();
          i = end + 2;
        } else throw new Bail();
      } else if (c === 0xfeff && i === 0) i++;
      else return;
    }
  };

  const string = (parent: JsonNode | undefined): JsonNode => {
    const start = i;
    // Jump from quote to quote; a quote preceded by an odd number of backslashes is escaped.
    let q = text.indexOf('"', start + 1);
    for (;;) {
      if (q < 0) throw new Bail();
      let k = q - 1;
      while (text.charCodeAt(k) === 92) k--;
      if ((q - 1 - k) % 2 === 0) break;
      q = text.indexOf('"', q + 1);
    }
    i = q + 1;
    const raw = text.slice(start + 1, q);
    if (CONTROL.test(raw)) throw new Bail();
    let value = raw;
    if (raw.includes('\\')) {
      try {
        value = JSON.parse(text.slice(start, i)) as string;
      } catch {
        throw new Bail();
      }
    }
    out = value;
    return { type: 'string', offset: start, length: i - start, value, parent } as JsonNode;
  };

  const value = (parent: JsonNode | undefined): JsonNode => {
    // (objects and arrays are filled in place, then handed out as read-only nodes)
    skip();
    const c = text.charCodeAt(i);
    const start = i;
    if (c === 123 /* { */) {
      const node = { type: 'object', offset: start, length: 0, children: [] as JsonNode[], parent } as Mutable;
      const obj: Record<string, unknown> = {};
      i++;
      skip();
      if (text.charCodeAt(i) === 125) {
        i++;
        node.length = i - start;
        out = obj;
        return node as JsonNode;
      }
      for (;;) {
        skip();
        if (text.charCodeAt(i) !== 34) throw new Bail();
        const prop = { type: 'property', offset: i, length: 0, children: [] as JsonNode[], parent: node } as Mutable;
        const key = string(prop as JsonNode);
        skip();
        if (text.charCodeAt(i) !== 58) throw new Bail();
        prop.colonOffset = i;
        i++;
        const v = value(prop as JsonNode);
        if (key.value === '__proto__')
          Object.defineProperty(obj, '__proto__', { value: out, enumerable: true, writable: true, configurable: true });
        else obj[key.value as string] = out;
        prop.children!.push(key, v);
        prop.length = v.offset + v.length - prop.offset;
        node.children!.push(prop as JsonNode);
        skip();
        const d = text.charCodeAt(i);
        i++;
        if (d === 44) continue;
        if (d === 125) break;
        throw new Bail();
      }
      node.length = i - start;
      out = obj;
      return node as JsonNode;
    }
    if (c === 91 /* [ */) {
      const node = { type: 'array', offset: start, length: 0, children: [] as JsonNode[], parent } as Mutable;
      const arr: unknown[] = [];
      i++;
      skip();
      if (text.charCodeAt(i) === 93) {
        i++;
        node.length = i - start;
        out = arr;
        return node as JsonNode;
      }
      for (;;) {
        node.children!.push(value(node as JsonNode));
        arr.push(out);
        skip();
        const d = text.charCodeAt(i);
        i++;
        if (d === 44) continue;
        if (d === 93) break;
        throw new Bail();
      }
      node.length = i - start;
      out = arr;
      return node as JsonNode;
    }
    if (c === 34) return string(parent);
    if (c === 116 && text.startsWith('true', i)) {
      i += 4;
      out = true;
      return { type: 'boolean', offset: start, length: 4, value: true, parent } as JsonNode;
    }
    if (c === 102 && text.startsWith('false', i)) {
      i += 5;
      out = false;
      return { type: 'boolean', offset: start, length: 5, value: false, parent } as JsonNode;
    }
    if (c === 110 && text.startsWith('null', i)) {
      i += 4;
      out = null;
      return { type: 'null', offset: start, length: 4, value: null, parent } as JsonNode;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      NUMBER.lastIndex = i;
      const hit = NUMBER.exec(text);
      if (!hit) throw new Bail();
      i += hit[0].length;
      out = Number(hit[0]);
      return { type: 'number', offset: start, length: hit[0].length, value: out, parent } as JsonNode;
    }
    throw new Bail();
  };

  try {
    const root = value(undefined);
    skip();
    if (i !== n) return undefined;
    return { root, comments, value: out };
  } catch (err) {
    if (err instanceof Bail) return undefined;
    throw err;
  }
}
