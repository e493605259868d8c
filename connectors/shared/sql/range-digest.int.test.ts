import Database from 'better-sqlite3';
import type { Connection } from 'mysql2';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogicalType } from '../../../src-shared/types/logical';
import { connectMysql, runSql } from '../../mysql/connection';
import { openMysqlDigester, rowTextSql as mysqlRowText } from '../../mysql/range-digest';
import {
  openPostgresDigester,
  prepareDigestSession,
  rowTextSql as pgRowText,
} from '../../postgresql/range-digest';
import { openSqliteDigester } from '../../sqlite/range-digest';
import { WHOLE_TABLE } from './key-ranges';
import { canonicalRow, digestRows, type ComparedColumn, type TableDigester } from './range-digest';

/*
 * The canonical text of the same values is the same in PostgreSQL, MariaDB and SQLite: one
 * table per database with native types holds tricky values of every logical type; each
 * database's canonical SQL is compared, column by column, with the JavaScript reference
 * (`canonicalRow`), and each database's digest with `digestRows`.
 */

const suffix = randomBytes(4).toString('hex');
const DB = `fustgo_test_digest_${suffix}`;
const pgConnection = { host: '127.0.0.1', port: 5432, database: DB, username: 'postgres' };
const myConnection = { host: '127.0.0.1', port: 3306, database: DB, username: 'root' };

interface TestColumn {
  name: string;
  type: LogicalType;
  pg: string;
  my: string;
  sqlite: string;
}

const COLUMNS: TestColumn[] = [
  { name: 'id', type: 'int', pg: 'int4 PRIMARY KEY', my: 'INT PRIMARY KEY', sqlite: 'INTEGER PRIMARY KEY' },
  { name: 'big', type: 'bigint', pg: 'int8', my: 'BIGINT', sqlite: 'BIGINT' },
  { name: 'dec', type: 'decimal', pg: 'numeric', my: 'DECIMAL(65,30)', sqlite: 'DECIMAL TEXT' },
  { name: 'f', type: 'float', pg: 'float8', my: 'DOUBLE', sqlite: 'REAL' },
  { name: 'flag', type: 'bool', pg: 'bool', my: 'TINYINT(1)', sqlite: 'BOOLEAN' },
  { name: 'txt', type: 'string', pg: 'text', my: 'TEXT', sqlite: 'TEXT' },
  { name: 'd', type: 'date', pg: 'date', my: 'DATE', sqlite: 'DATE' },
  { name: 't', type: 'time', pg: 'time(3)', my: 'TIME(3)', sqlite: 'TIME' },
  { name: 'ts', type: 'timestamp', pg: 'timestamp(3)', my: 'DATETIME(3)', sqlite: 'DATETIME' },
  { name: 'tstz', type: 'timestamptz', pg: 'timestamptz(3)', my: 'TIMESTAMP(3) NULL', sqlite: 'TIMESTAMP' },
  { name: 'js', type: 'json', pg: 'jsonb', my: 'JSON', sqlite: 'JSON' },
  { name: 'raw', type: 'bytes', pg: 'bytea', my: 'LONGBLOB', sqlite: 'BLOB' },
  { name: 'uid', type: 'uuid', pg: 'uuid', my: 'UUID', sqlite: 'UUID' },
];

const TRICKY = 'tab\there\nnew line\r\nback\\slash "double" \'single\' 中文 🚀 é ß |~ 3:x';

