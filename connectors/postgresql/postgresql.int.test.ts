import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch, Column, Row } from '../../src-main/engine/batch';
import { FieldError, silentLogger } from '../../src-main/engine/component';
import type { SqlConnection } from '../shared/sql/config';
import { readInput, testContext } from '../shared/test-support';
import { copyChunks, escapeCopyText } from './copy-text';
import { quoteQualifiedName } from './identifiers';
import { postgresqlInput, postgresqlOutput } from './spec';
import { LOGICAL_FROM_PG, logicalFromPg, parseTimestampAsUtc, PG_TYPES } from './types';

const database = `fustgo_test_pg_${randomBytes(4).toString('hex')}`;
const connection: SqlConnection = { host: '127.0.0.1', port: 5432, database, username: 'postgres' };
const ctx = testContext();
let admin: Client;
let db: Client;

type InputConfig = Parameters<typeof postgresqlInput.create>[0];
type OutputConfig = Parameters<typeof postgresqlOutput.create>[0];

beforeAll(async () => {
  admin = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  db = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin?.end();
});

async function read(query: InputConfig['query'], fetchSize?: number) {
  const config: InputConfig = { connection, query, ...(fetchSize ? { fetch: { size: fetchSize } } : {}) };
  return readInput(await postgresqlInput.create(config, ctx), ctx);
}

async function write(config: Omit<OutputConfig, 'connection'>, batches: Batch[], error?: Error) {
  const output = await postgresqlOutput.create({ connection, ...config }, ctx);
  try {
    for (const batch of batches) await output.write(batch, 0);
  } catch (failure) {
    // As a run does: the output is closed whatever happened.
    await output.close(failure as Error);
    throw failure;
  }
  return output.close(error);
}

async function rowsOf(sql: string): Promise<Row[]> {
  return (await db.query<unknown[]>({ text: sql, rowMode: 'array' })).rows;
}

const ALL_TYPES = `CREATE TABLE all_types (
  id int4 PRIMARY KEY, small int2, big int8, exact numeric, f4 float4, f8 float8, flag bool,
  txt text, vc varchar(50), ch char(3), nm name, d date, t time, ts timestamp(3), tstz timestamptz(3),
  js json, jsb jsonb, raw bytea, id2 uuid, span interval)`;

const TRICKY_TEXT = 'tab\there\nnew line \\ back\\slash "double" \'single\'\r';

const EXPECTED_ROW: Row = [
  1,
  -32768,
  9007199254740993n,
  '12345678901234567890.123456789',
  1.5,
  0.1,
  true,
  TRICKY_TEXT,
  '中文 emoji 😀',
  'ab ',
  'pg_name',
  '2024-02-29',
  '23:59:59.123456',
  new Date('2024-01-02T03:04:05.678Z'),
  new Date('2024-01-02T01:04:05.678Z'),
  { a: [1, 'x'], b: null },
  { nested: { ok: true } },
  Buffer.from([0, 255, 16, 92, 9]),
  '6f1c2a3e-7b4d-4c8e-9f00-112233445566',
  '1 day 02:03:04',
];

describe('postgresql type map', () => {
  it('maps every native type and back, and leaves unknown types as text', () => {
    for (const logical of Object.keys(PG_TYPES)) {
      expect(Object.values(LOGICAL_FROM_PG)).toContain(logical);
    }
    expect(
      ['int8', 'numeric', 'timestamptz', 'jsonb', 'bpchar', 'interval', 'point'].map(logicalFromPg),
    ).toEqual(['bigint', 'decimal', 'timestamptz', 'json', 'string', 'string', 'string']);
    expect(parseTimestampAsUtc('2024-01-02 03:04:05.678')).toEqual(new Date('2024-01-02T03:04:05.678Z'));
    expect(parseTimestampAsUtc('infinity')).toBe('infinity');
  });

  it('quotes schema-qualified identifiers and encodes COPY text', () => {
    expect(quoteQualifiedName('sales.a"b')).toBe('"sales"."a""b"');
    expect(escapeCopyText('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    const columns: Column[] = [
      { name: 'j', type: 'json' },
      { name: 'v', type: 'string' },
    ];
    const text = [
      ...copyChunks(
        [
          ['x', null],
          [{ a: 1n }, Buffer.from([1])],
          [null, false],
        ],
        columns,
      ),
    ].map(String);
    expect(text).toEqual(['"x"\t\\N\n{"a":"1"}\t\\\\x01\n\\N\tf\n']);
    const many = Array.from({ length: 10_000 }, (_, i) => [`row ${i} ${'x'.repeat(20)}`]);
    const chunks = [...copyChunks(many, [{ name: 'v', type: 'string' }])];
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.slice(0, -1).every((c) => c.length >= 65_536 && c.length < 65_536 + 64)).toBe(true);
  });
});

