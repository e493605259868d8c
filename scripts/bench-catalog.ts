// `npm run bench:catalog`: catalog scans at scale. Creates 1,000 tables × 20 columns (a primary
// key, an index, comments) in a throwaway PostgreSQL database (schema `bench`) and MariaDB
// database, saves a connection to each in a temp store, and times, through the catalog service
// itself: the first scan (empty catalog), a full re-scan, an incremental scan with nothing
// changed, and an incremental scan after 10 tables were altered. Drops everything after.
//
//   npm run bench:catalog                      1000 tables × 20 columns
//   npm run bench:catalog -- --tables 200 --columns 10
//
// Needs the local servers (PostgreSQL 127.0.0.1:5432 postgres, MariaDB 127.0.0.1:3306 root).
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { connectMysql, runSql } from '../connectors/mysql/connection';
import { openCatalogHarness, type CatalogHarness } from '../src-main/catalog/test-support';
import type { ScanLog } from '../src-shared/api/catalog-model';

const { values } = parseArgs({
  options: {
    tables: { type: 'string', default: '1000' },
    columns: { type: 'string', default: '20' },
  },
});
const TABLES = Number(values.tables);
const COLUMNS = Number(values.columns);
const DB = 'fustgo_bench_catalog';
const MY_USER = 'fustgo_bench_catalog';
const MY_PASSWORD = 'bench-catalog-pw';
const ADMIN = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' };

const tableName = (i: number) => `t${String(i).padStart(4, '0')}`;

/** 20 columns: an id, then strings, integers and decimals in turn, every third with a comment. */
function columnDefs(mysql: boolean): string[] {
  const defs = ['id bigint PRIMARY KEY'];
  for (let c = 1; c < COLUMNS; c++) {
    const type = ['varchar(100)', 'integer', 'numeric(12,2)'][c % 3];
    const comment = mysql && c % 3 === 0 ? ` COMMENT 'column ${c}'` : '';
    defs.push(`c${c} ${type}${comment}`);
  }
  return defs;
}

async function createPostgres(): Promise<void> {
  const admin = new Client(ADMIN);
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
  const pg = new Client({ ...ADMIN, database: DB });
  await pg.connect();
  const statements = ['CREATE SCHEMA bench'];
  for (let i = 0; i < TABLES; i++) {
    const t = `bench.${tableName(i)}`;
    statements.push(
      `CREATE TABLE ${t} (${columnDefs(false).join(', ')})`,
      `CREATE INDEX ON ${t} (c1)`,
      `COMMENT ON TABLE ${t} IS 'table ${i}'`,
      `COMMENT ON COLUMN ${t}.c3 IS 'column 3'`,
    );
  }
  await pg.query(statements.join(';\n'));
  await pg.end();
}

async function createMariadb(): Promise<void> {
  const my = await connectMysql({ host: '127.0.0.1', port: 3306, database: 'mysql', username: 'root' });
  await runSql(my, `DROP DATABASE IF EXISTS ${DB}`);
  await runSql(my, `CREATE DATABASE ${DB}`);
  await runSql(my, `DROP USER IF EXISTS '${MY_USER}'@'%'`);
  await runSql(my, `CREATE USER '${MY_USER}'@'%' IDENTIFIED BY '${MY_PASSWORD}'`);
  await runSql(my, `GRANT ALL PRIVILEGES ON ${DB}.* TO '${MY_USER}'@'%'`);
  await runSql(my, `USE ${DB}`);
  for (let i = 0; i < TABLES; i++) {
    await runSql(
      my,
      `CREATE TABLE ${tableName(i)} (${columnDefs(true).join(', ')}, KEY k_c1 (c1)) COMMENT 'table ${i}'`,
    );
  }
  my.destroy();
}

