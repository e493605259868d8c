import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Column } from './batch';
import type { Logger } from './component';
import {
  JsonLinesDeadLetter,
  jsonSafe,
  LoggedDeadLetter,
  rowObject,
  type DeadLetterEntry,
} from './dead-letter';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'fustgo-dead-letter-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const columns: Column[] = [
  { name: 'id', type: 'bigint' },
  { name: 'at', type: 'timestamp' },
  { name: 'raw', type: 'bytes' },
  { name: 'meta', type: 'json' },
  { name: 'note', type: 'string' },
];

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as DeadLetterEntry);

describe('dead-letter rows', () => {
  it('encodes values JSON-safe without losing them', () => {
    expect(
      rowObject(columns, [
        12345678901234567890n,
        new Date('2024-01-02T03:04:05.678Z'),
        Buffer.from('hi'),
        { n: 1n, when: new Date(0), list: [Buffer.from([255])] },
        undefined,
      ]),
    ).toEqual({
      id: '12345678901234567890',
      at: '2024-01-02T03:04:05.678Z',
      raw: 'aGk=',
      meta: { n: '1', when: '1970-01-01T00:00:00.000Z', list: ['/w=='] },
      note: null,
    });
    expect([NaN, Infinity, new Date(NaN), 1.5, true, 'x'].map(jsonSafe)).toEqual([
      'NaN',
      'Infinity',
      null,
      1.5,
      true,
      'x',
    ]);
  });
});

describe('JsonLinesDeadLetter', () => {
  it('creates its file (and folder) only when the first row arrives', async () => {
    const file = path.join(dir, 'nested', 'run.jsonl');
    const sink = new JsonLinesDeadLetter(file);
    await sink.add({ place: 'output', lane: 0, columns, rows: [] });
    expect(existsSync(path.dirname(file))).toBe(false);
    expect(await sink.close()).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });

  it('appends one line per row with time, place, lane, error and the row, and says where', async () => {
    const file = path.join(dir, 'dl', 'run.jsonl');
    const sink = new JsonLinesDeadLetter(file, () => new Date('2024-05-06T07:08:09.000Z'));
    const row = [1n, new Date(0), Buffer.from('x'), null, 'a'];
    await sink.add({ place: 'output', lane: 1, columns, rows: [{ row, error: 'duplicate key' }] });
    await sink.add({
      place: 'pipeline.processors[3]',
      lane: 0,
      columns,
      rows: [{ row, error: 'bad' }],
    });
    await sink.add({
      place: 'output',
      lane: 0,
      columns,
      rows: [
        { row, error: 'too long' },
        { row, error: 'not null' },
      ],
    });
    expect(await sink.close()).toEqual([
      `3 rows rejected by the output were written to ${file}`,
      `1 row rejected by pipeline.processors[3] was written to ${file}`,
    ]);
    const entries = lines(file);
    expect(entries.map((e) => [e.place, e.lane, e.error])).toEqual([
      ['output', 1, 'duplicate key'],
      ['pipeline.processors[3]', 0, 'bad'],
      ['output', 0, 'too long'],
      ['output', 0, 'not null'],
    ]);
    expect(entries[0]).toEqual({
      time: '2024-05-06T07:08:09.000Z',
      place: 'output',
      lane: 1,
      error: 'duplicate key',
      row: { id: '1', at: '1970-01-01T00:00:00.000Z', raw: 'eA==', meta: null, note: 'a' },
      types: { id: 'bigint', at: 'timestamp', raw: 'bytes', meta: 'json', note: 'string' },
    });
    // A second run appends to a file the config names.
    const again = new JsonLinesDeadLetter(file);
    await again.add({ place: 'output', lane: 0, columns, rows: [{ row, error: 'again' }] });
    await again.close();
    expect(lines(file)).toHaveLength(5);
  });

  it('keeps the lines of concurrent lanes whole', async () => {
    const file = path.join(dir, 'lanes.jsonl');
    const sink = new JsonLinesDeadLetter(file);
    const big = 'x'.repeat(100_000);
    await Promise.all(
      Array.from({ length: 8 }, (_, lane) =>
        sink.add({
          place: 'output',
          lane,
          columns: [{ name: 'v', type: 'string' }],
          rows: Array.from({ length: 5 }, (_, i) => ({ row: [`${lane}:${i}:${big}`], error: 'e' })),
        }),
      ),
    );
    expect(await sink.close()).toEqual([`40 rows rejected by the output were written to ${file}`]);
    const entries = lines(file);
    expect(entries).toHaveLength(40);
    expect(entries.every((e) => (e.row.v as string).endsWith(big))).toBe(true);
  });

  it('fails with the file named when it cannot write', async () => {
    // A file where its folder should be.
    const blocker = path.join(dir, 'blocker');
    writeFileSync(blocker, '');
    const file = path.join(blocker, 'run.jsonl');
    const sink = new JsonLinesDeadLetter(file);
    await expect(
      sink.add({ place: 'output', lane: 0, columns, rows: [{ row: [], error: 'e' }] }),
    ).rejects.toThrow(`cannot write rejected rows to ${file}`);
    await sink.close();
  });
});

describe('LoggedDeadLetter', () => {
  it('logs each row as an error when the run has no file', async () => {
    const logged: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn() {},
      error: (msg, data) => void logged.push(`${msg} ${JSON.stringify(data)}`),
    };
    const sink = new LoggedDeadLetter(logger);
    await sink.add({
      place: 'output',
      lane: 2,
      columns: [{ name: 'id', type: 'int' }],
      rows: [{ row: [7], error: 'nope' }],
    });
    expect(logged).toEqual(['row rejected by output: nope {"lane":2,"row":{"id":7}}']);
    expect(await sink.close()).toEqual(['1 row rejected by the output was logged (no dead-letter file)']);
  });
});
