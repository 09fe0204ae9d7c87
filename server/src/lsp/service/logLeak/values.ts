// The abstract values the log-leak interpreter tracks (is it secret-derived, a constant, an object with known
// fields, a function) and the scopes that bind them, with the lattice operations on values.
import type { AstNode } from './ast';

/** Where a secret-bearing value came from (code-string offsets) and how the message names it. */
export interface LeakSource {
  start: number;
  end: number;
  label: string;
}

/** A function defined in the analysed code, with the scope it closes over. */
export interface FunctionValue {
  params: AstNode[];
  body: AstNode;
  /** An arrow function whose body is an expression (its value is the result). */
  expression: boolean;
  scope: Scope;
  node: AstNode;
}

export interface AbstractValue {
  /** Secret-derived: the source it came from. */
  secret?: LeakSource;
  /** A compile-time constant. */
  constant?: boolean;
  /** The constant's text, when a string. */
  text?: string;
  /** Known fields (objects; arrays by index). */
  fields?: Map<string, AbstractValue>;
  /** Fields / array elements under keys not known statically. */
  otherFields?: AbstractValue;
  func?: FunctionValue;
  /** A header object of unknown content: logging it whole leaks whatever credentials it carries. */
  headerBag?: LeakSource;
}

/** Nothing known, nothing secret. Frozen: never a target of field writes. */
export const CLEAN: AbstractValue = Object.freeze({}) as AbstractValue;
/** A constant of no interest (number, boolean, `undefined`, …). Frozen. */
export const CONST: AbstractValue = Object.freeze({ constant: true }) as AbstractValue;

/** A block's bindings, chained to the enclosing scope. */
export class Scope {
  readonly bindings = new Map<string, AbstractValue>();
  constructor(readonly parent?: Scope) {}

  lookup(name: string): AbstractValue | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const v = s.bindings.get(name);
      if (v) return v;
    }
    return undefined;
  }

  /** The scope that declares `name`, if any. */
  declaring(name: string): Scope | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) if (s.bindings.has(name)) return s;
    return undefined;
  }

  /** The outermost scope (where an undeclared assignment lands). */
  global(): Scope {
    let s: Scope = this;
    while (s.parent) s = s.parent;
    return s;
  }
}

/** The secret a value carries, itself or in any (nested) field; depth-bounded. */
export function secretOf(v: AbstractValue | undefined, depth = 0): LeakSource | undefined {
  if (!v || depth > 6) return undefined;
  if (v.secret) return v.secret;
  if (v.headerBag) return v.headerBag;
  if (v.fields)
    for (const x of v.fields.values())
      if (x !== v) {
        const l = secretOf(x, depth + 1);
        if (l) return l;
      }
  return v.otherFields && v.otherFields !== v ? secretOf(v.otherFields, depth + 1) : undefined;
}

/** What a value may be after two paths meet (either one's secret, fields of both, constant only if both are). */
export function join(a: AbstractValue | undefined, b: AbstractValue | undefined): AbstractValue {
  if (!a) return b ?? CLEAN;
  if (!b || a === b) return a;
  const out: AbstractValue = {};
  const secret = a.secret ?? b.secret;
  if (secret) out.secret = secret;
  if (a.constant && b.constant) out.constant = true;
  if (a.text !== undefined && a.text === b.text) out.text = a.text;
  if (a.fields || b.fields) {
    out.fields = new Map(a.fields);
    for (const [k, v] of b.fields ?? []) out.fields.set(k, out.fields.has(k) ? join(out.fields.get(k), v) : v);
  }
  if (a.otherFields || b.otherFields) out.otherFields = join(a.otherFields, b.otherFields);
  const func = a.func ?? b.func;
  if (func) out.func = func;
  const headerBag = a.headerBag ?? b.headerBag;
  if (headerBag) out.headerBag = headerBag;
  return out;
}

/** A plain value derived from `source` (clean when there is none). */
export function tainted(source: LeakSource | undefined): AbstractValue {
  return source ? { secret: source } : CLEAN;
}

/** `v` marked as coming from `source`, unless it is a constant, a function or already secret. */
export function withSource(v: AbstractValue, source: LeakSource): AbstractValue {
  if (v.constant || v.func || v.secret) return v;
  return { ...v, secret: source };
}

/** Join of an array's / object's element values (what a callback or `for…of` sees). */
export function elementOf(v: AbstractValue): AbstractValue {
  let out: AbstractValue | undefined = v.otherFields;
  if (v.fields) for (const x of v.fields.values()) out = join(out, x);
  if (v.secret) out = join(out, { secret: v.secret });
  if (v.headerBag) out = join(out, { headerBag: v.headerBag });
  return out ?? CLEAN;
}