describe('postgresql connector', () => {
  it('reads every mapped type exactly, NULLs included, and writes them back unchanged', async () => {
    await db.query(ALL_TYPES);
    await db.query(
      `INSERT INTO all_types VALUES (1, -32768, 9007199254740993, 12345678901234567890.123456789, 1.5, 0.1, true,
        $1, '中文 emoji 😀', 'ab', 'pg_name', '2024-02-29', '23:59:59.123456', '2024-01-02 03:04:05.678',
        '2024-01-02 03:04:05.678+02', '{"a":[1,"x"],"b":null}', '{"nested":{"ok":true}}', '\\x00ff105c09',
        '6f1c2a3e-7b4d-4c8e-9f00-112233445566', '1 day 2 hours 3 minutes 4 seconds')`,
      [TRICKY_TEXT],
    );
    await db.query('INSERT INTO all_types (id) VALUES (2)');
    const { columns, rows } = await read({ sql: 'SELECT * FROM all_types ORDER BY id' });
    expect(columns.map((c) => `${c.name}:${c.type}:${c.nativeType}`)).toEqual([
      'id:int:int4',
      'small:int:int2',
      'big:bigint:int8',
      'exact:decimal:numeric',
      'f4:float:float4',
      'f8:float:float8',
      'flag:bool:bool',
      'txt:string:text',
      'vc:string:varchar',
      'ch:string:bpchar',
      'nm:string:name',
      'd:date:date',
      't:time:time',
      'ts:timestamp:timestamp',
      'tstz:timestamptz:timestamptz',
      'js:json:json',
      'jsb:json:jsonb',
      'raw:bytes:bytea',
      'id2:uuid:uuid',
      'span:string:interval',
    ]);
    expect(rows[0]).toEqual(EXPECTED_ROW);
    expect(rows[1]).toEqual([2, ...Array.from({ length: 19 }, () => null)]);

    await write({ write: { table: 'all_types_copy' } }, [{ columns, rows }]);
    const created = await rowsOf(
      `SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
       WHERE attrelid = 'all_types_copy'::regclass AND attnum > 0 ORDER BY attnum`,
    );
    expect(created.slice(0, 4)).toEqual([
      ['id', 'integer'],
      ['small', 'integer'],
      ['big', 'bigint'],
      ['exact', 'numeric'],
    ]);
    expect(created.find((c) => c[0] === 'tstz')).toEqual(['tstz', 'timestamp(6) with time zone']);
    const back = await read({ sql: 'SELECT * FROM all_types_copy ORDER BY id' });
    expect(back.rows).toEqual(rows);
  });

  it('reads a table in batches of fetch.size, one columns array throughout', async () => {
    await db.query('CREATE TABLE numbers AS SELECT g AS n, g * 2 AS twice FROM generate_series(1, 2500) g');
    const { rows, batches } = await read({ table: 'numbers' }, 1000);
    expect(batches.map((b) => b.rows.length)).toEqual([1000, 1000, 500]);
    expect(batches[2].columns).toBe(batches[0].columns);
    expect(batches.map((b) => b.checkpoint)).toEqual([{ rows: 1000 }, { rows: 2000 }, { rows: 2500 }]);
    expect(rows[2499]).toEqual([2500, 5000]);
    const exact = await read({ table: 'numbers', filter: 'n <= 2000' }, 1000);
    expect(exact.batches.map((b) => b.rows.length)).toEqual([1000, 1000]);
  });

  it('reads a query with a JOIN and an aggregate', async () => {
    await db.query(`CREATE TABLE customers (id int PRIMARY KEY, name text);
      INSERT INTO customers VALUES (1, 'Ann'), (2, 'Bo');
      CREATE TABLE orders (id int, customer_id int, total numeric(10,2));
      INSERT INTO orders VALUES (1, 1, 10.50), (2, 1, 4.25), (3, 2, 1.00);`);
    const { columns, rows } = await read({
      sql: `SELECT c.name, count(*) AS n, sum(o.total) AS total
            FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY c.name ORDER BY c.name;`,
    });
    expect(columns.map((c) => c.type)).toEqual(['string', 'bigint', 'decimal']);
    expect(rows).toEqual([
      ['Ann', 2n, '14.75'],
      ['Bo', 1n, '1.00'],
    ]);
  });

  it('reads chosen columns with a filter from a schema-qualified table', async () => {
    await db.query(`CREATE SCHEMA sales; CREATE TABLE sales."Line ""Items""" (id int, sku text, qty int);
      INSERT INTO sales."Line ""Items""" VALUES (1, 'A', 0), (2, 'B', 3), (3, 'C', 5);`);
    const { columns, rows } = await read({
      table: 'sales.Line "Items"',
      columns: ['sku', 'qty'],
      filter: 'qty > 0',
    });
    expect(columns.map((c) => c.name)).toEqual(['sku', 'qty']);
    expect(rows).toEqual([
      ['B', 3],
      ['C', 5],
    ]);
  });

  it('creates the table with a primary key from conflict.key, and upserts without duplicates', async () => {
    const columns: Column[] = [
      { name: 'id', type: 'int' },
      { name: 'name', type: 'string' },
      { name: 'price', type: 'decimal' },
    ];
    await write({ write: { table: 'sales.products' }, conflict: { key: ['id'] } }, [
      { columns, rows: [[1, 'tea', '1.10']] },
    ]);
    const key = await rowsOf(
      `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
       WHERE i.indrelid = 'sales.products'::regclass AND i.indisprimary`,
    );
    expect(key).toEqual([['id']]);

    const upsert = { write: { table: 'sales.products', mode: 'upsert' }, conflict: { key: ['id'] } };
    await write(upsert, [
      {
        columns,
        rows: [
          [1, 'green tea', '1.20'],
          [2, 'coffee', '2.00'],
        ],
      },
    ]);
    // Twice, with a key repeated inside one batch: the later row wins.
    await write(upsert, [
      {
        columns,
        rows: [
          [2, 'coffee', '2.50'],
          [3, 'cocoa', '3.00'],
          [3, 'cocoa', '3.33'],
        ],
      },
    ]);
    expect(await rowsOf('SELECT id, name, price::text FROM sales.products ORDER BY id')).toEqual([
      [1, 'green tea', '1.20'],
      [2, 'coffee', '2.50'],
      [3, 'cocoa', '3.33'],
    ]);
  });

  it('upserts with DO NOTHING when every column is the key', async () => {
    const columns: Column[] = [{ name: 'tag', type: 'string' }];
    const upsert = { write: { table: 'tags', mode: 'upsert' }, conflict: { key: ['tag'] } };
    await write(upsert, [{ columns, rows: [['a'], ['b']] }]);
    await write(upsert, [{ columns, rows: [['b'], ['c']] }]);
    expect(await rowsOf('SELECT tag FROM tags ORDER BY tag')).toEqual([['a'], ['b'], ['c']]);
  });

  it('upsert rejects the rows the merge refuses and merges the others', async () => {
    await db.query(
      "CREATE TABLE merged (id int PRIMARY KEY, code varchar(3) NOT NULL); INSERT INTO merged VALUES (1, 'old')",
    );
    const columns: Column[] = [
      { name: 'id', type: 'int' },
      { name: 'code', type: 'string' },
    ];
    const output = await postgresqlOutput.create(
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
        {
          index: 1,
          error: expect.stringMatching(
            /^null value in column "code" of relation "merged" violates not-null/,
          ) as unknown,
        },
        { index: 3, error: 'value too long for type character varying(3); column code: "long"' },
      ],
    });
    await output.close();
    expect(await rowsOf('SELECT id, code FROM merged ORDER BY id')).toEqual([
      [1, 'fin'],
      [3, 'abc'],
      [5, 'e'],
    ]);
  });

  it('refuses upsert without conflict.key', () => {
    expect(() => postgresqlOutput.create({ connection, write: { table: 't', mode: 'upsert' } }, ctx)).toThrow(
      FieldError,
    );
  });

  it('replace deletes the slice’s keys then inserts it: twice without duplicates, other rows untouched', async () => {
    await db.query(`CREATE TABLE prices (sku text, region text, price numeric, note text DEFAULT 'none',
      PRIMARY KEY (sku, region));
      INSERT INTO prices VALUES ('keep', 'eu', 9, 'kept'), ('a', 'eu', 1, 'old note')`);
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
    expect(await rowsOf('SELECT sku, region, price::text, note FROM prices ORDER BY sku, region')).toEqual([
      ['a', 'eu', '1.70', 'none'],
      ['a', 'us', '1.60', 'none'],
      ['b', 'eu', '2.30', 'none'],
      ['keep', 'eu', '9', 'kept'],
    ]);
  });

  it('replace works on a table without a primary key, and rejects a row with a NULL key', async () => {
    await db.query(
      `CREATE TABLE events (id int, v text); INSERT INTO events VALUES (1, 'old'), (1, 'older'), (9, 'x')`,
    );
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
    const output = await postgresqlOutput.create({ connection, ...replace }, ctx);
    const rows = [
      [3, 'three'],
      [null, 'no key'],
    ];
    expect(await output.write({ columns, rows }, 0)).toEqual({
      rejected: [{ index: 1, error: 'replace cannot identify a row whose conflict.key column "id" is NULL' }],
    });
    await output.close();
    expect(await rowsOf('SELECT id, v FROM events WHERE id = 3')).toEqual([[3, 'three']]);
    await expect(write(replace, [{ columns: [columns[1]], rows: [['no id']] }])).rejects.toThrow(
      'conflict.key column "id" is not among the incoming columns',
    );
  });

  it('refuses replace without conflict.key', () => {
    const create = () => postgresqlOutput.create({ connection, write: { table: 't', mode: 'replace' } }, ctx);
    expect(create).toThrow(FieldError);
    expect(create).toThrow('replace needs the key columns that identify a row');
    expect(() => postgresqlOutput.create({ connection, write: { table: 't', mode: 'upsert' } }, ctx)).toThrow(
      'upsert needs the key columns that identify a row',
    );
  });

  it('truncate_insert replaces the rows, running pre_sql first and post_sql last', async () => {
    await db.query(`CREATE TABLE daily (day date, n int); INSERT INTO daily VALUES ('2020-01-01', 1);
      CREATE TABLE audit (step text, at_rows bigint)`);
    const columns: Column[] = [
      { name: 'day', type: 'date' },
      { name: 'n', type: 'int' },
    ];
    await write(
      {
        write: { table: 'daily', mode: 'truncate_insert', batch_size: 1 },
        pre_sql: ["INSERT INTO audit SELECT 'pre', count(*) FROM daily"],
        post_sql: ["INSERT INTO audit SELECT 'post', count(*) FROM daily"],
      },
      [
        {
          columns,
          rows: [
            ['2024-05-01', 7],
            ['2024-05-02', 8],
          ],
        },
        { columns, rows: [['2024-05-03', 9]] },
      ],
    );
    expect(await rowsOf('SELECT day::text, n FROM daily ORDER BY day')).toEqual([
      ['2024-05-01', 7],
      ['2024-05-02', 8],
      ['2024-05-03', 9],
    ]);
    expect(await rowsOf('SELECT step, at_rows::int FROM audit')).toEqual([
      ['pre', 1],
      ['post', 3],
    ]);
    // A successful run with no rows still empties the table.
    await write({ write: { table: 'daily', mode: 'truncate_insert' } }, []);
    expect(await rowsOf('SELECT count(*)::int FROM daily')).toEqual([[0]]);
  });

  it('fails clearly on a missing table without create_table, and on a bad query', async () => {
    const columns: Column[] = [{ name: 'id', type: 'int' }];
    await expect(
      write({ write: { table: 'missing', create_table: false } }, [{ columns, rows: [[1]] }]),
    ).rejects.toThrow(
      `table "missing" in PostgreSQL database "${database}" does not exist (set write.create_table`,
    );
    await expect(
      write({ write: { table: 'x' }, pre_sql: ['SELEC 1'] }, [{ columns, rows: [[1]] }]),
    ).rejects.toThrow(
      `pre_sql failed for table "x" in PostgreSQL database "${database}": syntax error at or near "SELEC"`,
    );
    await expect(read({ sql: 'SELECT nope FROM nowhere' })).rejects.toThrow(
      `cannot read from PostgreSQL 127.0.0.1:5432 database "${database}": relation "nowhere" does not exist`,
    );
  });

  it('names host, port and database when it cannot connect', async () => {
    const input = await postgresqlInput.create(
      { connection: { ...connection, database: 'fustgo_no_such_db' }, query: { table: 't' } },
      ctx,
    );
    await expect(readInput(input, ctx)).rejects.toThrow(
      'cannot connect to PostgreSQL at 127.0.0.1:5432 database "fustgo_no_such_db": database "fustgo_no_such_db" does not exist',
    );
  });

  it('stops reading when the signal aborts and releases the connection', async () => {
    await db.query('CREATE TABLE many AS SELECT g AS n FROM generate_series(1, 10000) g');
    const input = await postgresqlInput.create(
      { connection, query: { table: 'many' }, fetch: { size: 100 } },
      ctx,
    );
    const controller = new AbortController();
    const batches: Batch[] = [];
    for await (const batch of input.read(0, 1, controller.signal)) {
      batches.push(batch);
      controller.abort();
    }
    expect(batches).toHaveLength(1);
    expect(await openConnections()).toBe(0);
  });

  it('estimates a whole table from the planner statistics, and nothing else', async () => {
    await db.query('CREATE TABLE estimated AS SELECT g AS n FROM generate_series(1, 1234) g');
    const whole = await postgresqlInput.create({ connection, query: { table: 'estimated' } }, ctx);
    expect(await whole.estimateTotal?.()).toBeUndefined();
    await db.query('ANALYZE estimated');
    expect(await whole.estimateTotal?.()).toBe(1234);
    const filtered = await postgresqlInput.create(
      { connection, query: { table: 'estimated', filter: 'n > 1' } },
      ctx,
    );
    expect(await filtered.estimateTotal?.()).toBeUndefined();
  });

  it('writes from several lanes at once, a connection each, ending them all at close', async () => {
    const columns: Column[] = [{ name: 'n', type: 'bigint' }];
    const output = await postgresqlOutput.create({ connection, write: { table: 'lanes' } }, ctx);
    await Promise.all(
      Array.from({ length: 4 }, (_, lane) =>
        output.write(
          { columns, rows: Array.from({ length: 500 }, (_, i) => [BigInt(lane * 500 + i)]) },
          lane,
        ),
      ),
    );
    expect(await output.close()).toBeUndefined();
    expect(await rowsOf('SELECT count(DISTINCT n)::int FROM lanes')).toEqual([[2000]]);
    expect(await openConnections()).toBe(0);
  });

  it('plans one lane and says why', async () => {
    const input = await postgresqlInput.create({ connection, query: { table: 'numbers' } }, ctx);
    expect(await input.plan(4)).toEqual({
      lanes: 1,
      note: 'query.split_key is not set: reading in one lane',
    });
    expect(await input.plan(1)).toEqual({ lanes: 1 });
  });

  it('close(error) says how many rows were committed and skips post_sql', async () => {
    await db.query('CREATE TABLE strict_ints (n int NOT NULL); CREATE TABLE marks (m text)');
    const columns: Column[] = [{ name: 'n', type: 'int' }];
    const output = await postgresqlOutput.create(
      {
        connection,
        write: { table: 'strict_ints', batch_size: 2 },
        post_sql: ["INSERT INTO marks VALUES ('post')"],
      },
      ctx,
    );
    await output.write({ columns, rows: [[1], [2], [3]] }, 0);
    // The refused row is not counted as committed.
    expect(await output.write({ columns, rows: [[4], [null]] }, 0)).toEqual({
      rejected: [{ index: 1, error: expect.stringMatching(/^null value in column "n"/) as unknown }],
    });
    expect(await output.close(new Error('stopped'))).toBe(
      `4 rows were committed to table "strict_ints" in PostgreSQL database "${database}" before the run stopped`,
    );
    expect(await rowsOf('SELECT count(*)::int FROM strict_ints')).toEqual([[4]]);
    expect(await rowsOf('SELECT count(*)::int FROM marks')).toEqual([[0]]);
    expect(await openConnections()).toBe(0);
  });

  it('inserts 100,000 rows with COPY', async () => {
    const columns: Column[] = [
      { name: 'id', type: 'int' },
      { name: 'name', type: 'string' },
      { name: 'amount', type: 'decimal' },
      { name: 'at', type: 'timestamptz' },
    ];
    const at = new Date('2024-01-01T00:00:00Z');
    const batches: Batch[] = [];
    for (let b = 0; b < 20; b++) {
      const rows = Array.from({ length: 5000 }, (_, i) => [b * 5000 + i, `name ${i}\twith tab`, '12.34', at]);
      batches.push({ columns, rows });
    }
    const started = performance.now();
    await write({ write: { table: 'bulk', batch_size: 5000 } }, batches);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `postgresql COPY insert: 100,000 rows in ${seconds.toFixed(2)} s (${Math.round(100_000 / seconds)} rows/s)`,
    );
    expect(await rowsOf('SELECT count(*)::int, count(DISTINCT id)::int FROM bulk')).toEqual([
      [100_000, 100_000],
    ]);
  });
});

