import { createHash } from 'node:crypto';
import type { TableSchema } from '../../connectors/shared/sql/introspection';
import type { ColumnChange, FieldChange, TableChange } from '../../src-shared/api/catalog-model';
import type { ColumnStructure, TableStructure } from '../store/catalog-repo';

/*
 * What the catalog keeps of a table's structure, and how two readings of it differ: the
 * per-table part of a scan log's "what changed".
 */

/** The catalog's record of a described table (row estimates apart: they are statistics, not structure). */
export function structureOf(schema: TableSchema): TableStructure {
  const pkPosition = new Map(schema.primaryKey.map((name, i) => [name, i + 1]));
  return {
    kind: schema.table.kind,
    comment: schema.table.comment ?? null,
    columns: schema.columns.map((c): ColumnStructure => ({
      name: c.name,
      nativeType: c.nativeType,
      type: c.type,
      nullable: c.nullable,
      default: c.default ?? null,
      comment: c.comment ?? null,
      primaryKeyPosition: pkPosition.get(c.name) ?? null,
      generated: c.generated,
      autoIncrement: c.autoIncrement,
      length: c.length ?? null,
      precision: c.precision ?? null,
      scale: c.scale ?? null,
    })),
    primaryKey: schema.primaryKey,
    indexes: schema.indexes,
    foreignKeys: schema.foreignKeys,
  };
}

/** Stable JSON: object keys sorted, so equal structures give equal text whatever built them. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A hash of the structure: equal hashes, nothing to compare or rewrite. */
export function structureHash(structure: TableStructure): string {
  return createHash('sha1').update(canonical(structure)).digest('hex');
}

/** Column properties a scan reports changes of, with the names the log uses. */
const COLUMN_FIELDS: { field: string; read: (c: ColumnStructure) => string | null }[] = [
  { field: 'type', read: (c) => c.nativeType },
  { field: 'logical type', read: (c) => c.type },
  { field: 'nullable', read: (c) => String(c.nullable) },
  { field: 'default', read: (c) => c.default },
  { field: 'comment', read: (c) => c.comment },
  { field: 'generated', read: (c) => String(c.generated) },
  { field: 'auto increment', read: (c) => String(c.autoIncrement) },
];

function columnChange(before: ColumnStructure, after: ColumnStructure): ColumnChange | undefined {
  const changes: FieldChange[] = [];
  for (const { field, read } of COLUMN_FIELDS) {
    const a = read(before);
    const b = read(after);
    if (a !== b) changes.push({ field, before: a, after: b });
  }
  return changes.length > 0 ? { name: after.name, changes } : undefined;
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/**
 * How the table changed from `before` to `after`: columns added, removed and altered (by name),
 * and table-level changes. Undefined when nothing a user would see changed.
 */
export function diffStructure(
  table: string,
  before: TableStructure,
  after: TableStructure,
): TableChange | undefined {
  const old = new Map(before.columns.map((c) => [c.name, c]));
  const now = new Map(after.columns.map((c) => [c.name, c]));
  const added = after.columns.filter((c) => !old.has(c.name)).map((c) => c.name);
  const removed = before.columns.filter((c) => !now.has(c.name)).map((c) => c.name);
  const altered = after.columns.flatMap((c) => {
    const previous = old.get(c.name);
    const change = previous && columnChange(previous, c);
    return change ? [change] : [];
  });
  const changed: string[] = [];
  if (before.kind !== after.kind) changed.push('kind');
  if (before.comment !== after.comment) changed.push('comment');
  if (!same(before.primaryKey, after.primaryKey)) changed.push('primary key');
  if (!same(before.indexes, after.indexes)) changed.push('indexes');
  if (!same(before.foreignKeys, after.foreignKeys)) changed.push('foreign keys');
  const kept = (columns: ColumnStructure[], other: Map<string, ColumnStructure>) =>
    columns.filter((c) => other.has(c.name)).map((c) => c.name);
  if (!same(kept(before.columns, now), kept(after.columns, old))) changed.push('column order');
  if (added.length + removed.length + altered.length + changed.length === 0) return undefined;
  return { table, columns_added: added, columns_removed: removed, columns_altered: altered, changed };
}
