import type { Connection } from 'mysql2';
import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch, Column, Row } from '../../../src-main/engine/batch';
import type { Input, Output } from '../../../src-main/engine/component';
import type { LogicalType } from '../../../src-shared/types/logical';
import { connectMysql, runSql } from '../../mysql/connection';
import { mysqlInput, mysqlOutput } from '../../mysql/spec';
import { postgresqlInput, postgresqlOutput } from '../../postgresql/spec';
import { sqliteInput, sqliteOutput } from '../../sqlite/spec';
import { readInput, tempContext } from '../test-support';
import { isoUtc, PreciseDate } from '../values';
import type { SqlConnection } from './config';

/*
 * Copies between every ordered pair of sqlite, postgresql and mysql (MariaDB) are exact:
 * the same logical rows sit in a source table of each database; each pair reads the source
 * with the source connector's input, writes it with the target connector's output (a table it
 * creates, primary key on id), reads that table back with the target connector's input and
 * compares it with the source, value by value and by checksum.
 *
 * The sources:
 * - sqlite: created by the sqlite output (create_table) from logical columns: SQLite has no
 *   native types beyond its affinities, so the connector's own declared types (DECIMAL TEXT,
 *   BOOLEAN, DATETIME, JSON, UUID…) are the ones that mean something to its reader;
 * - postgresql and mysql: created with DDL and filled with SQL literals, so their native types
 *   are the ones a real database has (numeric, timestamptz, jsonb, uuid; DECIMAL(65,30),
 *   TIMESTAMP(3), JSON, UUID) and the writers under test play no part in them.
 * Each source is first checked against EXPECTED_ROWS, so all three hold the same content.
 */

type Db = 'sqlite' | 'postgresql' | 'mysql';

const suffix = randomBytes(4).toString('hex');
const PG_DB = `fustgo_test_cross_${suffix}`;
const MY_DB = `fustgo_test_cross_${suffix}`;
const pgConnection: SqlConnection = { host: '127.0.0.1', port: 5432, database: PG_DB, username: 'postgres' };
const myConnection: SqlConnection = { host: '127.0.0.1', port: 3306, database: MY_DB, username: 'root' };
const SQLITE_FILE = 'cross.db';
const temp = tempContext('cross-db');
const ctx = temp.ctx;

const SOURCE = 'source_rows';

const COLUMNS: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'i', type: 'int' },
  { name: 'big', type: 'bigint' },
  { name: 'dec', type: 'decimal' },
  { name: 'f', type: 'float' },
  { name: 'flag', type: 'bool' },
  { name: 'txt', type: 'string' },
  { name: 'note', type: 'string' },
  { name: 'd', type: 'date' },
  { name: 't', type: 'time' },
  { name: 'ts', type: 'timestamp' },
  { name: 'tstz', type: 'timestamptz' },
  { name: 'js', type: 'json' },
  { name: 'raw', type: 'bytes' },
  { name: 'uid', type: 'uuid' },
];

const TRICKY = 'tab\there\nnew line\r\nback\\slash "double" \'single\' 中文 🚀 é ß';

/** Row 1: values at the edges of each type; row 2: NULL in every nullable column; row 3: the other edges. */
const EXPECTED_ROWS: Row[] = [
  [
    1,
    2147483647,
    9007199254740993n,
    '12345678901234567890.123456789',
    0.1,
    true,
    TRICKY,
    // What PostgreSQL's COPY text and MySQL's text protocol read as NULL, as plain text.
    '\\N',
    '2024-02-29',
    '23:59:59.123',
    // Microseconds, which a plain Date would drop: every database here keeps them.
    new PreciseDate(Date.parse('2024-01-02T03:04:05.678Z'), 901),
    new PreciseDate(Date.parse('2024-01-02T01:04:05.678Z'), 5),
    { a: [1, 'x', null], s: '中文 🚀', n: 1.5, quote: '"\\' },
    Buffer.from([0x00, 0xff, 0x00, 0x10, 0x5c, 0x09, 0x0a, 0x27]),
    '6f1c2a3e-7b4d-4c8e-9f00-112233445566',
  ],
  [2, ...COLUMNS.slice(1).map(() => null)],
  [
    3,
    -2147483648,
    -9223372036854775808n,
    '-0.000000000000000000000000000001',
    -1.5e-300,
    false,
    '',
    'NULL',
    '1970-01-01',
    '00:00:00',
    new PreciseDate(Date.parse('1969-12-31T23:59:59.999Z'), 999),
    new PreciseDate(Date.parse('2038-01-19T03:14:07.999Z'), 999),
    'a JSON string, "quoted" 🚀',
    Buffer.alloc(0),
    '00000000-0000-0000-0000-000000000000',
  ],
];