/** Values as text (SQL literal contents); timestamps in UTC; null for NULL. */
const ROWS: (string | null)[][] = [
  [
    '1',
    '9007199254740993',
    '12.300',
    '0.1',
    'true',
    TRICKY,
    '2024-02-29',
    '23:59:59.123',
    '2024-01-02 03:04:05.678',
    '2024-01-02 01:04:05.678',
    '{"b":1,"a":[1,2.50,"x",null,true,false],"aa":{"z":1e2,"y":"中文 🚀\\n","B":0.001}}',
    '00ff00105c090a27',
    '6f1c2a3e-7b4d-4c8e-9f00-112233445566',
  ],
  ['2', null, null, null, null, null, null, null, null, null, null, null, null],
  [
    '3',
    '-9223372036854775808',
    '-0.000000000000000000000000000001',
    '-1.5e-300',
    'false',
    '',
    '1970-01-01',
    '00:00:00',
    '1969-12-31 23:59:59.999',
    '2038-01-19 03:14:07.999',
    '"a JSON string, \\"quoted\\" 🚀"',
    '',
    '00000000-0000-0000-0000-000000000000',
  ],
  [
    '4',
    '9223372036854775807',
    '12345678901234567890.123456789',
    '1e15',
    'true',
    '\\N',
    '9999-12-31',
    '12:34:56.5',
    '1000-01-01 00:00:00',
    '1970-01-01 00:00:01',
    '{"é":1,"n":-0.0125,"Z":-0,"ab":[],"a":{}}',
    'deadbeef',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
  ],
  [
    '5',
    '0',
    '100',
    '1e14',
    'false',
    'NULL',
    '2000-01-01',
    '00:00:00.001',
    '2024-12-31 23:59:59',
    '2024-06-30 12:00:00',
    '{"n":12345678901234567890.123,"e":-1.5E-7,"big":1e400}',
    '5c',
    null,
  ],
  ['6', '-1', '0.00', '1.2345678901234568e20', null, '~', null, null, null, null, '[]', null, null],
  ['7', '1', '-0.50', '0.3333333333333333', null, ' ', null, null, null, null, '{}', null, null],
  ['8', '2', '1000000', '5e-324', null, '🚀', null, null, null, null, 'null', null, null],
  ['9', '3', '-12.5', '1.7976931348623157e308', null, null, null, null, null, null, null, null, null],
  ['10', '4', '0.5', '0.00001', null, null, null, null, null, null, null, null, null],
  ['11', '5', '7', '123456.789', null, null, null, null, null, null, null, null, null],
  ['12', '6', '7', '-0', null, null, null, null, null, null, null, null, null],
  ['13', '7', '7', '1e21', null, null, null, null, null, null, null, null, null],
  ['14', '8', '7', '1e-7', null, null, null, null, null, null, null, null, null],
  ['15', '9', '7', '-2.5e-5', null, null, null, null, null, null, null, null, null],
];

/** A value as SQLite holds it when the sqlite output wrote it. */
function sqliteValue(type: LogicalType, text: string | null): unknown {
  if (text === null) return null;
  switch (type) {
    case 'int':
    case 'bigint':
      return BigInt(text);
    case 'float':
      return Number(text);
    case 'bool':
      return text === 'true' ? 1 : 0;
    case 'bytes':
      return Buffer.from(text, 'hex');
    case 'timestamp':
    case 'timestamptz':
      return `${text.replace(' ', 'T')}${text.includes('.') ? '' : '.000'}Z`;
    default:
      return text;
  }
}

const compared: ComparedColumn[] = COLUMNS.map((c) => ({
  column: { name: c.name, type: c.type },
  as: c.type,
}));
const expectedRows = ROWS.map((row) => row.map((text, i) => sqliteValue(COLUMNS[i].type, text)));

let dir: string;
let pgAdmin: Client;
let pg: Client;
let my: Connection;
let sqliteFile: string;

