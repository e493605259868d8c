import type { SqlConnection } from '../shared/sql/config';
import type { SqlTarget } from '../shared/sql/tables-output';
import { connectPostgres, pgErrorMessage } from './connection';
import { tableDdl } from './ddl';
import { quoteIdent, quoteQualifiedName } from './identifiers';

/** PostgreSQL as the target of a whole-database copy: its DDL, run over a short-lived connection. */
export function postgresTarget(connection: SqlConnection): SqlTarget {
  return {
    name: 'PostgreSQL',
    where: `database "${connection.database}"`,
    schemaTerm: 'schema',
    tableDdl,
    async session() {
      const client = await connectPostgres(connection);
      const run = async (sql: string, values: unknown[] = []) => {
        try {
          return await client.query<{ found: boolean }>(sql, values);
        } catch (error) {
          throw new Error(pgErrorMessage(error), { cause: error });
        }
      };
      return {
        // An unqualified name resolves through the search path, as the writers' statements do.
        tableExists: async (table) =>
          (await run('SELECT to_regclass($1) IS NOT NULL AS found', [quoteQualifiedName(table)])).rows[0]
            .found,
        ensureSchema: async (schema) => {
          await run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
        },
        run: async (sql) => {
          await run(sql);
        },
        close: () => client.end().catch(() => undefined),
      };
    },
  };
}
