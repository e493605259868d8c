import { parse } from 'yaml';

/*
 * Where the cursor is in a pipeline's YAML, in the terms the catalog can complete: the name of a
 * saved connection (`connection: { ref: | }`), a table (`query.table`, `query.tables[i]`,
 * `write.table`) or a column (`query.columns[i]`) of the component's saved connection.
 *
 * Found by parsing the text with a marker inserted at the cursor and looking for the value that
 * holds it: the YAML parser then says what the value means, in block or flow style alike.
 */

export type CompletionContext =
  | { kind: 'connection'; prefix: string; componentType: string }
  | { kind: 'table'; prefix: string; componentType: string; connectionRef: string }
  | { kind: 'column'; prefix: string; componentType: string; connectionRef: string; table: string };

const MARK = '\u2063fustgo-cursor\u2063';

type Node = unknown;
type Path = (string | number)[];

/** The path to the string holding the marker, and that string. */
function findMarker(node: Node, path: Path): { path: Path; text: string } | null {
  if (typeof node === 'string') return node.includes(MARK) ? { path, text: node } : null;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const found = findMarker(node[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const found = findMarker(value, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

function at(root: Node, path: Path): Node {
  return path.reduce<Node>((node, key) => (node as Record<string | number, Node> | undefined)?.[key], root);
}

/** The completion the cursor at `offset` (0-based) of `text` asks for, or null. */
export function completionContext(text: string, offset: number): CompletionContext | null {
  let root: Node;
  try {
    root = parse(text.slice(0, offset) + MARK + text.slice(offset));
  } catch {
    return null;
  }
  const found = findMarker(root, []);
  if (!found) return null;
  const prefix = found.text.slice(0, found.text.indexOf(MARK));
  const { path } = found;
  // The component: the nearest map with a `type` above the value.
  for (let depth = path.length - 1; depth >= 0; depth--) {
    const component = at(root, path.slice(0, depth)) as Record<string, unknown> | undefined;
    if (!component || typeof component !== 'object' || typeof component.type !== 'string') continue;
    const rest = path.slice(depth).map(String);
    const ref = (component.connection as { ref?: unknown } | undefined)?.ref;
    const componentType = component.type;
    if (rest.join('.') === 'connection.ref') return { kind: 'connection', prefix, componentType };
    if (typeof ref !== 'string' || ref.includes(MARK)) return null;
    const where = rest.map((segment) => (/^\d+$/.test(segment) ? '[]' : segment)).join('.');
    if (
      where === 'query.table' ||
      where === 'write.table' ||
      where === 'query.tables.[]' ||
      where === 'query.exclude.[]'
    ) {
      return { kind: 'table', prefix, componentType, connectionRef: ref };
    }
    const table = (component.query as { table?: unknown } | undefined)?.table;
    if ((where === 'query.columns.[]' || where === 'query.split_key') && typeof table === 'string') {
      return { kind: 'column', prefix, componentType, connectionRef: ref, table };
    }
    return null;
  }
  return null;
}
