import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  canonicalRow,
  canonicalTime,
  canonicalTimestamp,
  canonicalValue,
  comparisonType,
  digestRows,
  frameField,
  jsonNumber,
  LeasePool,
  plainNumber,
  rowHash,
  type ComparedColumn,
} from './range-digest';

describe('numbers', () => {
  it.each([
    ['12.300', '12.3'],
    ['100', '100'],
    ['100.000', '100'],
    ['0.00', '0'],
    ['-0', '0'],
    ['-0.50', '-0.5'],
    ['007', '7'],
    ['+1.5', '1.5'],
    ['1e15', '1000000000000000'],
    ['1e+21', '1000000000000000000000'],
    ['1.2345678901234568e+20', '123456789012345680000'],
    ['1e-5', '0.00001'],
    ['-1.5e-3', '-0.0015'],
    ['.5', '0.5'],
    ['NaN', 'NaN'],
    ['-Infinity', '-Infinity'],
  ])('plainNumber(%s) = %s', (text, plain) => expect(plainNumber(text)).toBe(plain));

  it.each([
    ['100', '1.0E2'],
    ['0', '0.0E0'],
    ['-0.0', '0.0E0'],
    ['2.50', '2.5E0'],
    ['-0.0125', '-1.25E-2'],
    ['-12.5e-3', '-1.25E-2'],
    ['12345678901234567890.123', '1.2345678901234567890123E19'],
    ['1e400', '1.0E400'],
  ])('jsonNumber(%s) = %s (MariaDB JSON_NORMALIZE)', (text, normal) => expect(jsonNumber(text)).toBe(normal));
});

describe('canonicalJson', () => {
  it('writes compact JSON with keys in UTF-8 byte order and numbers in full', () => {
    expect(
      canonicalJson('{ "b": 1, "a": [1, 2.50, "x", null, true], "aa": {"z": 1e2, "é": "中文\\n", "Z": 0} }'),
    ).toBe('{"a":[1.0E0,2.5E0,"x",null,true],"aa":{"Z":0.0E0,"z":1.0E2,"é":"中文\\n"},"b":1.0E0}');
    expect(canonicalJson('{"n": 12345678901234567890.123}')).toBe('{"n":1.2345678901234567890123E19}');
  });

  it('re-escapes strings as JSON.stringify does', () => {
    expect(canonicalJson('"\\u00e9\\/\\u0001"')).toBe(JSON.stringify('é/\u0001'));
  });

  it('is null for text that is not JSON', () => {
    for (const text of ['{', '{"a" 1}', '[1,]', 'nul', '"raw\ttab"', '1 2', ''])
      expect(canonicalJson(text)).toBeNull();
  });
});

describe('times', () => {
  it('writes times and timestamps with microseconds, timestamps in UTC', () => {
    expect(canonicalTime('23:59:59.123')).toBe('23:59:59.123000');
    expect(canonicalTime('7:05')).toBe('07:05:00.000000');
    expect(canonicalTimestamp('2024-01-02T03:04:05.678Z')).toBe('2024-01-02 03:04:05.678000');
    expect(canonicalTimestamp('2024-01-02 03:04:05')).toBe('2024-01-02 03:04:05.000000');
    expect(canonicalTimestamp('2024-01-02')).toBe('2024-01-02 00:00:00.000000');
    expect(canonicalTimestamp('2024-01-01T01:30:00.123456+02:00')).toBe('2023-12-31 23:30:00.123456');
    expect(canonicalTimestamp('not a time')).toBe('not a time');
  });
});

