import { describe, expect, it } from 'vitest';
import type { Column, Row } from '../../src-main/engine/batch';
import { PreciseDate } from '../shared/values';
import { copyChunks, encodeCopyValue } from './copy-text';

/** The COPY text of rows the slow, obvious way: one string per value by its JS type. */
function expectedText(rows: Row[], columns: Column[]): string {
  return rows
    .map((row) =>
      row
        .map((v, i) =>
          columns[i].type === 'json' && v !== null ? encodeCopyValue(JSON.stringify(v)) : encodeCopyValue(v),
        )
        .join('\t'),
    )
    .join('\n')
    .concat(rows.length > 0 ? '\n' : '');
}

describe('copyChunks', () => {
  it('writes the same bytes as encoding each value as text, for every kind of value', () => {
    const columns: Column[] = [
      { name: 'i', type: 'int' },
      { name: 'b', type: 'bigint' },
      { name: 'f', type: 'float' },
      { name: 's', type: 'string' },
      { name: 'd', type: 'decimal' },
      { name: 't', type: 'timestamp' },
      { name: 'z', type: 'timestamptz' },
      { name: 'x', type: 'bytes' },
      { name: 'o', type: 'bool' },
    ];
    const strings = [
      '',
      'plain',
      'tab\there',
      'line\nbreak',
      'back\\slash',
      'cr\r',
      '中文 😀',
      'é',
      'x'.repeat(70),
      `${'y'.repeat(80)}\t`,
    ];
    const numbers = [
      0,
      -0,
      1,
      -1,
      9,
      10,
      99,
      100,
      123456789,
      -987654321,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      1.5,
      -2.25e-7,
      1e21,
      Number.NaN,
      Infinity,
    ];
    const dates = [
      new Date(0),
      new Date(-1),
      new Date(Date.UTC(1000, 0, 1)),
      new Date(Date.UTC(999, 11, 31, 23, 59, 59, 999)),
      new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)),
      new Date(Date.UTC(2024, 1, 29, 12, 0, 0, 5)),
      new Date(Date.UTC(-5, 0, 1)),
      new PreciseDate(Date.UTC(2024, 1, 29, 12, 0, 0, 5), 7),
    ];
    let seed = 42;
    const pick = <T>(list: T[]): T => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return list[seed % list.length];
    };
    const rows: Row[] = Array.from({ length: 5000 }, () => [
      pick([...numbers.filter(Number.isSafeInteger), null]),
      pick([12n, -(2n ** 63n), 2n ** 64n, 7, null]),
      pick([...numbers, null]),
      pick([...strings, null]),
      pick(['0.10', '-12345678901234567890.000001', null]),
      pick([...dates, null, 'infinity']),
      pick([...dates, null]),
      pick([Buffer.from([0, 255, 92]), Buffer.alloc(0), null]),
      pick([true, false, null]),
    ]);
    const chunks = [...copyChunks(rows, columns, 4096)];
    expect(chunks.length).toBeGreaterThan(10);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expectedText(rows, columns));
  });

  it('writes nothing for no rows, and fits a value larger than a chunk', () => {
    expect([...copyChunks([], [{ name: 's', type: 'string' }])]).toEqual([]);
    const big = 'ab\t'.repeat(50_000);
    const text = Buffer.concat([
      ...copyChunks([[big], ['z']], [{ name: 's', type: 'string' }], 1024),
    ]).toString();
    expect(text).toBe(`${'ab\\t'.repeat(50_000)}\nz\n`);
  });
});
