import { LOGICAL_TYPES, type LogicalType } from '../../src-shared/types/logical';

/*
 * The rows of a replay as the `file` input reads them back. Dead letters are JSON-safe (bigint
 * and decimal as text, timestamps as ISO 8601, bytes as base64; see `jsonSafe`): the file input
 * turns such text back into the logical value when the column's type is declared (`columns:`
 * with a type, `jsonToLogical`), so the replay input declares every column with the type the
 * run recorded. A dead letter from a run that recorded no types gets the type its JSON values
 * show (as the file input would guess it), and `json` (values passed on as they are) when they disagree.
 */

export interface ReplayRow {
  row: Record<string, unknown>;
  /** The column types the run recorded with the row, if it did. */
  types?: Record<string, string>;
}

export interface ReplayColumn {
  name: string;
  type: LogicalType;
}

/** Whether a recorded type name is one of the logical types. */
export function isLogicalType(value: string): value is LogicalType {
  return (LOGICAL_TYPES as readonly string[]).includes(value);
}

/** The type a column's JSON values suggest: one kind throughout, else `json`. */
function typeFromValues(values: unknown[]): LogicalType {
  const present = values.filter((value) => value !== null && value !== undefined);
  if (present.length === 0) return 'string';
  if (present.every((value) => typeof value === 'boolean')) return 'bool';
  if (present.every((value) => typeof value === 'string')) return 'string';
  if (present.every((value) => typeof value === 'number' && Number.isSafeInteger(value))) return 'int';
  if (present.every((value) => typeof value === 'number')) return 'float';
  return 'json';
}

/** Every column of the rows in order of first appearance, each with its type. */
export function replayColumns(rows: ReplayRow[]): ReplayColumn[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const { row } of rows)
    for (const name of Object.keys(row))
      if (!seen.has(name)) {
        seen.add(name);
        names.push(name);
      }
  return names.map((name) => {
    const recorded = new Set(rows.map(({ types }) => types?.[name]).filter((t) => t !== undefined));
    const [only] = recorded;
    const type =
      recorded.size === 1 && only !== undefined && isLogicalType(only)
        ? only
        : typeFromValues(rows.map(({ row }) => row[name]));
    return { name, type };
  });
}

/** The rows as JSON Lines, one object per line. */
export function replayLines(rows: ReplayRow[]): string {
  return rows.map(({ row }) => `${JSON.stringify(row)}\n`).join('');
}

/** The `file` input section reading `path` (relative to the job's folder) with `columns`. */
export function replayInputSection(path: string, columns: ReplayColumn[]): Record<string, unknown> {
  return {
    type: 'file',
    path,
    format: 'jsonl',
    columns: columns.map(({ name, type }) => ({ name, type })),
  };
}
