#!/usr/bin/env node
// `npm run bench:orders`: the `orders` workload of ../shared/bench, MariaDB → PostgreSQL, on
// this machine in one run: `fustgo run`, pgloader (Debian package `pgloader`, skipped when
// missing) and the raw pipe `mariadb --batch --quick | psql \copy`; then fustgo alone in
// upsert mode, PostgreSQL → MariaDB, MariaDB → SQLite and SQLite → PostgreSQL. Prints rows/s,
// peak RSS and CPU seconds of each, the ratios, and whether the target's 17 checksum aggregates
// equal the source's after every leg.
//
//   npm run bench:orders                       2,000,000 rows
//   npm run bench:orders -- --rows 500000 --mode upsert
//
// Needs the local servers (MariaDB 127.0.0.1:3306 root, PostgreSQL 127.0.0.1:5432 postgres),
// the `mariadb`/`psql` clients and GNU time. Uses the databases `fustgo_bench` on both sides
// (and `fustgo_bench_back` in MariaDB for the way back).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const shared = join(root, '..', 'shared', 'bench');
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '2000000' },
    mode: { type: 'string', default: 'insert' },
    'skip-load': { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const DB = 'fustgo_bench';
const COLUMNS = 'id, user_id, sku, qty, price, status, created_at, updated_at, note, flags';

for (const tool of ['mariadb', 'psql', '/usr/bin/time', 'python3']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) fail(`${tool} is needed`);
}
if (!existsSync(join(shared, 'gen_orders.py'))) fail(`the workload is not at ${shared}`);
if (!existsSync(join(root, 'out', 'main', 'cli.js'))) fail('build first: npm run build');

function fail(message) {
  console.error(`bench:orders: ${message}`);
  process.exit(1);
}

const mariadb = (sql, db = DB) =>
  execFileSync('mariadb', ['-h', '127.0.0.1', '-uroot', '--batch', '--skip-column-names', db, '-e', sql], {
    encoding: 'utf8',
  });
const psql = (args, db = DB) =>
  execFileSync(
    'psql',
    ['-h', '127.0.0.1', '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAt', '-d', db, ...args],
    {
      encoding: 'utf8',
    },
  );

/** Runs a command under GNU time: wall seconds, peak RSS of the largest process, CPU seconds. */
function timed(command) {
  const result = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M %U %S', 'bash', '-c', command], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = /TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(result.stderr);
  if (result.status !== 0 || !line) fail(`failed: ${command}\n${result.stdout}\n${result.stderr}`);
  return {
    seconds: Number(line[1]),
    rssMb: Number(line[2]) / 1024,
    cpuSeconds: Number(line[3]) + Number(line[4]),
    output: result.stdout,
  };
}

const checksum = {
  source: (db = DB) => mariadb(readFileSync(join(shared, 'checksum_mysql.sql'), 'utf8'), db).trim(),
  target: (table) =>
    psql(['-F', '\t', '-v', `tbl=${table}`, '-f', join(shared, 'checksum_pg.sql')])
      .trim()
      .split('\n')
      .at(-1),
};

// Prepare: the source table (generated) and an empty target with its primary key up front.
console.error(`preparing ${rows.toLocaleString('en-US')} rows…`);
if (!values['skip-load']) {
  mariadb(`CREATE DATABASE IF NOT EXISTS ${DB}`, 'mysql');
  execFileSync('python3', [join(shared, 'gen_orders.py'), '--rows', String(rows), '--db', DB], {
    stdio: 'ignore',
  });
}
psql(['-c', `DROP DATABASE IF EXISTS ${DB}`], 'postgres');
psql(['-c', `CREATE DATABASE ${DB}`], 'postgres');
psql(['-f', join(shared, 'pg_orders.sql')]);
const expected = checksum.source();
const sourceRows = Number(expected.split('\t')[0]);

const work = mkdtempSync(join(tmpdir(), 'fustgo-bench-orders-'));
const pgloaderCommand = join(work, 'orders.load');
writeFileSync(
  pgloaderCommand,
  `LOAD DATABASE FROM mysql://root@127.0.0.1:3306/${DB} INTO postgresql://postgres@127.0.0.1:5432/${DB}
INCLUDING ONLY TABLE NAMES MATCHING 'orders';\n`,
);

/** A fustgo pipeline file in the work folder, run by the built command. */
function fustgo(name, input, output) {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, `version: 1\ninput:\n${input}\noutput:\n${output}\n`);
  return `${join(root, 'bin', 'fustgo.js')} run ${file}`;
}
const mysqlInput = (db) =>
  `  type: mysql\n  connection: { host: 127.0.0.1, database: ${db}, username: root }\n  query: { table: orders }\n  fetch: { size: 5000 }`;
const pgConnection = `{ host: 127.0.0.1, database: ${DB}, username: postgres }`;
const pgOutput = (mode) =>
  `  type: postgresql\n  connection: ${pgConnection}\n  write: { table: public.orders, mode: ${mode}, batch_size: 10000, create_table: false }` +
  (mode === 'insert' ? '' : '\n  conflict: { key: [id] }');
const BACK = `${DB}_back`;
const sqliteFile = join(work, 'orders.db');
const targetChecksum = (table) => checksum.target(table) === expected;

