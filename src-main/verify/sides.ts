import { openMysqlDigester } from '../../connectors/mysql/range-digest';
import { openPostgresDigester } from '../../connectors/postgresql/range-digest';
import type { TableDigester } from '../../connectors/shared/sql/range-digest';
import { openSqliteDigester } from '../../connectors/sqlite/range-digest';
import type { TableSide } from './shape';

/** Opens the digester of one side: `concurrency` connections for a server, the file (read-only) for SQLite. */
export function openDigester(side: TableSide, concurrency: number): Promise<TableDigester> {
  switch (side.type) {
    case 'postgresql':
      return openPostgresDigester(side.connection, { concurrency });
    case 'mysql':
      return openMysqlDigester(side.connection, { concurrency });
    case 'sqlite':
      return openSqliteDigester(side.path);
  }
}