async function alterSome(target: 'postgresql' | 'mysql', count: number): Promise<void> {
  const names = Array.from({ length: count }, (_, i) => tableName(i * Math.floor(TABLES / count)));
  if (target === 'postgresql') {
    const pg = new Client({ ...ADMIN, database: DB });
    await pg.connect();
    await pg.query(names.map((t) => `ALTER TABLE bench.${t} ADD COLUMN extra text`).join(';\n'));
    await pg.end();
  } else {
    const my = await connectMysql({ host: '127.0.0.1', port: 3306, database: DB, username: 'root' });
    for (const t of names) await runSql(my, `ALTER TABLE ${t} ADD COLUMN extra text`);
    my.destroy();
  }
}

async function dropAll(): Promise<void> {
  const admin = new Client(ADMIN);
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.end();
  const my = await connectMysql({ host: '127.0.0.1', port: 3306, database: 'mysql', username: 'root' });
  await runSql(my, `DROP DATABASE IF EXISTS ${DB}`);
  await runSql(my, `DROP USER IF EXISTS '${MY_USER}'@'%'`);
  my.destroy();
}

interface Row {
  target: string;
  scan: string;
  seconds: number;
  read: number;
  total: number;
  changes: string;
}

async function timedScan(
  harness: CatalogHarness,
  connectionId: string,
  mode: 'full' | 'incremental' | 'first',
): Promise<Omit<Row, 'target' | 'scan'>> {
  const started = performance.now();
  if (mode !== 'first') await harness.catalog.api.startCatalogScan({ connection_id: connectionId, mode });
  const scan: ScanLog = await harness.finishedScan(connectionId);
  const seconds = (performance.now() - started) / 1000;
  if (scan.status !== 'completed') throw new Error(`scan failed: ${scan.error}`);
  const counts = scan.changes?.counts;
  return {
    seconds,
    read: scan.tables_read,
    total: scan.tables_total ?? 0,
    changes: `+${counts?.tables_added} −${counts?.tables_removed} ~${counts?.tables_altered}`,
  };
}

async function bench(): Promise<void> {
  console.log(`bench:catalog: ${TABLES} tables × ${COLUMNS} columns, creating…`);
  await Promise.all([createPostgres(), createMariadb()]);
  const harness = await openCatalogHarness();
  const rows: Row[] = [];
  try {
    const targets = [
      {
        target: 'postgresql' as const,
        label: 'PostgreSQL 15',
        config: { host: '127.0.0.1', port: 5432, database: DB, username: 'postgres' },
      },
      {
        target: 'mysql' as const,
        label: 'MariaDB 10.11',
        config: { host: '127.0.0.1', port: 3306, database: DB, username: MY_USER, password: MY_PASSWORD },
      },
    ];
    // MariaDB keeps change times in whole seconds: start from tables older than the first scan.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (const { target, label, config } of targets) {
      const started = performance.now();
      const { id } = await harness.connections.api.createConnection({
        name: `bench-${target}`,
        type: target,
        config,
      });
      const first = await timedScan(harness, id, 'first');
      first.seconds = (performance.now() - started) / 1000; // from the save, as a user waits
      rows.push({ target: label, scan: 'first (after saving)', ...first });
      rows.push({ target: label, scan: 'full re-scan', ...(await timedScan(harness, id, 'full')) });
      await new Promise((resolve) => setTimeout(resolve, 1100));
      rows.push({
        target: label,
        scan: 'incremental, nothing changed',
        ...(await timedScan(harness, id, 'incremental')),
      });
      await alterSome(target, 10);
      rows.push({
        target: label,
        scan: 'incremental, 10 tables altered',
        ...(await timedScan(harness, id, 'incremental')),
      });
    }
  } finally {
    await harness.close();
    await dropAll();
  }
  console.log(
    '\n| database      | scan                           | seconds | tables read | tables | added/removed/altered |',
  );
  console.log(
    '| ------------- | ------------------------------ | ------: | ----------: | -----: | --------------------- |',
  );
  for (const r of rows) {
    console.log(
      `| ${r.target.padEnd(13)} | ${r.scan.padEnd(30)} | ${r.seconds.toFixed(2).padStart(7)} | ${String(r.read).padStart(11)} | ${String(r.total).padStart(6)} | ${r.changes.padEnd(21)} |`,
    );
  }
}

await bench();
