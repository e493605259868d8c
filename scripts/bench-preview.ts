// `npm run bench:preview`: how long a data preview takes on a 10-million-row table, on PostgreSQL
// and MariaDB, through the preview service as the studio calls it (saved connection, read-only
// session, LIMIT pushed into the database, catalog read for types and the row estimate). Next to
// it, the exact COUNT(*) of the same table: what reading every row costs.
//
//   npm run bench:preview                       10,000,000 rows, tables dropped afterwards
//   npm run bench:preview -- --rows 1000000 --runs 9 --keep
//
// Needs the local servers (PostgreSQL 127.0.0.1:5432 postgres, MariaDB 127.0.0.1:3306 root).
// Creates the schema `fustgo_bench_preview` in PostgreSQL's `postgres` database and the database
// `fustgo_bench_preview` in MariaDB (rows from generate_series and the SEQUENCE engine); with
// --keep they stay and the next run reuses them.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { connectMysql, runSql } from '../connectors/mysql/connection';
import { mysqlInput, mysqlOutput } from '../connectors/mysql/spec';
import { postgresqlInput, postgresqlOutput } from '../connectors/postgresql/spec';
import { sqliteInput, sqliteOutput } from '../connectors/sqlite/spec';
import { createConnectionService } from '../src-main/connections/connection-service';
import { aesSecretBox } from '../src-main/connections/secret-box';
import { createRegistry } from '../src-main/engine/registry';
import { createPreviewService, type PreviewApi } from '../src-main/preview/preview-service';
import { openStore } from '../src-main/store/open-store';

const NAME = 'fustgo_bench_preview';
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '7' },
    keep: { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const runs = Number(values.runs);

const pgAdmin = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' };

/** Creates the PostgreSQL table unless it is there with its rows; returns seconds spent. */
async function preparePostgres(): Promise<number> {
  const pg = new Client(pgAdmin);
  await pg.connect();
  try {
    const existing = await pg.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_class WHERE oid = to_regclass('${NAME}.orders')`,
    );
    if (existing.rows[0].n === '1') {
      const count = await pg.query<{ n: string }>(`SELECT count(*) AS n FROM ${NAME}.orders`);
      if (Number(count.rows[0].n) === rows) return 0;
    }
    const started = performance.now();
    await pg.query(`DROP SCHEMA IF EXISTS ${NAME} CASCADE`);
    await pg.query(`CREATE SCHEMA ${NAME}`);
    await pg.query(`CREATE TABLE ${NAME}.orders (
      id bigint PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, total numeric(12,2),
      note text, created_at timestamp(6) NOT NULL)`);
    await pg.query(`INSERT INTO ${NAME}.orders
      SELECT i, i % 100000, (ARRAY['paid','pending','void'])[1 + i % 3], (i % 100000) / 100.0,
        CASE WHEN i % 10 = 0 THEN NULL ELSE 'note ' || i END,
        TIMESTAMP '2024-01-01' + i * INTERVAL '1 second'
      FROM generate_series(1, ${rows}) AS i`);
    await pg.query(`ANALYZE ${NAME}.orders`);
    return (performance.now() - started) / 1000;
  } finally {
    await pg.end();
  }
}

/** Creates the MariaDB table unless it is there with its rows; returns seconds spent. */
async function prepareMariadb(): Promise<number> {
  const my = await connectMysql({ host: '127.0.0.1', port: 3306, database: 'mysql', username: 'root' });
  try {
    const existing = (await runSql(
      my,
      `SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${NAME}' AND TABLE_NAME = 'orders'`,
    )) as unknown[][];
    if (Number(existing[0][0]) === 1) {
      const count = (await runSql(my, `SELECT COUNT(*) FROM ${NAME}.orders`)) as unknown[][];
      if (Number(count[0][0]) === rows) return 0;
    }
    const started = performance.now();
    await runSql(my, `DROP DATABASE IF EXISTS ${NAME}`);
    await runSql(my, `CREATE DATABASE ${NAME}`);
    await runSql(
      my,
      `CREATE TABLE ${NAME}.orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, status VARCHAR(10) NOT NULL,
        total DECIMAL(12,2), note VARCHAR(40), created_at DATETIME(6) NOT NULL)`,
    );
    await runSql(
      my,
      `INSERT INTO ${NAME}.orders
        SELECT seq, seq % 100000, ELT(1 + seq % 3, 'paid', 'pending', 'void'), (seq % 100000) / 100.0,
          IF(seq % 10 = 0, NULL, CONCAT('note ', seq)), TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND
        FROM ${NAME}.seq_1_to_${rows}`,
    );
    await runSql(my, `ANALYZE TABLE ${NAME}.orders`);
    return (performance.now() - started) / 1000;
  } finally {
    my.destroy();
  }
}

