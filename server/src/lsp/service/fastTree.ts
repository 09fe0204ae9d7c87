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

/** A cursor over the text; each method parses one construct at `i` and leaves `out` = its JS value. */
class Scanner {
  i = 0;
  /** The JS value of the node parsed last (built alongside the tree, as JSON.parse would). */
  out: unknown;
  comments = false;
  private readonly n: number;

  constructor(private readonly text: string) {
    this.n = text.length;
  }

  /** Whitespace, comments and a leading BOM. */
  skip(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.i);
      if (c === 32 || c === 10 || c === 13 || c === 9) this.i++;
      else if (c === 47 /* / */) {
        const d = text.charCodeAt(this.i + 1);
        this.comments = true;
        if (d === 47) {
          while (this.i < this.n && text.charCodeAt(this.i) !== 10 && text.charCodeAt(this.i) !== 13) this.i++;
        } else if (d === 42) {
          const end = text.indexOf('*/', this.i + 2);
          if (end < 0) throw new Bail();
          this.i = end + 2;
        } else throw new Bail();
      } else if (c === 0xfeff && this.i === 0) this.i++;
      else return;
    }
  }

  atEnd(): boolean {
    return this.i === this.n;
  }

  string(parent: JsonNode | undefined): JsonNode {
    const text = this.text;
    const start = this.i;
    // Jump from quote to quote; a quote preceded by an odd number of backslashes is escaped.
    let q = text.indexOf('"', start + 1);
    for (;;) {
      if (q < 0) throw new Bail();
      let k = q - 1;
      while (text.charCodeAt(k) === 92) k--;
      if ((q - 1 - k) % 2 === 0) break;
      q = text.indexOf('"', q + 1);
    }
    this.i = q + 1;
    const raw = text.slice(start + 1, q);
    if (CONTROL.test(raw)) throw new Bail();
    let value = raw;
    if (raw.includes('\\')) {
      try {
        value = JSON.parse(text.slice(start, this.i)) as string;
      } catch {
        throw new Bail();
      }
    }
    this.out = value;
    return { type: 'string', offset: start, length: this.i - start, value, parent } as JsonNode;
  }

  value(parent: JsonNode | undefined): JsonNode {
    this.skip();
    const c = this.text.charCodeAt(this.i);
    if (c === 123 /* { */) return this.object(parent);
    if (c === 91 /* [ */) return this.array(parent);
    if (c === 34) return this.string(parent);
    return this.scalar(c, parent);
  }

  // (objects and arrays are filled in place, then handed out as read-only nodes)
  private object(parent: JsonNode | undefined): JsonNode {
    const text = this.text;
    const start = this.i;
    const node = { type: 'object', offset: start, length: 0, children: [] as JsonNode[], parent } as Mutable;
    const obj: Record<string, unknown> = {};
    this.i++;
    this.skip();
    if (text.charCodeAt(this.i) === 125) {
      this.i++;
      node.length = this.i - start;
      this.out = obj;
      return node as JsonNode;
    }
    for (;;) {
      this.skip();
      if (text.charCodeAt(this.i) !== 34) throw new Bail();
      const prop = { type: 'property', offset: this.i, length: 0, children: [] as JsonNode[], parent: node } as Mutable;
      const key = this.string(prop as JsonNode);
      this.skip();
      if (text.charCodeAt(this.i) !== 58) throw new Bail();
      prop.colonOffset = this.i;
      this.i++;
      const v = this.value(prop as JsonNode);
      if (key.value === '__proto__')
        Object.defineProperty(obj, '__proto__', {
          value: this.out,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else obj[key.value as string] = this.out;
      prop.children!.push(key, v);
      prop.length = v.offset + v.length - prop.offset;
      node.children!.push(prop as JsonNode);
      this.skip();
      const d = text.charCodeAt(this.i);
      this.i++;
      if (d === 44) continue;
      if (d === 125) break;
      throw new Bail();
    }
    node.length = this.i - start;
    this.out = obj;
    return node as JsonNode;
  }

  private array(parent: JsonNode | undefined): JsonNode {
    const text = this.text;
    const start = this.i;
    const node = { type: 'array', offset: start, length: 0, children: [] as JsonNode[], parent } as Mutable;
    const arr: unknown[] = [];
    this.i++;
    this.skip();
    if (text.charCodeAt(this.i) === 93) {
      this.i++;
      node.length = this.i - start;
      this.out = arr;
      return node as JsonNode;
    }
    for (;;) {
      node.children!.push(this.value(node as JsonNode));
      arr.push(this.out);
      this.skip();
      const d = text.charCodeAt(this.i);
      this.i++;
      if (d === 44) continue;
      if (d === 93) break;
      throw new Bail();
    }
    node.length = this.i - start;
    this.out = arr;
    return node as JsonNode;
  }

  /** `true`, `false`, `null`, a number; `c` is the character at `i`. */
  private scalar(c: number, parent: JsonNode | undefined): JsonNode {
    const text = this.text;
    const start = this.i;
    if (c === 116 && text.startsWith('true', start)) {
      this.i += 4;
      this.out = true;
      return { type: 'boolean', offset: start, length: 4, value: true, parent } as JsonNode;
    }
    if (c === 102 && text.startsWith('false', start)) {
      this.i += 5;
      this.out = false;
      return { type: 'boolean', offset: start, length: 5, value: false, parent } as JsonNode;
    }
    if (c === 110 && text.startsWith('null', start)) {
      this.i += 4;
      this.out = null;
      return { type: 'null', offset: start, length: 4, value: null, parent } as JsonNode;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      NUMBER.lastIndex = start;
      const hit = NUMBER.exec(text);
      if (!hit) throw new Bail();
      this.i += hit[0].length;
      this.out = Number(hit[0]);
      return { type: 'number', offset: start, length: hit[0].length, value: this.out, parent } as JsonNode;
    }
    throw new Bail();
  }
}

export function fastParseTree(text: string): { root: JsonNode; comments: boolean; value: unknown } | undefined {
  const s = new Scanner(text);
  try {
    const root = s.value(undefined);
    s.skip();
    if (!s.atEnd()) return undefined;
    return { root, comments: s.comments, value: s.out };
  } catch (err) {
    if (err instanceof Bail) return undefined;
    throw err;
  }
}
