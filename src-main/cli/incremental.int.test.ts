import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BUILT, runFustgo } from './test-cli';

/*
 * `fustgo run` with an incremental input: the watermark is stored in the data dir's metadata
 * store after a completed run, the next run reads only newer rows, a failed run leaves the
 * watermark where it was, and `--full` reads everything again.
 */

let dir: string;

function fustgo(...args: string[]) {
  return runFustgo(args, { cwd: dir });
}

const pipeline = (target: string) => `version: 1
job: { name: orders-sync }
input:
  type: sqlite
  path: source.db
  query: { table: orders }
  incremental: { column: id }
output:
  type: sqlite
  path: ${target}
  write: { table: orders, mode: upsert }
  conflict: { key: [id] }
`;

function addOrders(from: number, to: number): void {
  const db = new Database(join(dir, 'source.db'));
  db.exec('CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, total TEXT)');
  const insert = db.prepare('INSERT INTO orders VALUES (?, ?)');
  for (let id = from; id <= to; id++) insert.run(id, `${id}.50`);
  db.close();
}

describe.skipIf(!CLI_BUILT)('fustgo run with an incremental input', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fustgo-incremental-'));
    writeFileSync(join(dir, 'sync.yaml'), pipeline('target.db'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads only the rows past the stored watermark on the next run', () => {
    addOrders(1, 500);
    const first = fustgo('run', 'sync.yaml');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('read 500, written 500');
    expect(first.stdout).toContain('note: watermark id = 500 stored for job "orders-sync"');

    addOrders(501, 520);
    const second = fustgo('run', 'sync.yaml');
    expect(second.stdout).toContain('read 20, written 20');
    expect(second.stdout).toContain('note: incremental: id > 500 up to 520');

    const third = fustgo('run', 'sync.yaml');
    expect(third.stdout).toContain('read 0, written 0');
    expect(third.stdout).toContain('no rows past the watermark id > 520');
  });

  it('keeps the watermark when a run fails, and reads everything with --full', () => {
    addOrders(521, 530);
    // The target is a folder: the run fails after reading, and the watermark must not move.
    writeFileSync(join(dir, 'broken.yaml'), pipeline('.'));
    const failed = fustgo('run', 'broken.yaml');
    expect(failed.code).toBe(1);
    expect(failed.stdout).not.toContain('watermark id = 530 stored');

    const resumed = fustgo('run', 'sync.yaml');
    expect(resumed.stdout).toContain('read 10, written 10');

    const full = fustgo('run', 'sync.yaml', '--full');
    expect(full.stdout).toContain('read 530, written 530');
    expect(full.stdout).toContain('--full: the stored watermark id > 530 was not used');
  });
});