describe('canonicalValue', () => {
  it('writes each type as SQLite holds it', () => {
    expect(canonicalValue('int', 'int', 42n)).toBe('42');
    expect(canonicalValue('bigint', 'bigint', -9223372036854775808n)).toBe('-9223372036854775808');
    expect(canonicalValue('decimal', 'decimal', '12.30')).toBe('12.3');
    expect(canonicalValue('float', 'float', 1e21)).toBe('1000000000000000000000');
    expect(canonicalValue('float', 'float', -0)).toBe('0');
    expect(canonicalValue('bool', 'bool', 1n)).toBe('1');
    expect(canonicalValue('bool', 'bool', 0n)).toBe('0');
    expect(canonicalValue('date', 'date', '2024-02-29')).toBe('2024-02-29');
    expect(canonicalValue('timestamp', 'timestamp', '2024-01-02T03:04:05.678Z')).toBe(
      '2024-01-02 03:04:05.678000',
    );
    expect(canonicalValue('bytes', 'bytes', Buffer.from([0, 255]))).toBe('00ff');
    expect(canonicalValue('uuid', 'uuid', 'ABCDEF00-0000-0000-0000-000000000000')).toBe(
      'abcdef00-0000-0000-0000-000000000000',
    );
    expect(canonicalValue('string', 'uuid', 'ABC')).toBe('abc');
    expect(canonicalValue('string', 'string', 'ABC')).toBe('ABC');
    expect(canonicalValue('json', 'json', '{"b":1,"a":2}')).toBe('{"a":2.0E0,"b":1.0E0}');
    expect(canonicalValue('string', 'string', null)).toBeNull();
  });
});

describe('row text and hash', () => {
  const columns: ComparedColumn[] = [
    { column: { name: 'id', type: 'int' }, as: 'int' },
    { column: { name: 'name', type: 'string' }, as: 'string' },
    { column: { name: 'doc', type: 'json' }, as: 'json' },
  ];

  it('frames fields so NULL, empty text and look-alike text differ', () => {
    expect(frameField('length', null)).toBe('~');
    expect(frameField('length', '')).toBe('0:');
    expect(frameField('length', '~')).toBe('1:~');
    expect(frameField('length', '🚀é')).toBe('2:🚀é');
    expect(frameField('md5', '{}')).toBe('99914b932bd37a50b983c5e7c90ae93b');
    expect(canonicalRow(columns, [1n, 'a|b', null])).toBe('1|3:a|b|~|');
    const texts = [
      canonicalRow(columns, [1n, null, null]),
      canonicalRow(columns, [1n, '', null]),
      canonicalRow(columns, [1n, '~', null]),
      canonicalRow(columns, [1n, '\\N', null]),
    ];
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('hashes a row into 60 bits and sums rows in any order', () => {
    expect(rowHash('')).toBe(BigInt('0xd41d8cd98f00b20'));
    const rows = [
      [1n, 'a', '{"x":1}'],
      [2n, null, null],
      [3n, '中文', '[]'],
    ];
    const digest = digestRows(columns, rows);
    expect(digest.rows).toBe(3);
    expect(digestRows(columns, [...rows].reverse())).toEqual(digest);
    expect(digestRows(columns, [rows[0], rows[1], [3n, '中文 ', '[]']]).sum).not.toBe(digest.sum);
  });
});

describe('comparisonType', () => {
  it('compares related types alike and anything else as text, with a note', () => {
    expect(comparisonType('int', 'int')).toEqual({ as: 'int' });
    expect(comparisonType('int', 'bigint')).toEqual({ as: 'decimal' });
    expect(comparisonType('timestamptz', 'timestamp')).toEqual({ as: 'timestamp' });
    expect(comparisonType('string', 'uuid')).toEqual({ as: 'uuid' });
    expect(comparisonType('date', 'string')).toEqual({
      as: 'string',
      note: 'date in the source and string in the target: compared as text',
    });
  });
});

describe('LeasePool', () => {
  it('opens at most `size` connections and reuses them', async () => {
    let opened = 0;
    let busy = 0;
    let peak = 0;
    const pool = new LeasePool(
      2,
      async () => ++opened,
      async () => undefined,
    );
    await Promise.all(
      Array.from({ length: 6 }, () =>
        pool.use(async () => {
          peak = Math.max(peak, ++busy);
          await new Promise((resolve) => setTimeout(resolve, 5));
          busy--;
        }),
      ),
    );
    expect(opened).toBe(2);
    expect(peak).toBe(2);
    await pool.close();
  });

  it('replaces a connection whose work failed', async () => {
    const released: number[] = [];
    let opened = 0;
    const pool = new LeasePool(
      1,
      async () => ++opened,
      async (c) => {
        released.push(c);
      },
    );
    await expect(pool.use(async () => Promise.reject(new Error('lost')))).rejects.toThrow('lost');
    expect(await pool.use(async (c) => c)).toBe(2);
    expect(released).toEqual([1]);
    await pool.close();
    expect(released).toEqual([1, 2]);
    await expect(pool.use(async () => 1)).rejects.toThrow('closed');
  });
});