describe('postgresql output retries', () => {
  /** A context whose logger keeps the warnings. */
  function recordingContext() {
    const warnings: string[] = [];
    return {
      warnings,
      ctx: { ...testContext(), logger: { ...silentLogger, warn: (msg: string) => void warnings.push(msg) } },
    };
  }

  /** Terminates the writer's backend, found by its application_name, and waits until it is gone. */
  async function terminateWriter(applicationName: string): Promise<void> {
    const result = await admin.query<{ done: boolean }>(
      `SELECT pg_terminate_backend(pid, 5000) AS done FROM pg_stat_activity
       WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name = $2`,
      [database, applicationName],
    );
    expect(result.rows).toEqual([{ done: true }]);
  }

  it('redoes a transaction on a new connection after its backend was terminated, writing every row once', async () => {
    const { warnings, ctx: recording } = recordingContext();
    const columns: Column[] = [
      { name: 'id', type: 'int' },
      { name: 'name', type: 'string' },
    ];
    const output = await postgresqlOutput.create(
      {
        connection: { ...connection, options: { application_name: 'fustgo_retry_pg' } },
        write: { table: 'retried', batch_size: 100 },
        conflict: { key: ['id'] },
        pre_sql: ['CREATE TABLE pre_runs (n int); INSERT INTO pre_runs VALUES (1)'],
        retry: { initial_delay: 0.01 },
      },
      recording,
    );
    for (let b = 0; b < 10; b++) {
      // The backend dies between two writes, twice: the next slice fails, then is redone.
      if (b === 3 || b === 7) await terminateWriter('fustgo_retry_pg');
      await output.write(
        { columns, rows: Array.from({ length: 250 }, (_, i) => [b * 250 + i, `row ${i}`]) },
        0,
      );
    }
    expect(await output.close()).toBeUndefined();
    expect(await rowsOf('SELECT count(*)::int, count(DISTINCT id)::int FROM retried')).toEqual([
      [2500, 2500],
    ]);
    // pre_sql ran once, on the first connection only.
    expect(await rowsOf('SELECT count(*)::int FROM pre_runs')).toEqual([[1]]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^writing to table "retried" in PostgreSQL database "\w+" failed; retrying in 0.01 s \(attempt 2 of 4\): /,
    );
    expect(await openConnections()).toBe(0);
  });

  it('rejects the rows the server refuses for their data, without retrying', async () => {
    const { warnings, ctx: recording } = recordingContext();
    await db.query('CREATE TABLE unique_ids (id int PRIMARY KEY)');
    const columns: Column[] = [{ name: 'id', type: 'int' }];
    // Were it retried, the first wait (a minute) would outlast the test's timeout.
    const output = await postgresqlOutput.create(
      { connection, write: { table: 'unique_ids' }, retry: { initial_delay: 60 } },
      recording,
    );
    expect(await output.write({ columns, rows: [[1], [2], [1]] }, 0)).toEqual({
      rejected: [
        {
          index: 2,
          error:
            'duplicate key value violates unique constraint "unique_ids_pkey"; Key (id)=(1) already exists.',
        },
      ],
    });
    await output.close();
    expect(warnings).toEqual([]);
    expect(await rowsOf('SELECT id FROM unique_ids ORDER BY id')).toEqual([[1], [2]]);
  });
});

/** Sessions still connected to the test database besides the test's own, after they had time to go. */
async function openConnections(): Promise<number> {
  let n = -1;
  for (let attempt = 0; attempt < 20 && n !== 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    const result = await admin.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> $2',
      [database, (db as Client & { processID: number }).processID],
    );
    n = result.rows[0].n;
  }
  return n;
}
