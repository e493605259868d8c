import type { Connection } from 'mysql2';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch, Column, Row } from '../../src-main/engine/batch';
import { FieldError, silentLogger, type ComponentContext } from '../../src-main/engine/component';
import type { SqlConnection } from '../shared/sql/config';
import { readInput, testContext } from '../shared/test-support';
import { connectMysql, runSql, selectValue } from './connection';
import { mysqlInput, mysqlOutput } from './spec';

/** Runs against the local MariaDB (127.0.0.1:3306, root): a database of its own, dropped at the end. */
const DB = `fustgo_test_my_${randomBytes(4).toString('hex')}`;
const connection: SqlConnection = { host: '127.0.0.1', port: 3306, database: DB, username: 'root' };
const ctx = testContext();
let admin: Connection;

type InputConfig = Parameters<typeof mysqlInput.create>[0];
type OutputConfig = Parameters<typeof mysqlOutput.create>[0];

const sql = (statement: string) => runSql(admin, statement);
const rowsOf = async (statement: string) => (await sql(statement)) as unknown[][];

async function read(query: InputConfig['query'], more: Partial<InputConfig> = {}, context = ctx) {
  return readInput(await mysqlInput.create({ connection, query, ...more }, context), context);
}

async function write(config: Omit<OutputConfig, 'connection'>, batches: Batch[]): Promise<string | void> {
  const output = await mysqlOutput.create({ connection, ...config }, ctx);
  for (const batch of batches) await output.write(batch, 0);
  return output.close();
}