beforeAll(async () => {
  pgAdmin = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await pgAdmin.connect();
  await pgAdmin.query(`CREATE DATABASE ${DB}`);
  pg = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: DB });
  await pg.connect();
  await pg.query(`CREATE TABLE v (${COLUMNS.map((c) => `${c.name} ${c.pg}`).join(', ')})`);
  for (const row of ROWS) {
    const params = row.map((text, i) =>
      COLUMNS[i].type === 'bytes' && text !== null ? Buffer.from(text, 'hex') : text,
    );
    await pg.query(`INSERT INTO v VALUES (${params.map((_, i) => `$${i + 1}`).join(', ')})`, params);
  }

  my = await connectMysql({ ...myConnection, database: 'mysql' });
  await runSql(my, `CREATE DATABASE ${DB} CHARACTER SET utf8mb4`);
  await runSql(my, `USE ${DB}`);
  await runSql(
    my,
    `CREATE TABLE v (${COLUMNS.map((c) => `\`${c.name}\` ${c.my}`).join(', ')}) DEFAULT CHARSET=utf8mb4`,
  );
  for (const row of ROWS) {
    const literals = row.map((text, i) => {
      if (text === null) return 'NULL';
      if (COLUMNS[i].type === 'bytes') return `X'${text}'`;
      if (COLUMNS[i].type === 'bool') return text === 'true' ? '1' : '0';
      if (COLUMNS[i].type === 'float') return text.includes('e') ? text : `${text}e0`;
      return my.escape(text);
    });
    await runSql(my, `INSERT INTO v VALUES (${literals.join(', ')})`);
  }

  dir = mkdtempSync(path.join(tmpdir(), 'fustgo-digest-'));
  sqliteFile = path.join(dir, 'v.db');
  const sqlite = new Database(sqliteFile);
  sqlite.exec(`CREATE TABLE v (${COLUMNS.map((c) => `"${c.name}" ${c.sqlite}`).join(', ')})`);
  const insert = sqlite.prepare(`INSERT INTO v VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  for (const row of expectedRows) insert.run(row);
  sqlite.close();
});

afterAll(async () => {
  await pg?.end();
  await pgAdmin?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await pgAdmin?.end();
  if (my) {
    await runSql(my, `DROP DATABASE IF EXISTS ${DB}`);
    my.destroy();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The canonical row text of one column, per row, in the JavaScript reference. */
function expectedTexts(column: number): string[] {
  return expectedRows.map((row) => canonicalRow([compared[column]], [row[column]]));
}

describe('canonical text', () => {
  it('PostgreSQL SQL writes every value as the reference does', async () => {
    const selects = compared.map((c) => pgRowText([c], { jsonFunction: true }));
    await prepareDigestSession(pg);
    const result = await pg.query<string[]>({
      text: `SELECT ${selects.join(', ')} FROM v ORDER BY id`,
      rowMode: 'array',
    });
    compared.forEach((c, i) =>
      expect(
        result.rows.map((r) => r[i]),
        c.column.name,
      ).toEqual(expectedTexts(i)),
    );
  });

  it('MariaDB SQL writes every value as the reference does', async () => {
    const selects = compared.map((c) => mysqlRowText([c], { jsonNormalize: true }));
    const rows = (await runSql(my, `SELECT ${selects.join(', ')} FROM v ORDER BY id`)) as string[][];
    compared.forEach((c, i) =>
      expect(
        rows.map((r) => r[i]),
        c.column.name,
      ).toEqual(expectedTexts(i)),
    );
  });

  it('gives the same digest in the three databases, equal to the reference', async () => {
    const expected = digestRows(compared, expectedRows);
    const digesters: TableDigester[] = [
      await openPostgresDigester(pgConnection),
      await openMysqlDigester(myConnection),
      await openSqliteDigester(sqliteFile),
    ];
    try {
      for (const digester of digesters) {
        const columns = await digester.describe('v');
        // SQLite has no zoned timestamp: its TIMESTAMP reads as a timestamp, which compares as one.
        const zoned = digester === digesters[2] ? 'timestamp' : 'timestamptz';
        expect(columns.map((c) => c.type)).toEqual(
          COLUMNS.map((c) => (c.type === 'timestamptz' ? zoned : c.type)),
        );
        expect(await digester.digest({ table: 'v', columns: compared, range: WHOLE_TABLE })).toEqual(
          expected,
        );
        expect(await digester.primaryKey('v')).toEqual(['id']);
        expect(await digester.hasUniqueKey('v', ['id'])).toBe(true);
        expect(await digester.hasUniqueKey('v', ['big'])).toBe(false);
      }
    } finally {
      await Promise.all(digesters.map((d) => d.close()));
    }
  });
});
