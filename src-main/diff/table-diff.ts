import type { SchemaAlterDialect } from '../../connectors/shared/alter-ddl';
import type { ColumnInfo, TableSchema } from '../../connectors/shared/sql/introspection';
import type {
  DiffColumn,
  DiffReason,
  DiffRow,
  DiffStatement,
  TableDiff,
} from '../../src-shared/api/diff-model';
import { compareColumn, type Level } from './column-rules';
import { reason } from './reasons';

/*
 * One target table beside the columns the pipeline writes into it: a row per column, and the
 * DDL that creates the table or fits it to those columns, in the target database's dialect.
 */

/** What the pipeline writes into one table. */
export interface WrittenTable {
  /** Where the rows come from, as the diff names it (`shop.orders`, `query`). */
  sourceTable: string;
  /** The columns the output is given, described as well as the source allows, and the key. */
  schema: TableSchema;
  /** Per column of `schema`: whether the source says if it may hold NULL. */
  nullableKnown: boolean[];
}

export interface TableDiffInput {
  written: WrittenTable;
  /** The target table as the output writes it (`public.orders`). */
  targetTable: string;
  /** Its description; undefined when the table does not exist. */
  target: TableSchema | undefined;
  /** `write.create_table`: the run creates a missing table itself. */
  createTable: boolean;
  dialect: SchemaAlterDialect;
}

function diffColumn(column: ColumnInfo, nullableKnown: boolean): DiffColumn {
  return {
    name: column.name,
    type: column.type,
    native_type: column.nativeType || column.type,
    nullable: nullableKnown ? column.nullable : null,
  };
}

/** The target column a written column goes into: the same name, or the same name in another case where the database ignores case. */
function findColumn(columns: ColumnInfo[], name: string, caseSensitive: boolean): ColumnInfo | undefined {
  const exact = columns.find((c) => c.name === name);
  if (exact || caseSensitive) return exact;
  const lower = name.toLowerCase();
  return columns.find((c) => c.name.toLowerCase() === lower);
}

/** A target column the pipeline does not fill: fine when the database fills it, a refused row when it cannot. */
function unfilledColumn(
  column: ColumnInfo,
  isKey: boolean,
): { level: Level; reasons: DiffReason[]; allowNull: boolean } {
  if (column.generated) return { level: 'warning', reasons: [reason('computed')], allowNull: false };
  if (column.autoIncrement)
    return { level: 'warning', reasons: [reason('auto_increment')], allowNull: false };
  if (column.default !== undefined)
    return {
      level: 'warning',
      reasons: [reason('gets_default', { default: column.default })],
      allowNull: false,
    };
  if (column.nullable) return { level: 'warning', reasons: [reason('left_null')], allowNull: false };
  const reasons = [reason('required')];
  if (isKey) reasons.push(reason('key_stays_not_null', { column: column.name }));
  return { level: 'incompatible', reasons, allowNull: !isKey };
}

/** The table does not exist: every column is missing in it, and the DDL creates it. */
function missingTable(input: TableDiffInput): TableDiff {
  const { written, dialect, targetTable, createTable } = input;
  const keys = new Set(written.schema.primaryKey);
  const rows = written.schema.columns.map((column, i): DiffRow => ({
    source: diffColumn(column, written.nullableKnown[i]),
    target: null,
    status: 'missing_in_target',
    blocking: !createTable,
    reasons: [reason('table_missing')],
    suggested_type: dialect.columnType(column, keys.has(column.name)),
  }));
  const statements = dialect
    .createTable(written.schema, targetTable)
    .map((sql, i): DiffStatement => ({ sql, kind: i === 0 ? 'create_table' : 'other', column: null }));
  const notes = [reason(createTable ? 'run_creates_table' : 'create_table_off')];
  if (written.schema.foreignKeys.length > 0) notes.push(reason('foreign_keys_left_out'));
  return {
    source_table: written.sourceTable,
    target_table: targetTable,
    target_exists: false,
    rows,
    statements,
    notes,
    ok: createTable,
  };
}

/**
 * Compares the columns the pipeline writes with the target table (or its absence): one row per
 * written column in their order, then one per target column the pipeline does not fill; the DDL
 * that adds missing columns and changes the types (and NOT NULLs) that do not fit, where the
 * database can; notes for what it cannot. `ok` is false when the run would fail as things are: an
 * incompatible column, a column the table lacks, a NOT NULL column nobody fills, or a missing
 * table the run will not create.
 */
export function diffTable(input: TableDiffInput): TableDiff {
  const { written, target, dialect, targetTable } = input;
  if (!target) return missingTable(input);
  const sourceKeys = new Set(written.schema.primaryKey);
  const targetKeys = new Set(target.primaryKey);
  const rows: DiffRow[] = [];
  const statements: DiffStatement[] = [];
  const notes: DiffReason[] = [];
  const filled = new Set<ColumnInfo>();

  const alter = (current: ColumnInfo, change: { type?: string; allowNull?: boolean }) => {
    if (!dialect.alterColumn) {
      notes.push(reason('cannot_alter', { database: dialect.name, column: current.name }));
      return;
    }
    statements.push({
      sql: dialect.alterColumn(targetTable, current, change),
      kind: 'alter_column',
      column: current.name,
    });
  };

  written.schema.columns.forEach((column, i) => {
    const source = diffColumn(column, written.nullableKnown[i]);
    const suggested = dialect.columnType(column, sourceKeys.has(column.name));
    const match = findColumn(target.columns, column.name, dialect.caseSensitiveNames);
    if (!match) {
      rows.push({
        source,
        target: null,
        status: 'missing_in_target',
        blocking: true,
        reasons: [reason('no_such_column')],
        suggested_type: suggested,
      });
      statements.push({
        sql: dialect.addColumn(targetTable, column, suggested),
        kind: 'add_column',
        column: column.name,
      });
      return;
    }
    filled.add(match);
    const verdict = compareColumn(column, match, {
      enforcesSizes: dialect.enforcesSizes,
      targetIsKey: targetKeys.has(match.name),
      sourceNullableKnown: written.nullableKnown[i],
    });
    const newType = verdict.changeType && !dialect.sameType(match, suggested) ? suggested : undefined;
    rows.push({
      source,
      target: diffColumn(match, true),
      status: verdict.level,
      blocking: verdict.level === 'incompatible',
      reasons: verdict.reasons,
      suggested_type: verdict.changeType ? suggested : match.nativeType,
    });
    if (newType !== undefined || verdict.allowNull)
      alter(match, {
        ...(newType !== undefined ? { type: newType } : {}),
        ...(verdict.allowNull ? { allowNull: true } : {}),
      });
  });

  for (const column of target.columns) {
    if (filled.has(column)) continue;
    const unfilled = unfilledColumn(column, targetKeys.has(column.name));
    rows.push({
      source: null,
      target: diffColumn(column, true),
      status: 'missing_in_source',
      blocking: unfilled.level === 'incompatible',
      reasons: unfilled.reasons,
      suggested_type: null,
    });
    if (unfilled.allowNull) alter(column, { allowNull: true });
  }
  if (!dialect.enforcesSizes) notes.push(reason('sizes_not_enforced'));
  return {
    source_table: written.sourceTable,
    target_table: targetTable,
    target_exists: true,
    rows,
    statements,
    notes,
    ok: rows.every((row) => !row.blocking),
  };
}
