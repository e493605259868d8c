import Database from 'better-sqlite3';
import type { Connection } from 'mysql2';
import { Client } from 'pg';
import { connectMysql, runSql } from '../../mysql/connection';

/*
 * For integration tests: a database of its own on the local PostgreSQL and on the local
 * MariaDB, created before a test file and dropped after it, so tests never share leftovers.
 */

const ADMIN = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' };

/** Open connections to the two test databases (the MariaDB session already USEs its database). */
export interface TestDatabases {
  pg: Client;
  my: Connection;
}

async function asPostgresAdmin(sql: string): Promise<void> {
  const admin = new Client(ADMIN);
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** Creates the database `name` on both servers (utf8mb4 on MariaDB) and connects to each. */
export async function createTestDatabases(name: string): Promise<TestDatabases> {
  await asPostgresAdmin(`CREATE DATABASE ${name}`);
  const pg = new Client({ ...ADMIN, database: name });
  await pg.connect();
  const my = await connectMysql({ host: '127.0.0.1', port: 3306, database: 'mysql', username: 'root' });
  await runSql(my, `CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
  await runSql(my, `USE ${name}`);
  return { pg, my };
}

/** Closes what `createTestDatabases` opened (whatever of it exists) and drops both databases. */
export async function dropTestDatabases(name: string, open: Partial<TestDatabases>): Promise<void> {
  await open.pg?.end();
  await asPostgresAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  if (open.my) {
    await runSql(open.my, `DROP DATABASE IF EXISTS ${name}`);
    open.my.destroy();
  }
}

/** One of the three databases a test writes into. */
export type TestTarget = 'postgresql' | 'mysql' | 'sqlite';

/** Runs statements on a test target (the SQLite file opened for them and closed after). */
export async function execOn(
  dbs: TestDatabases,
  sqliteFile: string,
  target: TestTarget,
  ...statements: string[]
): Promise<void> {
  for (const sql of statements) {
    if (target === 'postgresql') await dbs.pg.query(sql);
    else if (target === 'mysql') await runSql(dbs.my, sql);
    else {
      const db = new Database(sqliteFile);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    }
  }
}

/** The rows of a query on a test target, as arrays. */
export async function rowsOn(
  dbs: TestDatabases,
  sqliteFile: string,
  target: TestTarget,
  sql: string,
): Promise<unknown[][]> {
  if (target === 'postgresql') return (await dbs.pg.query<unknown[]>({ text: sql, rowMode: 'array' })).rows;
  if (target === 'mysql') return (await runSql(dbs.my, sql)) as unknown[][];
  const db = new Database(sqliteFile, { readonly: true });
  try {
    return db.prepare(sql).raw().all() as unknown[][];
  } finally {
    db.close();
  }
}