/** Sessions connected to the test database other than the admin one: readers and writers that were not released. */
async function otherSessions(): Promise<number> {
  const sessions = `SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '${DB}' AND ID <> CONNECTION_ID()`;
  // The server notices a closed socket a moment later.
  for (let attempt = 0; attempt < 40; attempt++) {
    const n = Number(await selectValue(admin, sessions));
    if (n === 0) return 0;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Number(await selectValue(admin, sessions));
}

beforeAll(async () => {
  admin = await connectMysql({ ...connection, database: 'mysql' });
  await sql(`CREATE DATABASE ${DB} CHARACTER SET utf8mb4`);
  await sql(`USE ${DB}`);
  await sql('CREATE TABLE many (id INT PRIMARY KEY, name VARCHAR(20), grp INT)');
  const values = Array.from({ length: 2500 }, (_, i) => `(${i + 1}, 'p${i + 1}', ${(i + 1) % 3})`);
  await sql(`INSERT INTO many VALUES ${values.join(', ')}`);
});

afterAll(async () => {
  await sql(`DROP DATABASE IF EXISTS ${DB}`);
  admin.destroy();
});

const ALL_TYPES = `CREATE TABLE all_types (
  id INT PRIMARY KEY, flag TINYINT(1), tiny TINYINT, small SMALLINT, medium MEDIUMINT, i INT, iu INT UNSIGNED,
  big BIGINT, bigu BIGINT UNSIGNED, dec30 DECIMAL(30,9), f FLOAT, d DOUBLE, c CHAR(3), vc VARCHAR(50), txt TEXT,
  e ENUM('a','b'), s SET('x','y'), dt DATE, tm TIME(3), dtm DATETIME(3), ts TIMESTAMP(3) NULL, j JSON, bl BLOB,
  vb VARBINARY(16), bits BIT(9)
) DEFAULT CHARSET=utf8mb4`;

const tricky = 'tab\there\nnewline \\ backslash \'single\' "double" \u0000 nul';
const expectedRow: Row = [
  1,
  true,
  -128,
  -32768,
  -8388608,
  -2147483648,
  4294967295,
  -9223372036854775808n,
  18446744073709551615n,
  '123456789012345678901.123456789',
  1.5,
  0.1,
  'abc',
  '😀 emoji and 中文',
  tricky,
  'b',
  'x,y',
  '2024-02-29',
  '-838:59:59.000',
  new Date('2024-01-02T03:04:05.678Z'),
  new Date('2038-01-19T03:14:07.999Z'),
  { a: [1, 2, { b: null }], s: 'ü' },
  Buffer.from([0x00, 0xff, 0x00, 0x10]),
  Buffer.alloc(0),
  341,
];

describe('mysql connector', () => {
  it('reads every mapped type exactly, with NULLs, and round-trips them through a created table', async () => {
    await sql(ALL_TYPES);
    await sql(`INSERT INTO all_types VALUES (1, 1, -128, -32768, -8388608, -2147483648, 4294967295,
      -9223372036854775808, 18446744073709551615, '123456789012345678901.123456789', 1.5, 0.1, 'abc',
      '😀 emoji and 中文', ${admin.escape(tricky)}, 'b', 'x,y', '2024-02-29', '-838:59:59', '2024-01-02 03:04:05.678',
      '2038-01-19 03:14:07.999', '{"a": [1, 2, {"b": null}], "s": "ü"}', X'00FF0010', X'', b'101010101')`);
    await sql('INSERT INTO all_types (id) VALUES (2)');
    const nulls: Row = [2, ...Array.from({ length: 24 }, () => null)];

    const { columns, rows } = await read({ sql: 'SELECT * FROM all_types ORDER BY id' });
    expect(columns.map((c) => `${c.name}:${c.type}:${c.nativeType}`)).toEqual([
      'id:int:INT',
      'flag:bool:TINYINT(1)',
      'tiny:int:TINYINT',
      'small:int:SMALLINT',
      'medium:int:MEDIUMINT',
      'i:int:INT',
      'iu:int:INT UNSIGNED',
      'big:bigint:BIGINT',
      'bigu:bigint:BIGINT UNSIGNED',
      'dec30:decimal:DECIMAL(30,9)',
      'f:float:FLOAT',
      'd:float:DOUBLE',
      'c:string:CHAR(3)',
      'vc:string:VARCHAR(50)',
      'txt:string:TEXT',
      'e:string:ENUM',
      's:string:SET',
      'dt:date:DATE',
      'tm:time:TIME(3)',
      'dtm:timestamp:DATETIME(3)',
      'ts:timestamptz:TIMESTAMP(3)',
      'j:json:JSON',
      'bl:bytes:BLOB',
      'vb:bytes:VARBINARY(16)',
      'bits:int:BIT(9)',
    ]);
    expect(rows).toEqual([expectedRow, nulls]);

    await write({ write: { table: 'all_types_copy' }, conflict: { key: ['id'] } }, [{ columns, rows }]);
    const ddl = String((await rowsOf('SHOW CREATE TABLE all_types_copy'))[0][1]);
    expect(ddl).toContain('PRIMARY KEY (`id`)');
    expect(ddl).toContain('`bigu` bigint(20) unsigned');
    expect(ddl).toContain('`dec30` decimal(30,9)');
    expect(ddl).toContain('CHARSET=utf8mb4');
    const copy = await read({ sql: 'SELECT * FROM all_types_copy ORDER BY id' });
    expect(copy.rows).toEqual([expectedRow, nulls]);
  });

  it('reads zero dates as NULL and says how many', async () => {
    await sql('CREATE TABLE zero_dates (id INT, d DATE, dt DATETIME)');
    await sql("SET SESSION sql_mode = ''");
    await sql(
      "INSERT INTO zero_dates VALUES (1, '0000-00-00', '0000-00-00 00:00:00'), (2, '2024-01-01', '2024-01-01 10:00:00')",
    );
    await sql('SET SESSION sql_mode = DEFAULT');
    const warnings: string[] = [];
    const context: ComponentContext = {
      ...ctx,
      logger: { ...silentLogger, warn: (msg) => void warnings.push(msg) },
    };
    const { rows } = await read({ sql: 'SELECT * FROM zero_dates ORDER BY id' }, {}, context);
    expect(rows).toEqual([
      [1, null, null],
      [2, '2024-01-01', new Date('2024-01-01T10:00:00Z')],
    ]);
    expect(warnings).toEqual([
      '2 zero dates (0000-00-00 and the like) were read as NULL: no calendar has them',
    ]);
  });

  it('streams a table in batches of fetch.size, reusing one columns array', async () => {
    const input = await mysqlInput.create(
      { connection, query: { table: 'many' }, fetch: { size: 1000 } },
      ctx,
    );
    expect(await input.plan(4)).toEqual({
      lanes: 1,
      note: 'query.split_key is not set: reading in one lane',
    });
    const { batches, rows } = await readInput(input, ctx);
    expect(batches.map((b) => b.rows.length)).toEqual([1000, 1000, 500]);
    expect(batches[2].columns).toBe(batches[0].columns);
    expect(batches.map((b) => b.checkpoint)).toEqual([{ rows: 1000 }, { rows: 2000 }, { rows: 2500 }]);
    expect(batches[0].bytes).toBeGreaterThan(0);
    expect(rows[0]).toEqual([1, 'p1', 1]);
    expect(await otherSessions()).toBe(0);
  });

  it('reads columns with a filter, and a SQL query with a JOIN and aggregates', async () => {
    const filtered = await read({ table: 'many', columns: ['id', 'name'], filter: 'id <= 7 AND grp = 1' });
    expect(filtered.rows).toEqual([
      [1, 'p1'],
      [4, 'p4'],
      [7, 'p7'],
    ]);
    await sql('CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(20))');
    await sql('CREATE TABLE orders (id INT PRIMARY KEY, user_id INT, amount DECIMAL(10,2))');
    await sql("INSERT INTO users VALUES (1, 'ann'), (2, 'bob')");
    await sql('INSERT INTO orders VALUES (1, 1, 10.10), (2, 1, 0.20), (3, 2, 5.00)');
    const { columns, rows } = await read({
      sql: `SELECT u.name, COUNT(*) AS n, SUM(o.amount) AS total FROM ${DB}.users u
            JOIN orders o ON o.user_id = u.id GROUP BY u.name ORDER BY u.name`,
    });
    expect(columns.map((c) => `${c.name}:${c.type}`)).toEqual(['name:string', 'n:bigint', 'total:decimal']);
    expect(rows).toEqual([
      ['ann', 2n, '10.30'],
      ['bob', 1n, '5.00'],
    ]);
  });

  it('upserts twice without duplicates, updating values, on a created string primary key', async () => {
    const columns: Column[] = [
      { name: 'code', type: 'string' },
      { name: 'qty', type: 'int' },
      { name: 'price', type: 'decimal' },
    ];
    const config = {
      write: { table: `${DB}.stock`, mode: 'upsert' as const, batch_size: 2 },
      conflict: { key: ['code'] },
    };
    await write(config, [
      {
        columns,
        rows: [
          ['a', 1, '1.50'],
          ['b', 2, '2.50'],
          ['c', 3, '3.50'],
        ],
      },
    ]);
    await write(config, [
      {
        columns,
        rows: [
          ['b', 20, '20.25'],
          ['d', 4, '4.00'],
        ],
      },
    ]);
    expect(String((await rowsOf('SHOW CREATE TABLE stock'))[0][1])).toContain('`code` varchar(255) NOT NULL');
    const { rows } = await read({ sql: 'SELECT code, qty, price FROM stock ORDER BY code' });
    expect(rows).toEqual([
      ['a', 1, '1.500000000000000000000000000000'],
      ['b', 20, '20.250000000000000000000000000000'],
      ['c', 3, '3.500000000000000000000000000000'],
      ['d', 4, '4.000000000000000000000000000000'],
    ]);
  });

  it('replace deletes the slice’s keys then inserts it: twice without duplicates, other rows untouched', async () => {
    await sql(`CREATE TABLE prices (sku VARCHAR(20), region VARCHAR(5), price DECIMAL(10,2),
      note VARCHAR(20) DEFAULT 'none', PRIMARY KEY (sku, region))`);
    await sql("INSERT INTO prices VALUES ('keep', 'eu', 9, 'kept'), ('a', 'eu', 1, 'old note')");
    const columns: Column[] = [
      { name: 'sku', type: 'string' },
      { name: 'region', type: 'string' },
      { name: 'price', type: 'decimal' },
    ];
    const replace: Omit<OutputConfig, 'connection'> = {
      write: { table: 'prices', mode: 'replace' },
      conflict: { key: ['sku', 'region'] },
    };
    await write(replace, [
      {
        columns,
        rows: [
          ['a', 'eu', '1.50'],
          ['a', 'us', '1.60'],
          ['b', 'eu', '2.00'],
        ],
      },
    ]);
    // Twice, with a key repeated inside one slice: the later row wins.
    await write({ ...replace, write: { ...replace.write, batch_size: 2 } }, [
      {
        columns,
        rows: [
          ['a', 'eu', '1.70'],
          ['b', 'eu', '2.10'],
          ['b', 'eu', '2.20'],
          ['b', 'eu', '2.30'],
        ],
      },
    ]);
    expect(await rowsOf('SELECT sku, region, price, note FROM prices ORDER BY sku, region')).toEqual([
      ['a', 'eu', '1.70', 'none'],
      ['a', 'us', '1.60', 'none'],
      ['b', 'eu', '2.30', 'none'],
      ['keep', 'eu', '9.00', 'kept'],
    ]);
  });

  it('replace works on a table without a primary key, and rejects a row with a NULL key', async () => {
    await sql('CREATE TABLE events (id INT, v VARCHAR(20))');
    await sql("INSERT INTO events VALUES (1, 'old'), (1, 'older'), (9, 'x')");
    const columns: Column[] = [
      { name: 'id', type: 'int' },
      { name: 'v', type: 'string' },
    ];
    const replace: Omit<OutputConfig, 'connection'> = {
      write: { table: 'events', mode: 'replace' },
      conflict: { key: ['id'] },
    };
    await write(replace, [
      {
        columns,
        rows: [
          [1, 'new'],
          [2, 'two'],
        ],
      },
    ]);
    await write(replace, [
      {
        columns,
        rows: [
          [2, 'two again'],
          [2, 'two last'],
        ],
      },
    ]);
    expect(await rowsOf('SELECT id, v FROM events ORDER BY id, v')).toEqual([
      [1, 'new'],
      [2, 'two last'],
      [9, 'x'],
    ]);
    // Many keys in one slice, written twice: every key once, with its second version.
    const many = Array.from({ length: 3000 }, (_, i): Row => [i + 100, `v${i}`]);
    await write(replace, [{ columns, rows: many }]);
    await write(replace, [{ columns, rows: many.map(([id]) => [id, 'again']) }]);
    expect(
      await rowsOf("SELECT COUNT(*), COUNT(DISTINCT id), SUM(v = 'again') FROM events WHERE id >= 100"),
    ).toEqual([[3000, 3000, '3000']]);

    const rejecting = await mysqlOutput.create({ connection, ...replace }, ctx);
    const rows = [
      [null, 'no key'],
      [3, 'three'],
    ];
    expect(await rejecting.write({ columns, rows }, 0)).toEqual({
      rejected: [{ index: 0, error: 'replace cannot identify a row whose conflict.key column "id" is NULL' }],
    });
    await rejecting.close();
    expect(await rowsOf('SELECT id, v FROM events WHERE id = 3')).toEqual([[3, 'three']]);
    const create = () => mysqlOutput.create({ connection, write: { table: 't', mode: 'replace' } }, ctx);
    expect(create).toThrow(FieldError);
    expect(create).toThrow('replace needs the key columns that identify a row');
  });

  it('truncate_insert replaces the rows; pre_sql runs first and post_sql only after a successful run', async () => {
    const columns: Column[] = [{ name: 'n', type: 'int' }];
    const config: Omit<OutputConfig, 'connection'> = {
      write: { table: 'snapshot', mode: 'truncate_insert' },
      pre_sql: ['CREATE TABLE IF NOT EXISTS audit (step VARCHAR(10))', "INSERT INTO audit VALUES ('pre')"],
      post_sql: ["INSERT INTO audit VALUES ('post')"],
    };
    await write(config, [{ columns, rows: [[1], [2], [3]] }]);
    await write(config, [
      { columns, rows: [[4]] },
      { columns, rows: [[5]] },
    ]);
    expect(await rowsOf('SELECT n FROM snapshot ORDER BY n')).toEqual([[4], [5]]);
    // A run with no row still replaces the contents: the table ends up holding what the source held.
    await write(config, []);
    expect(await rowsOf('SELECT n FROM snapshot')).toEqual([]);
    const failing = await mysqlOutput.create({ connection, ...config }, ctx);
    await failing.write({ columns, rows: [[6]] }, 0);
    expect(await failing.close(new Error('run failed'))).toBe(
      `1 rows were committed to table "snapshot" in MySQL database "${DB}" before the run stopped`,
    );
    expect((await rowsOf('SELECT step FROM audit')).map((r) => r[0])).toEqual([
      'pre',
      'post',
      'pre',
      'post',
      'pre',
      'post',
      'pre',
    ]);
  });

  it('counts only committed rows in the note of a failed run', async () => {
    const columns: Column[] = [{ name: 'id', type: 'int' }];
    const output = await mysqlOutput.create(
      { connection, write: { table: 'strict_ids', batch_size: 2 }, conflict: { key: ['id'] } },
      ctx,
    );
    expect(await output.write({ columns, rows: [[1], [2], [3], [3]] }, 0)).toEqual({
      rejected: [{ index: 3, error: "Duplicate entry '3' for key 'PRIMARY'" }],
    });
    expect(await output.close(new Error('run failed'))).toBe(
      `3 rows were committed to table "strict_ids" in MySQL database "${DB}" before the run stopped`,
    );
    expect(await rowsOf('SELECT id FROM strict_ids ORDER BY id')).toEqual([[1], [2], [3]]);
  });

  it('rejects a decimal the column would round, instead of storing another value', async () => {
    // An unconstrained decimal (PostgreSQL numeric, SQLite text) gets DECIMAL(65,30): 30 decimals at most.
    const columns: Column[] = [
      { name: 'id', type: 'int' },
      { name: 'amount', type: 'decimal' },
    ];
    const output = await mysqlOutput.create(
      { connection, write: { table: 'exact_decimals' }, conflict: { key: ['id'] } },
      ctx,
    );
    await output.write({ columns, rows: [[1, '0.000000000000000000000000000001']] }, 0);
    expect(
      await output.write(
        {
          columns,
          rows: [
            [2, '1.5'],
            [3, '0.1234567890123456789012345678901'],
          ],
        },
        0,
      ),
    ).toEqual({
      rejected: [
        {
          index: 1,
          error: "a value does not fit its column as sent: Data truncated for column 'amount' at row 1",
        },
      ],
    });
    await output.close();
    const { rows } = await read({ sql: 'SELECT id, amount FROM exact_decimals ORDER BY id' });
    expect(rows).toEqual([
      [1, '0.000000000000000000000000000001'],
      [2, '1.500000000000000000000000000000'],
    ]);
  });

  it('redoes a transaction on a new connection after its connection was killed, writing every row once', async () => {
    const warnings: string[] = [];
    const recording: ComponentContext = {
      ...ctx,
      logger: { ...silentLogger, warn: (msg) => void warnings.push(msg) },
    };
    const columns: Column[] = [
      { name: 'id', type: 'int' },
      { name: 'name', type: 'string' },
    ];
    await sql('CREATE TABLE pre_runs (n INT)');
    const output = await mysqlOutput.create(
      {
        connection,
        write: { table: 'retried', batch_size: 100, mode: 'truncate_insert' },
        conflict: { key: ['id'] },
        pre_sql: ['INSERT INTO pre_runs VALUES (1)'],
        retry: { initial_delay: 0.01 },
      },
      recording,
    );
    /** Kills the writer's connection: the only session on the test database besides the admin one. */
    const killWriter = async () => {
      const ids = await rowsOf(
        `SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '${DB}' AND ID <> CONNECTION_ID()`,
      );
      expect(ids).toHaveLength(1);
      await sql(`KILL ${Number(ids[0][0])}`);
    };
    for (let b = 0; b < 10; b++) {
      // The connection dies between two writes, twice: the next slice fails, then is redone.
      if (b === 3 || b === 7) await killWriter();
      await output.write(
        { columns, rows: Array.from({ length: 250 }, (_, i) => [b * 250 + i, `row ${i}`]) },
        0,
      );
    }
    expect(await output.close()).toBeUndefined();
    expect(await rowsOf('SELECT COUNT(*), COUNT(DISTINCT id) FROM retried')).toEqual([[2500, 2500]]);
    // pre_sql (and the TRUNCATE) ran once, on the first connection only.
    expect(await rowsOf('SELECT COUNT(*) FROM pre_runs')).toEqual([[1]]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^writing to table "retried" in MySQL database "\w+" failed; retrying in 0.01 s \(attempt 2 of 4\): /,
    );
    expect(await otherSessions()).toBe(0);
  });

  it('upsert rejects the rows the server refuses and merges the others', async () => {
    await sql('CREATE TABLE merged (id INT PRIMARY KEY, code VARCHAR(3) NOT NULL); ');
    await sql("INSERT INTO merged VALUES (1, 'old')");
    const columns: Column[] = [
      { name: 'id', type: 'int' },
      { name: 'code', type: 'string' },
    ];
    const output = await mysqlOutput.create(
      { connection, write: { table: 'merged', mode: 'upsert', batch_size: 4 }, conflict: { key: ['id'] } },
      ctx,
    );
    const rows: Row[] = [
      [1, 'new'],
      [2, null],
      [3, 'abc'],
      [4, 'long'],
      [5, 'e'],
      [1, 'fin'],
    ];
    expect(await output.write({ columns, rows }, 0)).toEqual({
      rejected: [
        { index: 1, error: "Column 'code' cannot be null" },
        { index: 3, error: "Data too long for column 'code' at row 1" },
      ],
    });
    await output.close();
    expect(await rowsOf('SELECT id, code FROM merged ORDER BY id')).toEqual([
      [1, 'fin'],
      [3, 'abc'],
      [5, 'e'],
    ]);
  });

  it('rejects the rows the server refuses for their data, without retrying', async () => {
    const warnings: string[] = [];
    const recording: ComponentContext = {
      ...ctx,
      logger: { ...silentLogger, warn: (msg) => void warnings.push(msg) },
    };
    await sql('CREATE TABLE unique_ids (id INT PRIMARY KEY)');
    const columns: Column[] = [{ name: 'id', type: 'int' }];
    // Were it retried, the first wait (a minute) would outlast the test's timeout.
    const output = await mysqlOutput.create(
      { connection, write: { table: 'unique_ids' }, retry: { initial_delay: 60 } },
      recording,
    );
    expect(await output.write({ columns, rows: [[1], [2], [1]] }, 0)).toEqual({
      rejected: [{ index: 2, error: "Duplicate entry '1' for key 'PRIMARY'" }],
    });
    await output.close();
    expect(warnings).toEqual([]);
    expect(await rowsOf('SELECT id FROM unique_ids ORDER BY id')).toEqual([[1], [2]]);
  });

  it('writes from several lanes at once, a connection each, ending them all at close', async () => {
    const columns: Column[] = [{ name: 'id', type: 'int' }];
    const output = await mysqlOutput.create({ connection, write: { table: 'lanes' } }, ctx);
    await Promise.all(
      [0, 1, 2, 3].map((lane) =>
        output.write({ columns, rows: Array.from({ length: 250 }, (_, i) => [lane * 250 + i]) }, lane),
      ),
    );
    await output.close();
    expect(Number(await selectValue(admin, 'SELECT COUNT(DISTINCT id) FROM lanes'))).toBe(1000);
    expect(await otherSessions()).toBe(0);
  });

  it('says what is wrong: a missing table, a wrong database, a bad query, upsert without a key', async () => {
    const columns: Column[] = [{ name: 'id', type: 'int' }];
    const output = await mysqlOutput.create(
      { connection, write: { table: 'nope', create_table: false } },
      ctx,
    );
    await expect(output.write({ columns, rows: [[1]] }, 0)).rejects.toThrow(
      `table "nope" does not exist in MySQL database "${DB}" (set write.create_table: true to create it)`,
    );
    await output.close(new Error('run failed'));

    const wrong = { ...connection, database: 'fustgo_no_such_db' };
    const input = await mysqlInput.create({ connection: wrong, query: { table: 't' } }, ctx);
    await expect(readInput(input, ctx)).rejects.toThrow(
      /^cannot connect to MySQL at 127\.0\.0\.1:3306 database "fustgo_no_such_db": Unknown database/,
    );
    const writer = await mysqlOutput.create({ connection: wrong, write: { table: 't' } }, ctx);
    await expect(writer.write({ columns, rows: [[1]] }, 0)).rejects.toThrow(
      'cannot connect to MySQL at 127.0.0.1:3306 database "fustgo_no_such_db"',
    );
    await expect(read({ table: 'missing_table' })).rejects.toThrow(
      `MySQL query failed on 127.0.0.1:3306 database "${DB}": Table '${DB}.missing_table' doesn't exist`,
    );
    const badPre = await mysqlOutput.create({ connection, write: { table: 't' }, pre_sql: ['SELEC 1'] }, ctx);
    await expect(badPre.write({ columns, rows: [[1]] }, 0)).rejects.toThrow(
      `pre_sql[0] failed on MySQL 127.0.0.1:3306 database "${DB}": You have an error in your SQL syntax`,
    );
    await badPre.close(new Error('run failed'));
    expect(() => mysqlOutput.create({ connection, write: { table: 't', mode: 'upsert' } }, ctx)).toThrow(
      'upsert needs the key columns that identify a row',
    );
    expect(await otherSessions()).toBe(0);
  });

  it('stops when cancelled or left early, and releases its connection', async () => {
    const controller = new AbortController();
    const input = await mysqlInput.create(
      { connection, query: { table: 'many' }, fetch: { size: 100 } },
      ctx,
    );
    const seen: number[] = [];
    for await (const batch of input.read(0, 1, controller.signal)) {
      seen.push(batch.rows.length);
      controller.abort();
    }
    expect(seen).toEqual([100]);
    expect(await otherSessions()).toBe(0);

    for await (const batch of input.read(0, 1, new AbortController().signal)) {
      expect(batch.rows).toHaveLength(100);
      break;
    }
    expect(await otherSessions()).toBe(0);

    // Cancelled while the server is still computing: no batch, and no waiting for the query to end.
    const slow = await mysqlInput.create({ connection, query: { sql: 'SELECT SLEEP(20) AS s' } }, ctx);
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 200);
    const began = performance.now();
    const batches: Batch[] = [];
    for await (const batch of slow.read(0, 1, cancel.signal)) batches.push(batch);
    expect(batches).toEqual([]);
    expect(performance.now() - began).toBeLessThan(5000);
    expect(await otherSessions()).toBe(0);
  });

  it('writes and reads 100k rows (throughput printed)', async () => {
    const columns: Column[] = [
      { name: 'id', type: 'int' },
      { name: 'name', type: 'string' },
      { name: 'amount', type: 'decimal', nativeType: 'DECIMAL(12,2)' },
      { name: 'at', type: 'timestamp' },
    ];
    const total = 100_000;
    const batches: Batch[] = [];
    for (let start = 0; start < total; start += 5000) {
      const rows = Array.from({ length: 5000 }, (_, i) => {
        const id = start + i;
        return [id, `customer ${id} 😀`, `${id}.25`, new Date(1_700_000_000_000 + id * 1000)];
      });
      batches.push({ columns, rows });
    }
    let began = performance.now();
    await write({ write: { table: 'bulk', batch_size: 5000 }, conflict: { key: ['id'] } }, batches);
    const writeMs = performance.now() - began;
    began = performance.now();
    const { rows } = await read({ table: 'bulk' }, { fetch: { size: 5000 } });
    const readMs = performance.now() - began;
    expect(rows).toHaveLength(total);
    expect(rows[total - 1]).toEqual([
      total - 1,
      `customer ${total - 1} 😀`,
      `${total - 1}.25`,
      new Date(1_700_000_000_000 + (total - 1) * 1000),
    ]);
    console.log(
      `mysql: 100k rows inserted in ${Math.round(writeMs)} ms (${Math.round((total / writeMs) * 1000)} rows/s), ` +
        `read in ${Math.round(readMs)} ms (${Math.round((total / readMs) * 1000)} rows/s)`,
    );
  });
});
