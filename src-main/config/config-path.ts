/**
 * Config paths as users read them: `pipeline.processors[1].condition`. Keys that are not
 * plain identifiers are quoted (`fields["order id"]`), so any path parses back unchanged.
 */

export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Appends one segment to a path. */
export function childPath(parent: string, segment: PathSegment): string {
  if (typeof segment === 'number') return `${parent}[${segment}]`;
  if (!PLAIN_KEY.test(segment)) return `${parent}[${JSON.stringify(segment)}]`;
  return parent === '' ? segment : `${parent}.${segment}`;
}

/** Appends a component-relative path (`fields.order_id`, `columns[2].name`) to a component's path. */
export function joinPath(parent: string, relative: string): string {
  if (relative === '') return parent;
  if (parent === '') return relative;
  return relative.startsWith('[') ? `${parent}${relative}` : `${parent}.${relative}`;
}

/** Splits a path into keys and indexes; `null` when it is not well formed. */
export function parsePath(text: string): PathSegment[] | null {
  const segments: PathSegment[] = [];
  const token = /\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let index = 0;
  while (index < text.length) {
    token.lastIndex = index;
    const match = token.exec(text);
    // A leading dot, or a missing dot between two keys, is not a path.
    if (!match || (match[1] !== undefined && (index === 0) === match[0].startsWith('.'))) return null;
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3]) as string);
    index = token.lastIndex;
  }
  return segments;
}

/** Joins segments back into a path. */
export function formatPath(segments: PathSegment[]): string {
  return segments.reduce<string>((acc, segment) => childPath(acc, segment), '');
}

/** Whether `inner` is `outer` or lies under it (`output.path` contains `output.path` only; `output` contains it). */
export function pathContains(outer: string, inner: string): boolean {
  const a = parsePath(outer);
  const b = parsePath(inner);
  if (!a || !b || a.length > b.length) return outer === inner;
  return a.every((segment, i) => segment === b[i]);
}
