import { describe, expect, it } from 'vitest';
import { mysqlAlterDialect } from '../../connectors/mysql/alter-ddl';
import { postgresAlterDialect } from '../../connectors/postgresql/alter-ddl';
import type { SchemaAlterDialect } from '../../connectors/shared/alter-ddl';
import type { TableSchema } from '../../connectors/shared/sql/introspection';
import { sqliteAlterDialect } from '../../connectors/sqlite/alter-ddl';
import type { TableDiff } from '../../src-shared/api/diff-model';
import { diffTable, type WrittenTable } from './table-diff';
import { column, table } from './test-columns';

/** What a MariaDB `customers` table gives a pipeline that copies it. */
const written: WrittenTable = {
  sourceTable: 'shop.customers',
  schema: table(
    'customers',
    [
      column('id', 'int', 'int', { nullable: false }),
      column('name', 'string', 'varchar(100)', { nullable: false }),
      column('email', 'string', 'varchar(200)'),
      column('score', 'string', 'varchar(10)'),
    ],
    ['id'],
  ),
  nullableKnown: [true, true, true, true],
};

/** Rows as `column status codes…`, for reading at a glance. */
const summary = (diff: TableDiff) =>
  diff.rows.map(
    (row) =>
      `${row.source?.name ?? row.target?.name} ${row.status}${row.blocking ? '!' : ''} ${row.reasons.map((r) => r.code).join(',')}`,
  );

function diff(dialect: SchemaAlterDialect, target: TableSchema | undefined, createTable = true) {
  return diffTable({ written, targetTable: 'customers', target, createTable, dialect });
}

