import { mysqlAlterDialect } from '../../connectors/mysql/alter-ddl';
import { postgresAlterDialect } from '../../connectors/postgresql/alter-ddl';
import type { SchemaAlterDialect } from '../../connectors/shared/alter-ddl';
import { sqliteAlterDialect } from '../../connectors/sqlite/alter-ddl';

/** The outputs whose tables the schema diff compares and alters, by output type. */
const DIALECTS: Readonly<Record<string, SchemaAlterDialect>> = {
  postgresql: postgresAlterDialect,
  mysql: mysqlAlterDialect,
  sqlite: sqliteAlterDialect,
};

/** Output types the diff works with, for messages. */
export const DIFFABLE_OUTPUTS = Object.keys(DIALECTS);

/** The schema dialect of an output type; undefined for outputs without tables (files). */
export function alterDialectOf(outputType: string): SchemaAlterDialect | undefined {
  return Object.hasOwn(DIALECTS, outputType) ? DIALECTS[outputType] : undefined;
}
