import type { SourcePosition } from './problem';
import { childPath } from './config-path';

/**
 * A config value that remembers where each part was written. Loading works on this tree
 * (env substitution, `extends` merging, `--set`) so positions survive every step; a map
 * entry is located at its key, a sequence item at the item.
 */
export type Located =
  | { kind: 'map'; at: SourcePosition; entries: Map<string, Located> }
  | { kind: 'seq'; at: SourcePosition; items: Located[] }
  | {
      kind: 'scalar';
      at: SourcePosition;
      value: unknown;
      plain: boolean;
      /** Where the value's text starts, when the source spells it character for character on one line. */
      textAt?: SourcePosition;
    };

/**
 * Deep-merges `base` under `child`: maps merge key by key, anything else in the child
 * replaces the base (scalars and whole sequences), so values keep the file they came from.
 */
export function mergeLocated(base: Located, child: Located): Located {
  if (base.kind !== 'map' || child.kind !== 'map') return child;
  const entries = new Map(base.entries);
  for (const [key, value] of child.entries) {
    const underneath = entries.get(key);
    entries.set(key, underneath ? mergeLocated(underneath, value) : value);
  }
  return { kind: 'map', at: child.at, entries };
}

/** The plain JavaScript value of a located tree. */
export function toPlain(node: Located): unknown {
  switch (node.kind) {
    case 'map':
      return Object.fromEntries([...node.entries].map(([key, value]) => [key, toPlain(value)]));
    case 'seq':
      return node.items.map(toPlain);
    case 'scalar':
      return node.value;
  }
}

/** Every path of the tree with its position (`''` is the root). */
export function positionsOf(
  node: Located,
  prefix = '',
  into = new Map<string, SourcePosition>(),
): Map<string, SourcePosition> {
  into.set(prefix, node.at);
  if (node.kind === 'map')
    for (const [key, value] of node.entries) positionsOf(value, childPath(prefix, key), into);
  if (node.kind === 'seq')
    node.items.forEach((item, index) => positionsOf(item, childPath(prefix, index), into));
  return into;
}

/** Every path's value text start, for scalars that know it (see `textAt`). */
export function textPositionsOf(node: Located, prefix = '', into = new Map<string, SourcePosition>()) {
  if (node.kind === 'scalar' && node.textAt) into.set(prefix, node.textAt);
  if (node.kind === 'map')
    for (const [key, value] of node.entries) textPositionsOf(value, childPath(prefix, key), into);
  if (node.kind === 'seq')
    node.items.forEach((item, index) => textPositionsOf(item, childPath(prefix, index), into));
  return into;
}
