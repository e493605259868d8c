import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonLinesDeadLetter } from '../engine/dead-letter';
import { EditStore, editsFileOf, readEdits } from './dead-letter-edits';
import {
  DeadLetterReader,
  executionWindow,
  fileFromNotes,
  locateDeadLetters,
  readDeadLetterFile,
} from './dead-letter-file';
import { rowEditProblem } from './row-edit-check';

const dir = mkdtempSync(join(tmpdir(), 'fustgo-dl-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONFIG = 'version: 1\ninput: { type: generate }\noutput: { type: file, path: x.csv }\n';

describe('locateDeadLetters', () => {
  it("takes the file the run's notes name, else the config's, else the execution's own", () => {
    const execution = { id: 'e1', job_id: 'j1', notes: [] as string[] };
    expect(locateDeadLetters('/data', execution, CONFIG)).toEqual({
      file: '/data/jobs/j1/dead-letter/e1.jsonl',
      shared: false,
    });
    const notes = [
      'watermark id = 3 stored',
      '2 rows rejected by the output were written to /data/jobs/j1/dead-letter/e1.jsonl',
    ];
    expect(locateDeadLetters('/data', { ...execution, notes }, CONFIG).shared).toBe(false);
    const shared = [
      '1 row rejected by pipeline.processors[2] was written to /data/jobs/j1/rejected/all.jsonl',
    ];
    expect(fileFromNotes(shared)).toBe('/data/jobs/j1/rejected/all.jsonl');
    expect(locateDeadLetters('/data', { ...execution, notes: shared }, CONFIG)).toEqual({
      file: '/data/jobs/j1/rejected/all.jsonl',
      shared: true,
    });
    const configured = `${CONFIG}pipeline: { dead_letter: { path: rejected/all.jsonl } }\n`;
    expect(locateDeadLetters('/data', execution, configured)).toEqual({
      file: '/data/jobs/j1/rejected/all.jsonl',
      shared: true,
    });
  });
});

describe('readDeadLetterFile', () => {
  it('reads what the run wrote, numbering lines, skipping a line cut short, and keeps a shared file to the run', async () => {
    const file = join(dir, 'run.jsonl');
    let clock = Date.parse('2025-01-01T00:00:00.000Z');
    const sink = new JsonLinesDeadLetter(file, () => new Date(clock));
    const columns = [
      { name: 'id', type: 'int' as const },
      { name: 'name', type: 'string' as const },
    ];
    await sink.add({ place: 'output', lane: 0, columns, rows: [{ row: [1, null], error: 'NOT NULL' }] });
    clock += 60_000;
    await sink.add({
      place: 'pipeline.processors[1]',
      lane: 1,
      columns,
      rows: [
        { row: [2, 'x'], error: 'bad' },
        { row: [3, 'y'], error: 'worse' },
      ],
    });
    await sink.close();
    appendFileSync(file, '{"time":"2025-01-01T00:02:00.000Z","place":"out');
    const { entries, unreadable } = await readDeadLetterFile(file);
    expect(unreadable).toBe(1);
    expect(entries.map(({ index, place, lane, error, row }) => ({ index, place, lane, error, row }))).toEqual(
      [
        { index: 0, place: 'output', lane: 0, error: 'NOT NULL', row: { id: 1, name: null } },
        { index: 1, place: 'pipeline.processors[1]', lane: 1, error: 'bad', row: { id: 2, name: 'x' } },
        { index: 2, place: 'pipeline.processors[1]', lane: 1, error: 'worse', row: { id: 3, name: 'y' } },
      ],
    );
    const window = executionWindow({
      created_at: '2025-01-01T00:00:30.000Z',
      started_at: '2025-01-01T00:00:30.000Z',
      finished_at: '2025-01-01T00:01:30.000Z',
    });
    expect((await readDeadLetterFile(file, window)).entries.map((e) => e.index)).toEqual([1, 2]);
    expect(await readDeadLetterFile(join(dir, 'none.jsonl'))).toEqual({ entries: [], unreadable: 0 });
  });

  it('reads recorded column types, and reads a changed file again', async () => {
    const file = join(dir, 'typed.jsonl');
    const line = (id: number) =>
      `${JSON.stringify({ time: '2025-01-01T00:00:00.000Z', place: 'output', lane: 0, error: 'e', row: { id }, types: { id: 'bigint' } })}\n`;
    writeFileSync(file, line(1));
    const reader = new DeadLetterReader();
    const location = { file, shared: false };
    const window = { from: 0, to: Number.POSITIVE_INFINITY };
    const first = await reader.read(location, window);
    expect(first.entries[0].types).toEqual({ id: 'bigint' });
    expect(await reader.read(location, window)).toBe(first);
    appendFileSync(file, line(2));
    expect((await reader.read(location, window)).entries).toHaveLength(2);
  });
});

describe('edits', () => {
  it('are kept beside the file, set and reverted one after another, never lost when made together', async () => {
    const file = editsFileOf(dir, 'j1', 'e1');
    expect(file).toBe(join(dir, 'jobs', 'j1', 'dead-letter', 'e1.edits.json'));
    expect(await readEdits(file)).toEqual(new Map());
    const store = new EditStore();
    await Promise.all([
      store.set(file, 3, { id: 3, name: 'three' }, '2025-01-01T00:00:00.000Z'),
      store.set(file, 1, { id: 1, name: 'one' }, '2025-01-01T00:00:01.000Z'),
      store.set(file, 7, { id: 7, name: 'seven' }, '2025-01-01T00:00:02.000Z'),
    ]);
    await store.set(file, 7, null, '2025-01-01T00:00:03.000Z');
    const edits = await readEdits(file);
    expect([...edits.keys()]).toEqual([1, 3]);
    expect(edits.get(3)).toEqual({ row: { id: 3, name: 'three' }, at: '2025-01-01T00:00:00.000Z' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1 });
  });
});

describe('rowEditProblem', () => {
  it('keeps the columns, and each value readable as its recorded type', () => {
    const original = { id: 1, name: null, at: '2025-01-01T00:00:00.000Z' };
    const types = { id: 'int', name: 'string', at: 'timestamptz' };
    expect(rowEditProblem(original, { id: 1, name: 'Ada', at: '2025-01-02' }, types)).toBeUndefined();
    expect(rowEditProblem(original, { id: 1, name: 'Ada' }, types)).toBe(
      'the row must keep its columns ("id", "name", "at"): missing "at"',
    );
    expect(rowEditProblem(original, { ...original, nick: 'x' }, types)).toBe(
      'the row must keep its columns ("id", "name", "at"): unknown "nick"',
    );
    expect(rowEditProblem(original, { ...original, id: 'one' }, types)).toBe(
      'column "id": expected int, got "one"',
    );
    expect(rowEditProblem(original, { ...original, at: 'soon' }, types)).toBe(
      'column "at": expected timestamptz, got "soon"',
    );
    // Without recorded types any JSON value goes.
    expect(rowEditProblem(original, { ...original, id: 'one' }, undefined)).toBeUndefined();
  });
});