// In order: later legs read what earlier ones wrote (PostgreSQL → MariaDB reads the upsert's
// copy; SQLite → PostgreSQL reads the file MariaDB → SQLite made).
const methods = [
  {
    name: `fustgo run (${values.mode})`,
    direction: 'MariaDB → PostgreSQL',
    command: fustgo('orders', mysqlInput(DB), pgOutput(values.mode)),
    check: () => targetChecksum('public.orders'),
  },
  {
    name: 'pgloader (defaults)',
    direction: 'MariaDB → PostgreSQL',
    command: `pgloader --quiet ${pgloaderCommand}`,
    // pgloader makes a schema named after the source database and points search_path at it.
    check: () => targetChecksum(`${DB}.orders`),
    available: spawnSync('sh', ['-c', 'command -v pgloader']).status === 0,
    after: () => {
      psql(['-c', `DROP SCHEMA IF EXISTS ${DB} CASCADE`, '-c', `ALTER DATABASE ${DB} RESET search_path`]);
    },
  },
  {
    name: 'raw pipe mariadb \\| psql \\copy',
    direction: 'MariaDB → PostgreSQL',
    // --batch leaves carriage returns raw, which COPY text would read as a row end.
    command:
      `mariadb -h 127.0.0.1 -uroot --batch --quick --skip-column-names -e "SELECT ${COLUMNS} FROM orders" ${DB}` +
      ` | sed 's/\\r/\\\\r/g' | psql -h 127.0.0.1 -U postgres -d ${DB} -qc "\\copy public.orders (${COLUMNS}) FROM STDIN WITH (NULL 'NULL')"`,
    check: () => targetChecksum('public.orders'),
  },
  ...(values.mode === 'upsert'
    ? []
    : [
        {
          name: 'fustgo run (upsert)',
          direction: 'MariaDB → PostgreSQL',
          command: fustgo('orders-upsert', mysqlInput(DB), pgOutput('upsert')),
          check: () => targetChecksum('public.orders'),
        },
      ]),
  {
    name: 'fustgo run (insert)',
    direction: 'PostgreSQL → MariaDB',
    keepTarget: true,
    prepare: () => {
      mariadb(
        `DROP DATABASE IF EXISTS ${BACK}; CREATE DATABASE ${BACK}; CREATE TABLE ${BACK}.orders LIKE ${DB}.orders`,
        'mysql',
      );
    },
    command: fustgo(
      'orders-back',
      `  type: postgresql\n  connection: ${pgConnection}\n  query: { table: public.orders }\n  fetch: { size: 5000 }`,
      `  type: mysql\n  connection: { host: 127.0.0.1, database: ${BACK}, username: root }\n  write: { table: orders, batch_size: 5000, create_table: false }`,
    ),
    check: () => checksum.source(BACK) === expected,
    after: () => mariadb(`DROP DATABASE IF EXISTS ${BACK}`, 'mysql'),
  },
  {
    name: 'fustgo run (insert, create table)',
    direction: 'MariaDB → SQLite',
    keepTarget: true,
    command: fustgo(
      'orders-sqlite',
      mysqlInput(DB),
      `  type: sqlite\n  path: ${sqliteFile}\n  write: { table: orders, batch_size: 10000 }`,
    ),
    // Checked through the next leg, which copies the file on to PostgreSQL.
    check: () => null,
  },
  {
    name: 'fustgo run (insert)',
    direction: 'SQLite → PostgreSQL',
    command: fustgo(
      'orders-from-sqlite',
      `  type: sqlite\n  path: ${sqliteFile}\n  query: { table: orders }\n  fetch: { size: 5000 }`,
      pgOutput('insert'),
    ),
    check: () => targetChecksum('public.orders'),
  },
];

const results = [];
try {
  for (const method of methods) {
    if (method.available === false) {
      console.error(`${method.name}: not installed, skipped`);
      continue;
    }
    if (!method.keepTarget) psql(['-c', 'TRUNCATE public.orders']);
    method.prepare?.();
    console.error(`${method.direction}: ${method.name}…`);
    const run = timed(method.command);
    const equal = method.check();
    method.after?.();
    results.push({ ...method, ...run, rowsPerSecond: sourceRows / run.seconds, equal });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const mainLeg = results.filter((r) => r.direction === 'MariaDB → PostgreSQL');
const by = (name) => mainLeg.find((r) => r.name.startsWith(name));
const ratio = (r, base) => (base ? `${(r.rowsPerSecond / base.rowsPerSecond).toFixed(2)}×` : '—');
console.log(`\norders, ${sourceRows.toLocaleString('en-US')} rows, one run each\n`);
console.log('| direction | method | rows/s | peak RSS | CPU s | vs pipe | vs pgloader | checksums |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |');
for (const r of results) {
  const compared = r.direction === 'MariaDB → PostgreSQL';
  const verdict = r.equal === null ? 'via the next leg' : r.equal ? 'equal' : 'DIFFERENT';
  console.log(
    `| ${r.direction} | ${r.name} | ${Math.round(r.rowsPerSecond).toLocaleString('en-US')} | ${r.rssMb.toFixed(0)} MB | ` +
      `${r.cpuSeconds.toFixed(1)} | ${compared ? ratio(r, by('raw pipe')) : '—'} | ${compared ? ratio(r, by('pgloader')) : '—'} | ${verdict} |`,
  );
}
if (results.some((r) => r.equal === false)) process.exitCode = 1;
