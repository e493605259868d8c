import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import type { DeadLetter } from '../../src-shared/api/dead-letter-model';
import { csvHeader, deadLettersCsv, deadLettersJsonLines } from './dead-letter-export';

function letter(index: number, row: Record<string, unknown>, extra: Partial<DeadLetter> = {}): DeadLetter {
  return {
    index,
    time: '2025-01-02T03:04:05.000Z',
    place: 'output',
    lane: 0,
    error: 'NOT NULL constraint failed: people.name',
    row,
    original_row: null,
    edited_at: null,
    replay: null,
    ...extra,
  };
}

describe('deadLettersCsv', () => {
  it('quotes what needs it, keeps null and empty text apart, and ends with place, error and time', () => {
    const text = deadLettersCsv(
      [
        letter(0, { id: 1, name: 'Smith, "Ada"', note: 'line one\nline two', tags: ['a', 'b'] }),
        letter(
          4,
          { id: 2, name: null, note: '', tags: null },
          {
            place: 'pipeline.processors[1]',
            error: 'cannot divide by zero, "qty" is 0',
          },
        ),
      ],
      ['id', 'name', 'note', 'tags'],
    );
    expect(text).toBe(
      'id,name,note,tags,place,error,time\n' +
        '1,"Smith, ""Ada""","line one\nline two","[""a"",""b""]",output,NOT NULL constraint failed: people.name,2025-01-02T03:04:05.000Z\n' +
        '2,,"",,pipeline.processors[1],"cannot divide by zero, ""qty"" is 0",2025-01-02T03:04:05.000Z\n',
    );
    // A CSV reader gets the values back.
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(records[0]).toMatchObject({ name: 'Smith, "Ada"', note: 'line one\nline two', tags: '["a","b"]' });
    expect(records[1]).toMatchObject({ error: 'cannot divide by zero, "qty" is 0', note: '' });
  });

  it('renames its own columns when the row has columns of those names, and appends columns it was not told of', () => {
    expect(csvHeader(['id', 'error', 'place']).header).toEqual([
      'id',
      'error',
      'place',
      'dead_letter_place',
      'dead_letter_error',
      'time',
    ]);
    const text = deadLettersCsv([letter(0, { id: 1 }), letter(1, { id: 2, extra: 'x' })], ['id']);
    expect(text.split('\n')[0]).toBe('id,extra,place,error,time');
    expect(text.split('\n')[1]).toBe(
      '1,,output,NOT NULL constraint failed: people.name,2025-01-02T03:04:05.000Z',
    );
  });
});

describe('deadLettersJsonLines', () => {
  it('writes one dead letter per line, the edited row with its original beside it', () => {
    const text = deadLettersJsonLines([
      letter(
        3,
        { id: 3, name: 'fixed' },
        { original_row: { id: 3, name: null }, edited_at: '2025-01-03T00:00:00.000Z' },
      ),
      letter(5, { id: 5, name: null }),
    ]);
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      {
        index: 3,
        time: '2025-01-02T03:04:05.000Z',
        place: 'output',
        lane: 0,
        error: 'NOT NULL constraint failed: people.name',
        row: { id: 3, name: 'fixed' },
        original_row: { id: 3, name: null },
        edited_at: '2025-01-03T00:00:00.000Z',
      },
      {
        index: 5,
        time: '2025-01-02T03:04:05.000Z',
        place: 'output',
        lane: 0,
        error: 'NOT NULL constraint failed: people.name',
        row: { id: 5, name: null },
      },
    ]);
  });
});
