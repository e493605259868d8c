import type { ColumnInfo, TableDdl, TableSchema } from './sql/introspection';
import type { SqlTargetSession } from './sql/tables-output';

/*
 * What the schema diff (`fustgo diff`, the job page's schema diff) needs of a SQL database it
 * writes into: the type its DDL gives a column described by any database, the statements that
 * create a table or fit an existing one to the incoming columns, and a connection to run them on.
 * Each SQL connector's `alter-ddl.ts` implements it; nothing outside the connector spells its SQL.
 */

/** A change to one existing column. */
export interface ColumnChange {
  /** The new type, in the dialect's spelling; absent: the type stays. */
  type?: string;
  /** Drop NOT NULL. */
  allowNull?: boolean;
}

export interface SchemaAlterDialect {
  /** The database as messages name it: `PostgreSQL`, `MySQL`, `SQLite`. */
  name: string;
  /** True where DDL runs inside a transaction, all or nothing; MySQL commits each DDL statement on its own. */
  transactionalDdl: boolean;
  /** False where declared lengths, precisions and integer sizes are not enforced (SQLite stores any value). */
  enforcesSizes: boolean;
  /** True where column names match only with the same case (PostgreSQL's quoted identifiers). */
  caseSensitiveNames: boolean;
  /** True where `x.table` names a schema or database (PostgreSQL, MySQL); SQLite's only one is `main`. */
  hasSchemas: boolean;
  /** The type this database's DDL gives a column described by any database (the connector's `ddl.ts`). */
  columnType(column: ColumnInfo, isKey: boolean): string;
  /** Whether `type` (as `columnType` spells it) is the column's current type, whatever the spelling. */
  sameType(current: ColumnInfo, type: string): boolean;
  /** CREATE TABLE, then comments and indexes, for a missing table (foreign keys left out). */
  createTable(schema: TableSchema, table: string): string[];
  /** ALTER TABLE … ADD COLUMN: a NULL-able column of `type`, as existing rows have no value for it. */
  addColumn(table: string, column: ColumnInfo, type: string): string;
  /**
   * The statement that changes an existing column's type and/or drops its NOT NULL, keeping the
   * rest of it. Absent where the database cannot change a column in place (SQLite).
   */
  alterColumn?(table: string, current: ColumnInfo, change: ColumnChange): string;
  /**
   * Opens the database an output config points at (`connection`, or a SQLite `path` resolved
   * against `baseDir`): `tableExists` before a diff, `run` for statements the user confirmed.
   * Nothing is created until a statement runs.
   */
  open(config: Record<string, unknown>, baseDir: string): Promise<SqlTargetSession>;
}

/** A type name in one spelling: lower case, single spaces, none inside parentheses or before them. */
export function normalizedTypeName(type: string): string {
  return type
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*\(\s*/g, '(')
    .replace(/\s*\)/g, ')')
    .replace(/\s*,\s*/g, ',');
}

/** What a missing table's DDL runs, in order: CREATE TABLE, its comments, its indexes. */
export function createTableStatements(ddl: TableDdl): string[] {
  return [ddl.createTable, ...ddl.comments, ...ddl.indexes];
}