describe('diffTable', () => {
  const pgTarget = table(
    'customers',
    [
      column('id', 'int', 'integer', { nullable: false }),
      column('name', 'string', 'character varying(50)', { nullable: false }),
      column('score', 'int', 'integer'),
      column('note', 'string', 'text'),
      column('created_at', 'timestamptz', 'timestamp with time zone', { nullable: false, default: 'now()' }),
      column('region', 'string', 'text', { nullable: false }),
    ],
    ['id'],
  );

  it('lists each written column, then each target column the pipeline does not fill', () => {
    const found = diff(postgresAlterDialect, pgTarget);
    expect(summary(found)).toEqual([
      'id compatible fits',
      'name warning length_shorter',
      'email missing_in_target! no_such_column',
      'score incompatible! text_to_typed',
      'note missing_in_source left_null',
      'created_at missing_in_source gets_default',
      'region missing_in_source! required',
    ]);
    expect(found.ok).toBe(false);
    expect(found.rows.map((r) => r.suggested_type)).toEqual([
      'integer',
      'varchar(100)',
      'varchar(200)',
      'varchar(10)',
      null,
      null,
      null,
    ]);
  });

  it('generates PostgreSQL DDL that fits the table to the written columns', () => {
    expect(diff(postgresAlterDialect, pgTarget).statements).toEqual([
      {
        kind: 'alter_column',
        column: 'name',
        sql: 'ALTER TABLE "customers" ALTER COLUMN "name" TYPE varchar(100) USING "name"::varchar(100)',
      },
      { kind: 'add_column', column: 'email', sql: 'ALTER TABLE "customers" ADD COLUMN "email" varchar(200)' },
      {
        kind: 'alter_column',
        column: 'score',
        sql: 'ALTER TABLE "customers" ALTER COLUMN "score" TYPE varchar(10) USING "score"::varchar(10)',
      },
      {
        kind: 'alter_column',
        column: 'region',
        sql: 'ALTER TABLE "customers" ALTER COLUMN "region" DROP NOT NULL',
      },
    ]);
  });

  it('creates a missing table with the source’s sizes and key, blocking only when the run will not', () => {
    const found = diff(postgresAlterDialect, undefined);
    expect(found.target_exists).toBe(false);
    expect(found.rows.every((r) => r.status === 'missing_in_target' && !r.blocking)).toBe(true);
    expect(found.ok).toBe(true);
    expect(found.statements.map((s) => s.sql)).toEqual([
      'CREATE TABLE "customers" ("id" integer NOT NULL, "name" varchar(100) NOT NULL, "email" varchar(200), "score" varchar(10), PRIMARY KEY ("id"))',
    ]);
    expect(found.notes.map((n) => n.code)).toEqual(['run_creates_table']);
    const off = diff(postgresAlterDialect, undefined, false);
    expect(off.ok).toBe(false);
    expect(off.rows.every((r) => r.blocking)).toBe(true);
    expect(off.notes.map((n) => n.code)).toEqual(['create_table_off']);
  });

  it('restates the whole column in MySQL’s MODIFY COLUMN, keeping its default and comment', () => {
    const target = table(
      'customers',
      [
        column('id', 'int', 'int', { nullable: false, autoIncrement: true }),
        column('name', 'string', 'varchar(50)', {
          nullable: false,
          default: "'anonymous'",
          comment: 'full name',
        }),
        column('email', 'string', 'varchar(200)'),
        column('score', 'string', 'varchar(10)'),
        column('region', 'string', 'varchar(20)', { nullable: false }),
      ],
      ['id'],
    );
    expect(diff(mysqlAlterDialect, target).statements.map((s) => s.sql)).toEqual([
      "ALTER TABLE `customers` MODIFY COLUMN `name` VARCHAR(100) NOT NULL DEFAULT 'anonymous' COMMENT 'full name'",
      'ALTER TABLE `customers` MODIFY COLUMN `region` varchar(20) NULL',
    ]);
    expect(diff(mysqlAlterDialect, undefined).statements.map((s) => s.sql)).toEqual([
      'CREATE TABLE `customers` (`id` INT NOT NULL, `name` VARCHAR(100) NOT NULL, `email` VARCHAR(200), `score` VARCHAR(10), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
    ]);
  });

  it('matches column names as the database does: exactly in PostgreSQL, in any case in MySQL', () => {
    const upper = table('customers', [column('ID', 'int', 'integer'), ...pgTarget.columns.slice(1)], []);
    expect(diff(postgresAlterDialect, upper).rows[0]).toMatchObject({ status: 'missing_in_target' });
    const myUpper = table('customers', [column('ID', 'int', 'int')], []);
    expect(diff(mysqlAlterDialect, myUpper).rows[0]).toMatchObject({ status: 'compatible' });
  });

  it('adds columns to SQLite, and says plainly which columns it cannot change', () => {
    const target = table('customers', [
      column('id', 'int', 'INTEGER', { nullable: false }),
      column('name', 'string', 'VARCHAR(50)', { nullable: false }),
      column('score', 'int', 'INTEGER'),
    ]);
    const found = diff(sqliteAlterDialect, target);
    expect(summary(found)).toEqual([
      'id compatible fits',
      'name compatible fits',
      'email missing_in_target! no_such_column',
      'score incompatible! text_to_typed',
    ]);
    expect(found.statements.map((s) => s.sql)).toEqual([
      'ALTER TABLE "customers" ADD COLUMN "email" VARCHAR(200)',
    ]);
    expect(found.notes.map((n) => n.text)).toEqual([
      'SQLite cannot change column score in place: create the table anew with the new column definition, copy the rows, drop the old table and rename the new one',
      'SQLite does not enforce declared lengths, precision or integer sizes',
    ]);
  });

  it('leaves a type that already fits alone, whatever its spelling', () => {
    const target = table(
      'customers',
      [
        column('id', 'int', 'integer', { nullable: false }),
        column('name', 'string', 'character varying(100)', { nullable: false }),
        column('email', 'string', 'character varying(200)'),
        column('score', 'string', 'character varying(10)'),
      ],
      ['id'],
    );
    const found = diff(postgresAlterDialect, target);
    expect(found.rows.every((r) => r.status === 'compatible')).toBe(true);
    expect(found.statements).toEqual([]);
    expect(found.ok).toBe(true);
  });
});