async function dropAll(): Promise<void> {
  const pg = new Client(pgAdmin);
  await pg.connect();
  await pg.query(`DROP SCHEMA IF EXISTS ${NAME} CASCADE`).finally(() => pg.end());
  const my = await connectMysql({ host: '127.0.0.1', port: 3306, database: 'mysql', username: 'root' });
  await runSql(my, `DROP DATABASE IF EXISTS ${NAME}`).finally(() => my.destroy());
}

/** Runs `call` once (the first call, cold), then `runs` times; milliseconds of each. */
async function measure(call: () => Promise<unknown>): Promise<{ first: number; times: number[] }> {
  let started = performance.now();
  await call();
  const first = performance.now() - started;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return { first, times: times.sort((a, b) => a - b) };
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

async function main(): Promise<void> {
  console.log(`bench:preview — ${rows.toLocaleString('en-US')} rows, ${runs} runs each after a first one`);
  const pgSeconds = await preparePostgres();
  const mySeconds = await prepareMariadb();
  if (pgSeconds > 0 || mySeconds > 0)
    console.log(`loaded: PostgreSQL ${pgSeconds.toFixed(1)} s, MariaDB ${mySeconds.toFixed(1)} s`);

  const dataDir = mkdtempSync(join(tmpdir(), 'fustgo-bench-preview-'));
  const store = await openStore({ dataDir });
  try {
    // The connectors previews read; the rest of the registry plays no part in a preview.
    const registry = createRegistry([
      postgresqlInput,
      postgresqlOutput,
      mysqlInput,
      mysqlOutput,
      sqliteInput,
      sqliteOutput,
    ]);
    const connections = createConnectionService({
      db: store.db,
      registry,
      secrets: aesSecretBox(randomBytes(32), 'bench key'),
      baseDir: dataDir,
    });
    const preview: PreviewApi = createPreviewService({
      db: store.db,
      registry,
      connections,
      dataDir,
      examplesDir: dataDir,
    }).api;
    const pg = await connections.api.createConnection({
      name: 'pg',
      type: 'postgresql',
      config: { host: '127.0.0.1', port: 5432, database: 'postgres', username: 'postgres' },
    });
    const my = await connections.api.createConnection({
      name: 'maria',
      type: 'mysql',
      config: { host: '127.0.0.1', port: 3306, database: NAME, username: 'root' },
    });
    const sides = [
      { db: 'PostgreSQL', id: pg.id, table: `${NAME}.orders` },
      { db: 'MariaDB', id: my.id, table: 'orders' },
    ];
    const cases = (side: (typeof sides)[number]) => [
      {
        what: 'previewTable, 100 rows',
        call: () => preview.previewTable({ connection_id: side.id, table: side.table }),
      },
      {
        what: 'previewTable, 10,000 rows',
        call: () => preview.previewTable({ connection_id: side.id, table: side.table, limit: 10_000 }),
      },
      {
        what: 'previewTable, 100 rows, 2 columns masked',
        call: () =>
          preview.previewTable({
            connection_id: side.id,
            table: side.table,
            mask: { note: 'hash', status: 'partial' },
          }),
      },
      {
        what: 'previewQuery ORDER BY id DESC, 100 rows',
        call: () =>
          preview.previewQuery({
            connection_id: side.id,
            sql: `SELECT * FROM ${side.table} ORDER BY id DESC`,
          }),
      },
      {
        what: "previewQuery WHERE status = 'void', 100 rows",
        call: () =>
          preview.previewQuery({
            connection_id: side.id,
            sql: `SELECT * FROM ${side.table} WHERE status = 'void'`,
          }),
      },
      {
        what: 'countRows (exact COUNT(*), every row read)',
        call: () => preview.countRows({ connection_id: side.id, table: side.table }),
      },
    ];
    console.log(
      '\n| database | call | first | median | min | max |\n| --- | --- | ---: | ---: | ---: | ---: |',
    );
    for (const side of sides) {
      const coldStart = performance.now();
      const check = await preview.previewTable({ connection_id: side.id, table: side.table });
      const cold = performance.now() - coldStart;
      if (check.rows.length !== 100 || !check.has_more) throw new Error(`${side.db}: unexpected preview`);
      for (const { what, call } of cases(side)) {
        const { first, times } = await measure(call);
        const median = times[Math.floor(times.length / 2)];
        console.log(
          `| ${side.db} | ${what} | ${ms(first)} | ${ms(median)} | ${ms(times[0])} | ${ms(times[times.length - 1])} |`,
        );
      }
      console.log(
        `  (${side.db}: the process's first preview took ${ms(cold)}; row count shown: ${JSON.stringify(check.row_count)})`,
      );
    }
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (!values.keep) await dropAll();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:preview: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
