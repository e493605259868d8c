import { describe, expect, it } from 'vitest';
import { deleteSqlParts, insertStatements, lastRowPerKey, mergeSql, stagingTableSql } from './writer';

describe('mysql replace statements', () => {
  it('deletes by a one-column or a composite key, in statements under the budget', () => {
    expect(insertStatements(deleteSqlParts('db.t', ['id']), ['1', '2'], 1000)).toEqual([
      'DELETE FROM `db`.`t` WHERE `id` IN (1, 2)',
    ]);
    const parts = deleteSqlParts('t', ['a', 'b']);
    const tuples = Array.from({ length: 10 }, (_, i) => `(${i}, 'x')`);
    const statements = insertStatements(parts, tuples, 80);
    expect(statements.length).toBeGreaterThan(1);
    expect(statements.every((s) => s.length <= 80)).toBe(true);
    expect(statements[0]).toMatch(/^DELETE FROM `t` WHERE \(`a`, `b`\) IN \(\(0, 'x'\), /);
    expect(statements.join(' ').match(/\(\d, 'x'\)/g)).toHaveLength(10);
  });

  it('keeps the last row per key, in the order the rows came', () => {
    expect(lastRowPerKey(['r1', 'r2', 'r3', 'r4'], ['1', '2', '1', '3'])).toEqual({
      tuples: ['r2', 'r3', 'r4'],
      keyTuples: ['2', '1', '3'],
    });
    const unique = { tuples: ['r1', 'r2'], keyTuples: ['1', '2'] };
    expect(lastRowPerKey(unique.tuples, unique.keyTuples)).toEqual(unique);
  });
});

describe('mysql merge statements', () => {
  it('stages into a copy of the columns without unique keys, numbered as staged', () => {
    expect(
      stagingTableSql('db.t__fustgo_stage_x', [
        { name: 'id', type: 'int(11)', nullable: false, charset: null, collation: null },
        { name: 'name', type: 'varchar(5)', nullable: true, charset: 'utf8mb4', collation: 'utf8mb4_bin' },
      ]),
    ).toBe(
      'CREATE TABLE `db`.`t__fustgo_stage_x` (`__fustgo_order` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, ' +
        '`id` int(11) NOT NULL, `name` varchar(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    );
  });

  it('merges in staging order, updating the non-key columns', () => {
    const columns = [
      { name: 'id', type: 'int' as const },
      { name: 'v', type: 'string' as const },
    ];
    expect(mergeSql('t', 't__fustgo_stage_x', columns, ['id'])).toBe(
      'INSERT INTO `t` (`id`, `v`) SELECT `id`, `v` FROM `t__fustgo_stage_x` ORDER BY `__fustgo_order` ' +
        'ON DUPLICATE KEY UPDATE `v` = VALUES(`v`)',
    );
  });
});
