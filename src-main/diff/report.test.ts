import { describe, expect, it } from 'vitest';
import { mysqlAlterDialect } from '../../connectors/mysql/alter-ddl';
import type { SchemaDiff } from '../../src-shared/api/diff-model';
import { formatDdl, formatSchemaDiff, verdictLine } from './report';
import { diffTable } from './table-diff';
import { column, table } from './test-columns';

/** A MySQL target that lacks one column and one table of the two the pipeline writes. */
function mysqlDiff(): SchemaDiff {
  const written = {
    sourceTable: 'query',
    schema: table(
      'orders',
      [column('id', 'int', 'int', { nullable: false }), column('note', 'string', 'text')],
      ['id'],
    ),
    nullableKnown: [false, false],
  };
  const existing = diffTable({
    written,
    targetTable: 'orders',
    target: table('orders', [column('id', 'int', 'int', { nullable: false })], ['id']),
    createTable: true,
    dialect: mysqlAlterDialect,
  });
  const missing = diffTable({
    written,
    targetTable: 'orders_copy',
    target: undefined,
    createTable: true,
    dialect: mysqlAlterDialect,
  });
  return {
    source: 'postgresql db/shop',
    target: 'mysql db/warehouse',
    database: 'MySQL',
    transactional_ddl: false,
    create_table: true,
    tables: [existing, missing],
    counts: { compatible: 1, warning: 0, incompatible: 0, missing_in_source: 0, missing_in_target: 3 },
    ok: existing.ok && missing.ok,
  };
}

describe('the diff report', () => {
  it('prints the DDL as a script that says MySQL commits each statement', () => {
    expect(formatDdl(mysqlDiff()).split('\n')).toEqual([
      '-- schema diff: DDL for MySQL (mysql db/warehouse); MySQL commits each DDL statement on its own',
      '',
      '-- query → orders',
      'ALTER TABLE `orders` ADD COLUMN `note` TEXT;',
      '',
      '-- query → orders_copy',
      '-- note: the table does not exist: the run creates it (write.create_table), or create it now with the DDL, which keeps the source’s sizes and keys',
      'CREATE TABLE `orders_copy` (`id` INT NOT NULL, `note` TEXT, PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;',
      '',
    ]);
  });

  it('marks the rows the run would fail on and says so at the end', () => {
    const diff = mysqlDiff();
    const text = formatSchemaDiff(diff, 'orders.yaml');
    expect(text).toMatch(
      /\n {2}note +text +- +missing in target \* +TEXT +the target table has no such column/,
    );
    expect(verdictLine(diff)).toBe(
      '1 compatible, 3 missing in target: the run would fail as the target is (rows marked *)',
    );
    const fine = { ...diff, tables: [diff.tables[1]], ok: true, counts: { missing_in_target: 2 } };
    expect(verdictLine(fine)).toBe(
      '2 missing in target: the run creates the missing table and can write into it',
    );
  });
});
