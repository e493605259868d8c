import Database from 'better-sqlite3';
import type { Connection } from 'mysql2';
import { connectMysql, endConnection, runSql, selectValue } from '../../connectors/mysql/connection';
import { splitTableName } from '../../connectors/mysql/identifiers';
import { connectPostgres } from '../../connectors/postgresql/connection';
import { quoteQualifiedName } from '../../connectors/postgresql/identifiers';
import { resolveConfigPath } from '../../connectors/shared/resolve-path';
import type { SqlConnection } from '../../connectors/shared/sql/config';
import type { EltDialect } from './render-expression';

/** One connection to the target of an ELT run: statements run in order on it, so a transaction spans them. */
export interface EltSession {
  /** Runs one statement; resolves with the rows it changed (an INSERT's rows). */
  exec(sql: string): Promise<number>;
  tableExists(table: string): Promise<boolean>;
  close(): Promise<void>;
}

async function postgresSession(connection: SqlConnection): Promise<EltSession> {
  const client = await connectPostgres(connection);
  return {
    exec: async (sql) => (await client.query(sql)).rowCount ?? 0,
    tableExists: async (table) =>
      (await client.query('SELECT to_regclass($1) IS NOT NULL AS found', [quoteQualifiedName(table)])).rows[0]
        ?.found === true,
    close: () => client.end(),
  };
}

async function mysqlSession(connection: SqlConnection): Promise<EltSession> {
  const db: Connection = await connectMysql(connection);
  return {
    exec: async (sql) => {
      const result = (await runSql(db, sql)) as { affectedRows?: number; info?: string };
      // An upsert's affected rows count an updated row twice; `Records:` counts the rows the SELECT gave.
      const records = /Records:\s*(\d+)/.exec(result.info ?? '');
      return records ? Number(records[1]) : (result.affectedRows ?? 0);
    },
    tableExists: async (name) => {
      const { database, table } = splitTableName(name);
      const schema = database === undefined ? 'DATABASE()' : db.escape(database);
      const found = await selectValue(
        db,
        `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ${schema} AND table_name = ${db.escape(table)}`,
      );
      return Number(found) > 0;
    },
    close: () => endConnection(db),
  };
}

function sqliteSession(file: string): EltSession {
  const db = new Database(file);
  return {
    exec: async (sql) => db.prepare(sql).run().changes,
    tableExists: async (table) =>
      db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined,
    close: async () => {
      db.close();
    },
  };
}

/** Connects to the output of an ELT job (its config after defaults; SQLite paths against `baseDir`). */
export function openEltSession(
  dialect: EltDialect,
  config: Record<string, unknown>,
  baseDir: string,
): Promise<EltSession> {
  if (dialect === 'postgresql') return postgresSession(config.connection as SqlConnection);
  if (dialect === 'mysql') return mysqlSession(config.connection as SqlConnection);
  return Promise.resolve(sqliteSession(resolveConfigPath(baseDir, String(config.path))));
}
