import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMysql, runSql } from '../../connectors/mysql/connection';

/*
 * A copy killed outright (SIGKILL, nothing cleans up) and run again with upsert leaves every
 * source row in the target exactly once: the built `fustgo` command against the real MariaDB
 * and PostgreSQL.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const fustgo = join(root, 'bin', 'fustgo.js');
const db = `fustgo_test_rerun_${randomBytes(4).toString('hex')}`;
const ROWS = 300_000;
const mysqlConnection = { host: '127.0.0.1', port: 3306, database: 'mysql', username: 'root' };
let dir: string;
let pg: Client;

function pipeline(mode: 'insert' | 'upsert'): string {
  return `version: 1
input:
  type: mysql
  connection: { host: 127.0.0.1, database: ${db}, username: root }
  query: { table: items }
  fetch: { size: 1000 }
output:
  type: postgresql
  connection: { host: 127.0.0.1, database: ${db}, username: postgres }
  write: { table: items, mode: ${mode}, batch_size: 1000 }
  conflict: { key: [id] }
`;
}

async function targetFigures(): Promise<{ n: number; ids: string; distinct: number }> {
  const result = await pg.query<{ n: string; ids: string | null; distinct: string }>(
    'SELECT count(*) AS n, sum(id)::text AS ids, count(DISTINCT id) AS distinct FROM items',
  );
  const row = result.rows[0];
  return { n: Number(row.n), ids: row.ids ?? '0', distinct: Number(row.distinct) };
}

describe.skipIf(!existsSync(join(root, 'out', 'main', 'cli.js')))(
  'a killed copy, run again with upsert',
  () => {
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'fustgo-rerun-'));
      const my = await connectMysql(mysqlConnection);
      try {
        await runSql(my, `CREATE DATABASE ${db}`);
        await runSql(
          my,
          `CREATE TABLE ${db}.items (id INT PRIMARY KEY, label VARCHAR(40), price DECIMAL(12,2))`,
        );
        // MariaDB's sequence engine makes the rows inside the server.
        await runSql(
          my,
          `INSERT INTO ${db}.items SELECT seq, CONCAT('item ', seq, ' 商品'), seq / 100 FROM seq_1_to_${ROWS}`,
        );
      } finally {
        my.destroy();
      }
      const admin = new Client({ host: '127.0.0.1', user: 'postgres', database: 'postgres' });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${db}`);
      await admin.end();
      pg = new Client({ host: '127.0.0.1', user: 'postgres', database: db });
      await pg.connect();
    });

    afterAll(async () => {
      await pg?.end();
      const admin = new Client({ host: '127.0.0.1', user: 'postgres', database: 'postgres' });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await admin.end();
      const my = await connectMysql(mysqlConnection);
      await runSql(my, `DROP DATABASE IF EXISTS ${db}`).finally(() => my.destroy());
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('leaves every row exactly once', async () => {
      writeFileSync(join(dir, 'insert.yaml'), pipeline('insert'));
      const first = spawn(fustgo, ['run', join(dir, 'insert.yaml')], { stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        first.on('exit', (_code, signal) => resolve(signal)),
      );
      // Kill it once part of the table is committed, without any chance to clean up.
      await expect
        .poll(
          async () =>
            (await pg.query('SELECT to_regclass($1) AS t', ['items'])).rows[0].t !== null &&
            (await targetFigures()).n > 0,
          {
            timeout: 30_000,
            interval: 50,
          },
        )
        .toBe(true);
      first.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const partial = await targetFigures();
      expect(partial.n).toBeGreaterThan(0);
      expect(partial.n).toBeLessThan(ROWS);

      writeFileSync(join(dir, 'upsert.yaml'), pipeline('upsert'));
      const second = spawn(fustgo, ['run', join(dir, 'upsert.yaml')], { stdio: 'ignore' });
      const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
      expect(code).toBe(0);
      const expectedIds = ((BigInt(ROWS) * BigInt(ROWS + 1)) / 2n).toString();
      expect(await targetFigures()).toEqual({ n: ROWS, ids: expectedIds, distinct: ROWS });
      const sample = await pg.query('SELECT label, price::text AS price FROM items WHERE id = 12345');
      expect(sample.rows[0]).toEqual({ label: 'item 12345 商品', price: '123.45' });
    });
  },
);
