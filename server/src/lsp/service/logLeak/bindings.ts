// The interpreter's state and how values are bound: assignment to identifiers, fields and patterns, and field
// reads (where credential-named properties become sources). Expressions and statements build on it
// (./expressions, ./interpreter).
import { isSecretName } from '../../../core/secrets/names';
import { type AstNode, propName } from './ast';
import { HEADER_BAG_PROPERTIES, NON_SECRET_PROPERTIES } from './knowledge';
import { type AbstractValue, CLEAN, elementOf, join, type LeakSource, type Scope, withSource } from './values';

export interface LeakFinding {
  start: number;
  end: number;
  sink: string;
  source: LeakSource;
  /** The argument is a plain read (identifier/member): `Boolean(x)` is a sensible replacement. */
  presence: boolean;
}

/** Statements + expressions evaluated per program, at most: a hostile program ends the analysis, not the server. */
export const BUDGET = 200_000;

export abstract class Bindings {
  /** Leaking sink arguments, by their span. */
  protected readonly findings = new Map<string, LeakFinding>();
  /** > 0 inside a branch or loop: assignments join with the previous value instead of replacing it. */
  protected conditionalDepth = 0;
  /** Statements and expressions evaluated so far (against BUDGET). */
  protected steps = 0;
  /** The local functions being called (no recursion is followed). */
  protected readonly callStack: AstNode[] = [];
  /** The values returned so far by each function being called. */
  protected readonly returnStack: AbstractValue[][] = [];

  protected abstract expression(e: AstNode, scope: Scope): AbstractValue;

  source(node: AstNode, label: string): LeakSource {
    return { start: node.start, end: node.end, label };
  }

  protected branch(f: () => void): void {
    this.conditionalDepth++;
    try {
      f();
    } finally {
      this.conditionalDepth--;
    }
  }

  // ── binding ─────────────────────────────────────────────────────────────────────────────────────────────────
  protected assign(target: AstNode, v: AbstractValue, scope: Scope, declare: boolean): void {
    switch (target.type) {
      case 'Identifier': {
        const name = target.name as string;
        if (declare) {
          scope.bindings.set(name, v);
          return;
        }
        const owner = scope.declaring(name) ?? scope.global();
        owner.bindings.set(name, this.conditionalDepth > 0 ? join(owner.bindings.get(name), v) : v);
        return;
      }
      case 'MemberExpression':
        this.assignField(target, v, scope);
        return;
      case 'ObjectPattern':
        this.assignObjectPattern(target, v, scope, declare);
        return;
      case 'ArrayPattern':
        (target.elements as (AstNode | null)[]).forEach((el, i) => {
          if (!el) return;
          if (el.type === 'RestElement') this.assign(el.argument, { otherFields: elementOf(v) }, scope, declare);
          else this.assign(el, this.read(v, String(i), el), scope, declare);
        });
        return;
      case 'AssignmentPattern':
        this.assign(target.left, join(v, this.expression(target.right, scope)), scope, declare);
        return;
      default:
        return;
    }
  }

  /** `obj.key = v` (a credential-named key makes `v` a source). */
  protected assignField(target: AstNode, v: AbstractValue, scope: Scope): void {
    const obj = this.expression(target.object, scope);
    if (Object.isFrozen(obj)) return;
    const key = propName(target.property, target.computed);
    let val = v;
    if (key !== undefined && isSecretName(key) && !v.constant)
      val = withSource(v, this.source(target, `the ${key} value`));
    if (key === undefined) obj.otherFields = join(obj.otherFields, val);
    else {
      obj.fields ??= new Map();
      obj.fields.set(key, this.conditionalDepth > 0 ? join(obj.fields.get(key), val) : val);
    }
  }

  /** `{ a, b: c = d, ...rest } = v`. */
  protected assignObjectPattern(target: AstNode, v: AbstractValue, scope: Scope, declare: boolean): void {
    const used = new Set<string>();
    for (const p of target.properties as AstNode[]) {
      if (p.type === 'RestElement') {
        const rest: AbstractValue = { fields: new Map([...(v.fields ?? [])].filter(([k]) => !used.has(k))) };
        if (v.otherFields) rest.otherFields = v.otherFields;
        if (v.secret) rest.secret = v.secret;
        if (v.headerBag) rest.headerBag = v.headerBag;
        this.assign(p.argument, rest, scope, declare);
        continue;
      }
      const key = p.computed ? propName(p.key, true) : propName(p.key, false);
      if (p.computed && key === undefined) this.expression(p.key, scope);
      if (key !== undefined) used.add(key);
      this.assign(p.value, this.read(v, key, p), scope, declare);
    }
  }

  /** `obj[key]`: known field, credential-named field (a source), derived from a secret, or an element. */
  read(obj: AbstractValue, key: string | undefined, node: AstNode): AbstractValue {
    if (key !== undefined && NON_SECRET_PROPERTIES.has(key)) return CLEAN;
    if (key !== undefined && obj.fields?.has(key)) return obj.fields.get(key)!;
    if (key !== undefined && isSecretName(key) && !obj.constant)
      return { secret: this.source(node, `the ${key} value`) };
    if (obj.secret) return { secret: obj.secret };
    if (key === undefined) return elementOf(obj);
    if (obj.otherFields) return obj.otherFields;
    if (HEADER_BAG_PROPERTIES.has(key) && !obj.fields && !obj.constant)
      return { headerBag: this.source(node, 'a whole header object') };
    return CLEAN;
  }
}
