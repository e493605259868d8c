import { describe, expect, it } from 'vitest';
import { column } from '../../src-main/diff/test-columns';
import { canonicalMysqlType, mysqlAlterDialect } from './alter-ddl';

describe('mysqlAlterDialect', () => {
  it('reads MySQL’s spellings of one type as one', () => {
    expect(
      ['int(11)', 'INTEGER', 'numeric(10,2)', 'BOOLEAN', 'bigint(20) unsigned', 'DATETIME'].map(
        canonicalMysqlType,
      ),
    ).toEqual(['int', 'int', 'decimal(10,2)', 'tinyint(1)', 'bigint unsigned', 'datetime(0)']);
    expect(mysqlAlterDialect.sameType(column('a', 'string', 'varchar(255)'), 'VARCHAR(255)')).toBe(true);
  });

  it('restates a column whole in MODIFY COLUMN: NULL, auto-increment, default expression, comment', () => {
    const id = column('id', 'int', 'int', { nullable: false, autoIncrement: true, comment: "it's the key" });
    expect(mysqlAlterDialect.alterColumn?.('shop.orders', id, { type: 'BIGINT' })).toBe(
      "ALTER TABLE `shop`.`orders` MODIFY COLUMN `id` BIGINT NOT NULL AUTO_INCREMENT COMMENT 'it\\'s the key'",
    );
    const at = column('at', 'timestamp', 'datetime(3)', { nullable: false, default: 'current_timestamp(3)' });
    expect(mysqlAlterDialect.alterColumn?.('orders', at, { type: 'DATETIME(6)' })).toBe(
      'ALTER TABLE `orders` MODIFY COLUMN `at` DATETIME(6) NOT NULL DEFAULT current_timestamp(3)',
    );
    const code = column('code', 'string', 'varchar(10)', { nullable: false, default: 'uuid()' });
    expect(mysqlAlterDialect.alterColumn?.('orders', code, { allowNull: true })).toBe(
      'ALTER TABLE `orders` MODIFY COLUMN `code` varchar(10) NULL DEFAULT (uuid())',
    );
  });

  it('commits each DDL statement on its own, and says so', () => {
    expect(mysqlAlterDialect.transactionalDdl).toBe(false);
    expect(mysqlAlterDialect.addColumn('orders', column('note', 'string', 'text'), 'TEXT')).toBe(
      'ALTER TABLE `orders` ADD COLUMN `note` TEXT',
    );
  });
});
