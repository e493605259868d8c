import { escape } from 'mysql2';
import type { SqlConnection } from '../shared/sql/config';
import type { SqlTarget } from '../shared/sql/tables-output';
import { connectMysql, endConnection, errorMessage, runSql, selectValue } from './connection';
import { tableDdl } from './ddl';
import { quoteIdent, splitTableName } from './identifiers';

/** MySQL / MariaDB as the target of a whole-database copy: its DDL, run over a short-lived connection. */
export function mysqlTarget(connection: SqlConnection): SqlTarget {
  return {
    name: 'MySQL',
    where: `database "${connection.database}"`,
    schemaTerm: 'database',
    tableDdl,
    async session() {
      const c = await connectMysql(connection);
      const run = async (sql: string) => {
        try {
          return await runSql(c, sql);
        } catch (error) {
          throw new Error(errorMessage(error), { cause: error });
        }
      };
      return {
        tableExists: async (name) => {
          const { database, table } = splitTableName(name);
          const schema = database === undefined ? 'DATABASE()' : escape(database);
          const found = await selectValue(
            c,
            `SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${schema} AND TABLE_NAME = ${escape(table)}`,
          );
          return Number(found) > 0;
        },
        // As the writer creates tables: utf8mb4, so any character fits.
        ensureSchema: async (database) => {
          await run(`CREATE DATABASE IF NOT EXISTS ${quoteIdent(database)} CHARACTER SET utf8mb4`);
        },
        run: async (sql) => {
          await run(sql);
        },
        close: () => endConnection(c),
      };
    },
  };
}