const PG_DDL = `CREATE TABLE ${SOURCE} (
  id int4 PRIMARY KEY, i int4, big int8, dec numeric, f float8, flag bool, txt text, note text, d date,
  t time(3), ts timestamp(6), tstz timestamptz(6), js jsonb, raw bytea, uid uuid)`;

const MY_DDL = `CREATE TABLE ${SOURCE} (
  id INT PRIMARY KEY, i INT, big BIGINT, \`dec\` DECIMAL(65,30), f DOUBLE, flag BOOLEAN, txt TEXT, note TEXT,
  d DATE, t TIME(3), ts DATETIME(6), tstz TIMESTAMP(6) NULL, js JSON, raw LONGBLOB, uid UUID
) DEFAULT CHARSET=utf8mb4`;

/** The logical types each source's input reports for COLUMNS. */
const SOURCE_TYPES: Record<Db, LogicalType[]> = {
  postgresql: COLUMNS.map((c) => c.type),
  mysql: COLUMNS.map((c) => c.type),
  // SQLite has no zoned timestamp: the writer declares TIMESTAMP, read back as a timestamp (UTC).
  sqlite: COLUMNS.map((c) => (c.type === 'timestamptz' ? 'timestamp' : c.type)),
};

let pgAdmin: Client;
let pg: Client;
let my: Connection;

beforeAll(async () => {
  pgAdmin = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await pgAdmin.connect();
  await pgAdmin.query(`CREATE DATABASE ${PG_DB}`);
  pg = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: PG_DB });
  await pg.connect();
  my = await connectMysql({ ...myConnection, database: 'mysql' });
  await runSql(my, `CREATE DATABASE ${MY_DB} CHARACTER SET utf8mb4`);
  await runSql(my, `USE ${MY_DB}`);

  await write('sqlite', SOURCE, [{ columns: COLUMNS, rows: EXPECTED_ROWS }]);

  await pg.query(PG_DDL);
  for (const row of EXPECTED_ROWS) {
    // Parameters as text (bigint, Date as UTC text, JSON text): no conversion by the driver's local zone.
    const params = row.map((value, i) => {
      if (value === null || Buffer.isBuffer(value)) return value;
      if (value instanceof Date) return isoUtc(value);
      if (COLUMNS[i].type === 'json') return JSON.stringify(value);
      return String(value);
    });
    // A zone in a timestamp (without time zone) literal is ignored: the UTC wall time is stored.
    await pg.query(`INSERT INTO ${SOURCE} VALUES (${params.map((_, i) => `$${i + 1}`).join(', ')})`, params);
  }

  await runSql(my, MY_DDL);
  for (const row of EXPECTED_ROWS) {
    // The session is in UTC (connectMysql): DATETIME and TIMESTAMP literals are UTC wall time.
    const literals = row.map((value, i) => {
      if (value === null) return 'NULL';
      if (Buffer.isBuffer(value)) return `X'${value.toString('hex')}'`;
      if (value instanceof Date) return `'${isoUtc(value).replace('T', ' ').replace('Z', '')}'`;
      if (COLUMNS[i].type === 'json') return my.escape(JSON.stringify(value));
      if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint')
        return String(value);
      return my.escape(value);
    });
    await runSql(my, `INSERT INTO ${SOURCE} VALUES (${literals.join(', ')})`);
  }
});

