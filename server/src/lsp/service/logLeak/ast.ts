// acorn's nodes, read structurally (the ESTree union types are too wide to narrow cheaply here).
import type { Node } from 'acorn';

// biome-ignore lint/suspicious/noExplicitAny: ESTree nodes are walked generically
export type AstNode = Node & Record<string, any>;

/** The static name of a property / key: `a.b`, `a['b']`, `a[0]`, ``a[`b`]``; undefined when computed. */
export function propName(node: AstNode, computed: boolean): string | undefined {
  if (!computed && node.type === 'Identifier') return node.name as string;
  if (node.type === 'Literal' && (typeof node.value === 'string' || typeof node.value === 'number'))
    return String(node.value);
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked as string;
  return undefined;
}
