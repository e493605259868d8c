import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { SqlTarget } from '../shared/sql/tables-output';
import { tableDdl } from './ddl';
import { quoteIdent } from './reader';

/**
 * A SQLite file as the target of a whole-database copy: its DDL, run over a connection of its own.
 * SQLite declares foreign keys only in CREATE TABLE, and the writers' connections check them
 * (better-sqlite3 turns `foreign_keys` on): tables are created without them, so they load in
 * any order, and rebuilt with them once loaded.
 */
export function sqliteTarget(file: string): SqlTarget {
  return {
    name: 'SQLite',
    where: `database ${file}`,
    foreignKeysInCreateTable: true,
    tableDdl,
    async session() {
      mkdirSync(path.dirname(file), { recursive: true });
      const db = new Database(file);
      // As the writers open it: readers are not blocked while the tables load.
      db.pragma('journal_mode = WAL');
      return {
        // The writer looks tables up by their exact name too.
        tableExists: async (table) =>
          db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !==
          undefined,
        run: async (sql) => {
          db.exec(sql);
        },
        // SQLite's way to change a table's constraints: a new table, the rows copied, the old one
        // dropped and the new one renamed, with foreign keys off so the drop checks nothing.
        rebuildTable: async (table, createTable) => {
          const head = `CREATE TABLE ${quoteIdent(table)} (`;
          if (!createTable.startsWith(head)) throw new Error(`not the CREATE TABLE of ${table}`);
          const staging = `fustgo_rebuild_${table}`;
          const columns = (
            db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[]
          )
            .map((c) => quoteIdent(c.name))
            .join(', ');
          db.pragma('foreign_keys = OFF');
          try {
            db.transaction(() => {
              db.exec(`CREATE TABLE ${quoteIdent(staging)} (${createTable.slice(head.length)}`);
              db.exec(
                `INSERT INTO ${quoteIdent(staging)} (${columns}) SELECT ${columns} FROM ${quoteIdent(table)}`,
              );
              db.exec(`DROP TABLE ${quoteIdent(table)}`);
              db.exec(`ALTER TABLE ${quoteIdent(staging)} RENAME TO ${quoteIdent(table)}`);
              const broken = db.pragma(`foreign_key_check(${quoteIdent(table)})`) as { parent: string }[];
              if (broken.length > 0) {
                const rows =
                  broken.length === 1
                    ? `1 row of ${table} references`
                    : `${broken.length} rows of ${table} reference`;
                const parents = [...new Set(broken.map((b) => b.parent))].join(', ');
                throw new Error(
                  `${rows} rows missing in ${parents}: the table is kept without its foreign keys`,
                );
              }
            })();
          } finally {
            db.pragma('foreign_keys = ON');
          }
        },
        close: async () => {
          db.close();
        },
      };
    },
  };
}
