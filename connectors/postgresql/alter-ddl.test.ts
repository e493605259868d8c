import { describe, expect, it } from 'vitest';
import { column } from '../../src-main/diff/test-columns';
import { canonicalPgType, postgresAlterDialect } from './alter-ddl';

describe('postgresAlterDialect', () => {
  it('reads PostgreSQL’s spellings of one type as one', () => {
    expect(
      [
        'character varying(50)',
        'timestamp(6) with time zone',
        'timestamp without time zone',
        'int4',
        'double precision',
        'bpchar(3)',
        'NUMERIC(12, 2)',
      ].map(canonicalPgType),
    ).toEqual([
      'varchar(50)',
      'timestamptz(6)',
      'timestamp(6)',
      'integer',
      'double precision',
      'char(3)',
      'numeric(12,2)',
    ]);
    expect(
      postgresAlterDialect.sameType(column('a', 'timestamptz', 'timestamp with time zone'), 'timestamptz(6)'),
    ).toBe(true);
    expect(
      postgresAlterDialect.sameType(column('a', 'string', 'character varying(50)'), 'varchar(100)'),
    ).toBe(false);
  });

  it('converts between timestamp and timestamptz as UTC, other types by a cast', () => {
    const at = column('created_at', 'timestamp', 'timestamp without time zone');
    expect(postgresAlterDialect.alterColumn?.('sales.orders', at, { type: 'timestamptz(6)' })).toBe(
      'ALTER TABLE "sales"."orders" ALTER COLUMN "created_at" TYPE timestamptz(6) USING "created_at" AT TIME ZONE \'UTC\'',
    );
    const qty = column('qty', 'string', 'text', { nullable: false });
    expect(postgresAlterDialect.alterColumn?.('orders', qty, { type: 'integer', allowNull: true })).toBe(
      'ALTER TABLE "orders" ALTER COLUMN "qty" TYPE integer USING "qty"::integer, ALTER COLUMN "qty" DROP NOT NULL',
    );
  });

  it('adds NULL-able columns and creates tables without foreign keys', () => {
    expect(postgresAlterDialect.addColumn('orders', column('note', 'string', 'text'), 'text')).toBe(
      'ALTER TABLE "orders" ADD COLUMN "note" text',
    );
    const statements = postgresAlterDialect.createTable(
      {
        table: { name: 'orders', kind: 'table', comment: 'Orders' },
        columns: [column('id', 'bigint', 'bigint', { nullable: false }), column('customer_id', 'int', 'int')],
        primaryKey: ['id'],
        indexes: [{ name: 'orders_customer_idx', columns: ['customer_id'], unique: false }],
        foreignKeys: [
          { name: 'orders_customer_fk', columns: ['customer_id'], refTable: 'customers', refColumns: ['id'] },
        ],
      },
      'staging.orders',
    );
    expect(statements).toEqual([
      'CREATE TABLE "staging"."orders" ("id" bigint NOT NULL, "customer_id" integer, PRIMARY KEY ("id"))',
      'COMMENT ON TABLE "staging"."orders" IS \'Orders\'',
      'CREATE INDEX "orders_customer_idx" ON "staging"."orders" ("customer_id")',
    ]);
  });
});