afterAll(async () => {
  await pg?.end();
  await pgAdmin?.query(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
  await pgAdmin?.end();
  if (my) {
    await runSql(my, `DROP DATABASE IF EXISTS ${MY_DB}`);
    my.destroy();
  }
  temp.dispose();
});

function input(db: Db, table: string): Promise<Input> | Input {
  // Two rows per batch, so each copy moves several batches.
  const config = { query: { sql: `SELECT * FROM ${table} ORDER BY id` }, fetch: { size: 2 } };
  switch (db) {
    case 'sqlite':
      return sqliteInput.create({ path: SQLITE_FILE, ...config }, ctx);
    case 'postgresql':
      return postgresqlInput.create({ connection: pgConnection, ...config }, ctx);
    case 'mysql':
      return mysqlInput.create({ connection: myConnection, ...config }, ctx);
  }
}

async function read(db: Db, table: string): Promise<{ columns: Column[]; rows: Row[]; batches: Batch[] }> {
  return readInput(await input(db, table), ctx);
}

/** Writes the batches; resolves with the rows the output rejected (the errors, in order). */
async function write(db: Db, table: string, batches: Batch[]): Promise<string[]> {
  const config = {
    write: { table, mode: 'insert' as const, create_table: true },
    conflict: { key: ['id'] },
  };
  let output: Output;
  switch (db) {
    case 'sqlite':
      output = await sqliteOutput.create({ path: SQLITE_FILE, ...config }, ctx);
      break;
    case 'postgresql':
      output = await postgresqlOutput.create({ connection: pgConnection, ...config }, ctx);
      break;
    case 'mysql':
      output = await mysqlOutput.create({ connection: myConnection, ...config }, ctx);
      break;
  }
  const rejected: string[] = [];
  try {
    for (const batch of batches)
      rejected.push(...((await output.write(batch, 0))?.rejected ?? []).map((r) => r.error));
  } catch (error) {
    await output.close(error as Error);
    throw error;
  }
  await output.close();
  return rejected;
}

/*
 * The documented normalisations: representations a type legitimately has in one database and
 * not another, never a change of value.
 */

/**
 * The logical type a column of `type` reads back as from a table `target` created. SQLite
 * (TIMESTAMP) and MySQL (DATETIME(6), as TIMESTAMP stops in 2038) hold a zoned timestamp as its
 * UTC wall time: the same instant, read back as `timestamp`. MySQL stores a uuid as CHAR(36):
 * the same text, read back as `string`.
 */
function typeInTarget(type: LogicalType, target: Db): LogicalType {
  if (type === 'timestamptz' && target !== 'postgresql') return 'timestamp';
  if (type === 'uuid' && target === 'mysql') return 'string';
  return type;
}

/** Trailing zeros of a fraction, and a point left bare by them: MySQL pads DECIMAL(65,30) and TIME(6) to their scale. */
const trimFraction = (text: string) => (text.includes('.') ? text.replace(/\.?0+$/, '') : text);

/**
 * A row with decimals and times in their shortest form: "1.50" and "1.5" are the same number,
 * "12:00:00.000000" and "12:00:00" the same time. Everything else is compared as it is.
 */
function normalise(row: Row, columns: Column[]): Row {
  return row.map((value, i) => {
    const type = columns[i].type;
    return typeof value === 'string' && (type === 'decimal' || type === 'time') ? trimFraction(value) : value;
  });
}

/** A text form that tells every value's JS type apart (bigint from number, Buffer from string), keys sorted. */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  // isoUtc: toISOString would drop a PreciseDate's microseconds.
  if (value instanceof Date) return `date:${isoUtc(value)}`;
  if (Buffer.isBuffer(value)) return `bytes:${value.toString('hex')}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

function checksum(rows: Row[]): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(`${canonical(row)}\n`);
  return hash.digest('hex');
}

const DATABASES: Db[] = ['sqlite', 'postgresql', 'mysql'];
/** The six ordered pairs, [source, target]. */
const PAIRS: [Db, Db][] = DATABASES.flatMap((source) =>
  DATABASES.filter((target) => target !== source).map((target): [Db, Db] => [source, target]),
);

describe('cross-database copies', () => {
  it.each(DATABASES)('the %s source holds the expected rows', async (db) => {
    const { columns, rows } = await read(db, SOURCE);
    expect(columns.map((c) => `${c.name}:${c.type}`)).toEqual(
      COLUMNS.map((c, i) => `${c.name}:${SOURCE_TYPES[db][i]}`),
    );
    const expected = EXPECTED_ROWS.map((row) => normalise(row, columns));
    expect(rows.map((row) => normalise(row, columns))).toEqual(expected);
    // toEqual compares Dates by milliseconds; the checksum also sees the microseconds.
    expect(checksum(rows.map((row) => normalise(row, columns)))).toBe(checksum(expected));
  });

  it.each(PAIRS)('copies %s → %s exactly', async (source, target) => {
    const from = await read(source, SOURCE);
    expect(from.batches.length).toBeGreaterThan(1);
    const table = `from_${source}`;
    expect(await write(target, table, from.batches)).toEqual([]);
    const back = await read(target, table);

    expect(back.columns.map((c) => `${c.name}:${c.type}`)).toEqual(
      from.columns.map((c) => `${c.name}:${typeInTarget(c.type, target)}`),
    );
    const sourceRows = from.rows.map((row) => normalise(row, from.columns));
    const targetRows = back.rows.map((row) => normalise(row, back.columns));
    expect(targetRows).toEqual(sourceRows);
    expect(checksum(targetRows)).toBe(checksum(sourceRows));
    expect(targetRows).toHaveLength(EXPECTED_ROWS.length);
  });

  it('rejects a decimal MySQL cannot hold rather than rounding it (postgresql → mysql)', async () => {
    // DECIMAL(65,30), what an unconstrained numeric becomes, holds 30 decimals: the 31st would be rounded away.
    await pg.query(`CREATE TABLE wide_decimal (id int4 PRIMARY KEY, dec numeric);
      INSERT INTO wide_decimal VALUES (1, 0.1234567890123456789012345678901)`);
    const from = await read('postgresql', 'wide_decimal');
    expect(await write('mysql', 'wide_decimal', from.batches)).toEqual([
      "a value does not fit its column as sent: Data truncated for column 'dec' at row 1",
    ]);
    expect((await read('mysql', 'wide_decimal')).rows).toEqual([]);
  });
});
