import { comparisonType, type DigestColumn } from '../../connectors/shared/sql/range-digest';
import type { LogicalType } from '../../src-shared/types/logical';
import { NotVerifiable, type VerifyShape } from './shape';

/** A source column and the target column the pipeline writes it to, compared as `as`. */
export interface ColumnPair {
  source: DigestColumn;
  target: DigestColumn;
  as: LogicalType;
}

/** Where a key for the ranges comes from, in the order verify tries them. */
export type KeyOrigin = 'split_key' | 'conflict.key' | 'primary key';

/** A key candidate: its source and target columns. */
export interface KeyCandidate {
  origin: KeyOrigin;
  source: string;
  target: string;
}

/** The column named `name`: exact first, then ignoring case when that is unambiguous (as `mapping` finds them). */
function findColumn<T extends { name: string }>(columns: T[], name: string): T | undefined {
  const exact = columns.find((c) => c.name === name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  const matches = columns.filter((c) => c.name.toLowerCase() === lower);
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * The columns the pipeline writes, each with the source column it comes from: the source
 * table's columns (or `query.columns`) through each `mapping` in turn; then the target column
 * of each. A column the pipeline writes and the target table lacks cannot be compared.
 */
export function pairColumns(
  shape: VerifyShape,
  sourceColumns: DigestColumn[],
  targetColumns: DigestColumn[],
): { pairs: ColumnPair[]; notes: string[] } {
  let written: { name: string; source: DigestColumn }[] = (
    shape.columns ?? sourceColumns.map((c) => c.name)
  ).map((name, i) => {
    const source = findColumn(sourceColumns, name);
    if (!source)
      throw new NotVerifiable(
        `input.query.columns[${i}]`,
        `the source table ${shape.source.table} has no column ${name}`,
      );
    return { name: source.name, source };
  });
  for (const step of shape.mappings) {
    if (step.fields) {
      written = Object.entries(step.fields).map(([name, from]) => {
        const found = findColumn(written, from);
        if (!found) throw new NotVerifiable(`${step.path}.fields.${name}`, `unknown column ${from}`);
        return { name, source: found.source };
      });
    } else if (step.drop) {
      const dropped = new Set(step.drop.map((name) => findColumn(written, name)));
      written = written.filter((column) => !dropped.has(column));
    }
  }
  const notes: string[] = [];
  const pairs = written.map(({ name, source }): ColumnPair => {
    const target = findColumn(targetColumns, name);
    if (!target)
      throw new NotVerifiable(
        'output.write.table',
        `the target table ${shape.target.table} has no column ${name}, which the pipeline writes`,
      );
    const { as, note } = comparisonType(source.type, target.type);
    if (note) notes.push(`column ${name}: ${note}`);
    return { source, target, as };
  });
  const compared = new Set(pairs.map((p) => p.target));
  const ignored = targetColumns.filter((c) => !compared.has(c)).map((c) => c.name);
  if (ignored.length > 0)
    notes.push(`target columns the pipeline does not write are not compared: ${ignored.join(', ')}`);
  return { pairs, notes };
}

/**
 * Key candidates in order: `query.split_key`, a one-column `conflict.key`, the source's
 * one-column primary key. A candidate the pipeline does not copy is left out with a note.
 */
export function keyCandidates(
  shape: VerifyShape,
  pairs: ColumnPair[],
  sourcePrimaryKey: string[],
): { candidates: KeyCandidate[]; notes: string[] } {
  const notes: string[] = [];
  const candidates: KeyCandidate[] = [];
  const add = (origin: KeyOrigin, pair: ColumnPair | undefined, name: string) => {
    if (!pair) notes.push(`${origin} ${name} is not among the copied columns`);
    else if (!candidates.some((c) => c.source === pair.source.name))
      candidates.push({ origin, source: pair.source.name, target: pair.target.name });
  };
  if (shape.splitKey !== undefined)
    add(
      'split_key',
      pairs.find(
        (p) =>
          p.source ===
          findColumn(
            pairs.map((q) => q.source),
            shape.splitKey ?? '',
          ),
      ),
      shape.splitKey,
    );
  if (shape.conflictKey.length === 1) {
    const [key] = shape.conflictKey;
    add(
      'conflict.key',
      pairs.find(
        (p) =>
          p.target ===
          findColumn(
            pairs.map((q) => q.target),
            key,
          ),
      ),
      key,
    );
  }
  if (sourcePrimaryKey.length === 1) {
    const [key] = sourcePrimaryKey;
    add(
      'primary key',
      pairs.find((p) => p.source.name === key),
      key,
    );
  }
  return { candidates, notes };
}
