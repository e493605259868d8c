import { existsSync } from 'node:fs';
import { resolveConfigPath } from '../shared/resolve-path';
import { createTableStatements, normalizedTypeName, type SchemaAlterDialect } from '../shared/alter-ddl';
import type { SqlTargetSession } from '../shared/sql/tables-output';
import { sqliteColumnType, tableDdl } from './ddl';
import { openReadOnly, quoteIdent } from './reader';
import { sqliteTarget } from './target';

/** SQLite's one database is `main`: `main.orders` is `orders`. */
const bareName = (table: string) => (table.startsWith('main.') ? table.slice('main.'.length) : table);

/**
 * The file an output config names, opened for the schema diff: a missing file has no tables and
 * is not created by looking; it is created (with its folder) by the first statement run.
 */
function openFile(file: string): SqlTargetSession {
  let session: Promise<SqlTargetSession> | undefined;
  const writable = () => (session ??= sqliteTarget(file).session());
  return {
    tableExists: async (table) => {
      if (!existsSync(file)) return false;
      const db = openReadOnly(file);
      try {
        // As the writer looks tables up: by their exact name.
        return (
          db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(bareName(table)) !==
          undefined
        );
      } finally {
        db.close();
      }
    },
    run: async (sql) => (await writable()).run(sql),
    close: async () => {
      if (session) await (await session).close();
    },
  };
}

/**
 * SQLite's schema changes: DDL is transactional, and ADD COLUMN works, but an existing column's
 * type or NOT NULL cannot be altered in place (the table has to be rebuilt). Declared sizes are kept for later copies out of
 * SQLite but never enforced.
 */
export const sqliteAlterDialect: SchemaAlterDialect = {
  name: 'SQLite',
  transactionalDdl: true,
  enforcesSizes: false,
  caseSensitiveNames: false,
  hasSchemas: false,
  columnType: (column) => sqliteColumnType(column),
  sameType: (current, type) => normalizedTypeName(current.nativeType) === normalizedTypeName(type),
  createTable: (schema, table) =>
    createTableStatements(tableDdl({ ...schema, foreignKeys: [] }, { table: bareName(table) })),
  addColumn: (table, column, type) =>
    `ALTER TABLE ${quoteIdent(bareName(table))} ADD COLUMN ${quoteIdent(column.name)} ${type}`,
  // No alterColumn: SQLite cannot change an existing column's type or NOT NULL in place.
  open: async (config, baseDir) => openFile(resolveConfigPath(baseDir, String(config.path))),
};
