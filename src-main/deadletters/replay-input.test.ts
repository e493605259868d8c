import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFile } from '../../connectors/file/reader';
import type { Column, Row } from '../engine/batch';
import { rowObject } from '../engine/dead-letter';
import { replayColumns, replayInputSection, replayLines, type ReplayRow } from './replay-input';

const dir = mkdtempSync(join(tmpdir(), 'fustgo-replay-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Reads a JSON Lines file through the real `file` input reader with declared columns. */
async function readBack(text: string, columns: { name: string; type: Column['type'] }[]): Promise<Row[]> {
  const file = join(dir, `replay-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, text);
  const rows: Row[] = [];
  const batches = readFile(
    {
      path: file,
      displayPath: file,
      format: 'jsonl',
      gzip: false,
      encoding: 'utf8',
      batchSize: 1000,
      header: true,
      delimiter: ',',
      quote: '"',
      escape: '"',
      nullValue: '',
      columns,
    },
    new AbortController().signal,
  );
  for await (const batch of batches) rows.push(...batch.rows);
  return rows;
}

const COLUMNS: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'big', type: 'bigint' },
  { name: 'price', type: 'decimal' },
  { name: 'ratio', type: 'float' },
  { name: 'ok', type: 'bool' },
  { name: 'day', type: 'date' },
  { name: 'at', type: 'time' },
  { name: 'created', type: 'timestamp' },
  { name: 'seen', type: 'timestamptz' },
  { name: 'doc', type: 'json' },
  { name: 'blob', type: 'bytes' },
  { name: 'uid', type: 'uuid' },
  { name: 'name', type: 'string' },
];

const ROWS: Row[] = [
  [
    1,
    9_007_199_254_740_993n,
    '12345678901234567890.123456789',
    0.1,
    true,
    '2024-02-29',
    '23:59:59.5',
    new Date('2024-03-01T10:00:00.123Z'),
    new Date('2024-03-01T02:00:00.000Z'),
    { tags: ['a', 'b'], n: 1 },
    Buffer.from([0, 1, 254, 255]),
    '6f1c7a52-9d0e-4a55-8e57-0c1e4d7f6b01',
    '12',
  ],
  [2, null, '-0.5', Number.POSITIVE_INFINITY, false, null, null, null, null, 'plain text', null, null, null],
];

describe('replay input', () => {
  it('brings every logical type back as it was, when the run recorded the types', async () => {
    const types = Object.fromEntries(COLUMNS.map((c) => [c.name, c.type]));
    // What the dead-letter file holds: JSON-safe rows, then JSON text.
    const stored: ReplayRow[] = ROWS.map((row) => ({
      row: JSON.parse(JSON.stringify(rowObject(COLUMNS, row))) as Record<string, unknown>,
      types,
    }));
    const columns = replayColumns(stored);
    expect(columns).toEqual(COLUMNS.map(({ name, type }) => ({ name, type })));
    expect(await readBack(replayLines(stored), columns)).toEqual(ROWS);
  });

  it('without recorded types, types the columns by their JSON values as the file input would', async () => {
    const rows: ReplayRow[] = [
      { row: { id: 1, name: 'Ada', score: 1.5, ok: true, note: null, extra: { a: 1 } } },
      { row: { id: 2, name: null, score: 2, ok: false, note: null, extra: 'x' } },
      { row: { id: 3, name: 'Grace', score: null, ok: null, note: null, more: 7 } },
    ];
    const columns = replayColumns(rows);
    expect(columns).toEqual([
      { name: 'id', type: 'int' },
      { name: 'name', type: 'string' },
      { name: 'score', type: 'float' },
      { name: 'ok', type: 'bool' },
      { name: 'note', type: 'string' },
      { name: 'extra', type: 'json' },
      { name: 'more', type: 'int' },
    ]);
    expect(await readBack(replayLines(rows), columns)).toEqual([
      [1, 'Ada', 1.5, true, null, { a: 1 }, null],
      [2, null, 2, false, null, 'x', null],
      [3, 'Grace', null, null, null, null, 7],
    ]);
  });

  it('a column recorded with different types in different rows falls back to its values', () => {
    expect(
      replayColumns([
        { row: { v: 1 }, types: { v: 'int' } },
        { row: { v: 2 }, types: { v: 'bigint' } },
      ]),
    ).toEqual([{ name: 'v', type: 'int' }]);
  });

  it('is read by a file input section naming the file and the columns', () => {
    expect(replayInputSection('dead-letter/replay-x-1.jsonl', [{ name: 'id', type: 'int' }])).toEqual({
      type: 'file',
      path: 'dead-letter/replay-x-1.jsonl',
      format: 'jsonl',
      columns: [{ name: 'id', type: 'int' }],
    });
  });
});
