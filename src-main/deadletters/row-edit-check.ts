import { jsonToLogical } from '../../connectors/file/types';
import { isLogicalType } from './replay-input';

/**
 * Why an edited row cannot replace `original`, or undefined when it can: it must have the same
 * columns, and each value must be readable as its column's recorded type (as the replay reads it).
 */
export function rowEditProblem(
  original: Record<string, unknown>,
  edited: Record<string, unknown>,
  types: Record<string, string> | undefined,
): string | undefined {
  const before = Object.keys(original);
  const after = new Set(Object.keys(edited));
  const missing = before.filter((name) => !after.has(name));
  const extra = [...after].filter((name) => !before.includes(name));
  const quoted = (names: string[]) => names.map((name) => `"${name}"`).join(', ');
  if (missing.length > 0 || extra.length > 0) {
    const parts = [];
    if (missing.length > 0) parts.push(`missing ${quoted(missing)}`);
    if (extra.length > 0) parts.push(`unknown ${quoted(extra)}`);
    return `the row must keep its columns (${quoted(before)}): ${parts.join('; ')}`;
  }
  for (const name of before) {
    const type = types?.[name];
    if (type === undefined || !isLogicalType(type)) continue;
    try {
      jsonToLogical(edited[name], type);
    } catch (error) {
      return `column "${name}": ${(error as Error).message}`;
    }
  }
  return undefined;
}
