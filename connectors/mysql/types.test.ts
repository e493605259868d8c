import { describe, expect, it } from 'vitest';
import { quoteIdent, quoteTableName, splitTableName } from './identifiers';
import {
  columnTypeFor,
  FieldType,
  dateTimeFromBytes,
  formatUtcDateTime,
  intFromBytes,
  isZeroDate,
  literalEncoder,
  logicalFromMeta,
  nativeTypeOf,
  parseUtcDateTime,
  toSqlLiteral,
  valueDecoder,
  type MysqlColumnMeta,
} from './types';
import { insertSqlParts, insertStatements } from './writer';

const UNSIGNED = 32;
const BINARY = 63;
const UTF8MB4 = 224;

/** Column metadata as MariaDB sends it for a column of the given declaration. */
function meta(columnType: number, more: Partial<MysqlColumnMeta> = {}): MysqlColumnMeta {
  return { name: 'c', columnType, flags: 0, characterSet: BINARY, columnLength: 11, decimals: 0, ...more };
}

describe('mysql type map', () => {
  it('maps result columns to logical and native types', () => {
    const cases: [MysqlColumnMeta, string, string][] = [
      [meta(FieldType.TINY, { columnLength: 1 }), 'bool', 'TINYINT(1)'],
      [meta(FieldType.TINY, { columnLength: 4 }), 'int', 'TINYINT'],
      [meta(FieldType.LONG, { columnLength: 10, flags: UNSIGNED }), 'int', 'INT UNSIGNED'],
      [meta(FieldType.INT24, { columnLength: 9 }), 'int', 'MEDIUMINT'],
      [meta(FieldType.LONGLONG, { columnLength: 20, flags: UNSIGNED }), 'bigint', 'BIGINT UNSIGNED'],
      [meta(FieldType.NEWDECIMAL, { columnLength: 32, decimals: 9 }), 'decimal', 'DECIMAL(30,9)'],
      [meta(FieldType.NEWDECIMAL, { columnLength: 10, flags: UNSIGNED }), 'decimal', 'DECIMAL(10,0)'],
      [meta(FieldType.DOUBLE, { decimals: 31 }), 'float', 'DOUBLE'],
      [meta(FieldType.DATE), 'date', 'DATE'],
      [meta(FieldType.TIME, { decimals: 3 }), 'time', 'TIME(3)'],
      [meta(FieldType.DATETIME, { decimals: 3 }), 'timestamp', 'DATETIME(3)'],
      [meta(FieldType.TIMESTAMP), 'timestamptz', 'TIMESTAMP'],
      [meta(FieldType.BIT, { columnLength: 9 }), 'int', 'BIT(9)'],
      [meta(FieldType.BIT, { columnLength: 64 }), 'bigint', 'BIT(64)'],
      [meta(FieldType.JSON), 'json', 'JSON'],
      [
        meta(FieldType.BLOB, { characterSet: UTF8MB4, columnLength: 4294967295, extendedFormat: 'json' }),
        'json',
        'JSON',
      ],
      [
        meta(FieldType.STRING, { characterSet: UTF8MB4, columnLength: 144, extendedTypeName: 'uuid' }),
        'uuid',
        'UUID',
      ],
      [meta(FieldType.VAR_STRING, { characterSet: UTF8MB4, columnLength: 40 }), 'string', 'VARCHAR(10)'],
      [meta(FieldType.STRING, { characterSet: UTF8MB4, columnLength: 12 }), 'string', 'CHAR(3)'],
      [meta(FieldType.STRING, { characterSet: UTF8MB4, columnLength: 4, flags: 256 }), 'string', 'ENUM'],
      [meta(FieldType.BLOB, { characterSet: UTF8MB4, columnLength: 262140 }), 'string', 'TEXT'],
      [meta(FieldType.BLOB, { columnLength: 65535 }), 'bytes', 'BLOB'],
      [meta(FieldType.BLOB, { columnLength: 4294967295 }), 'bytes', 'LONGBLOB'],
      [meta(FieldType.VAR_STRING, { columnLength: 8 }), 'bytes', 'VARBINARY(8)'],
      [meta(FieldType.GEOMETRY), 'bytes', 'GEOMETRY'],
    ];
    for (const [column, logical, native] of cases) {
      expect([logicalFromMeta(column), nativeTypeOf(column)]).toEqual([logical, native]);
    }
  });

  /** A value as decoders see it: a slice of a larger packet buffer, never the whole of it. */
  const inPacket = (raw: Buffer | string): [Buffer, number, number] => {
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    return [Buffer.concat([Buffer.from([0xfe, 0x37]), bytes, Buffer.from('99')]), 2, 2 + bytes.length];
  };

  it('decodes raw text-protocol values exactly', () => {
    const decode = (m: MysqlColumnMeta, raw: Buffer | string) =>
      valueDecoder(m, logicalFromMeta(m), () => undefined)(...inPacket(raw));
    expect(decode(meta(FieldType.LONGLONG, { flags: UNSIGNED }), '18446744073709551615')).toBe(
      18446744073709551615n,
    );
    expect(decode(meta(FieldType.NEWDECIMAL, { columnLength: 32, decimals: 9 }), '1.100000000')).toBe(
      '1.100000000',
    );
    expect(decode(meta(FieldType.TINY, { columnLength: 1 }), '0')).toBe(false);
    expect(decode(meta(FieldType.BIT, { columnLength: 9 }), Buffer.from([0x01, 0x55]))).toBe(341);
    expect(decode(meta(FieldType.DATETIME), '2024-01-02 03:04:05.678901')).toEqual(
      new Date('2024-01-02T03:04:05.678Z'),
    );
    let zeros = 0;
    const date = valueDecoder(meta(FieldType.DATE), 'date', () => zeros++);
    expect([
      date(...inPacket('0000-00-00')),
      date(...inPacket('2024-00-10')),
      date(...inPacket('2024-02-29')),
    ]).toEqual([null, null, '2024-02-29']);
    expect(zeros).toBe(2);
  });

  it('chooses column types for created tables, refined by the source native type', () => {
    expect(columnTypeFor({ name: 'k', type: 'string' }, true)).toBe('VARCHAR(255)');
    expect(columnTypeFor({ name: 's', type: 'string' }, false)).toBe('TEXT');
    expect(columnTypeFor({ name: 'b', type: 'bytes' }, true)).toBe('VARBINARY(255)');
    expect(columnTypeFor({ name: 'n', type: 'int' }, false)).toBe('INT');
    expect(columnTypeFor({ name: 'n', type: 'int', nativeType: 'INT UNSIGNED' }, false)).toBe('INT UNSIGNED');
    expect(columnTypeFor({ name: 'n', type: 'bigint', nativeType: 'BIGINT UNSIGNED' }, false)).toBe(
      'BIGINT UNSIGNED',
    );
    expect(columnTypeFor({ name: 'd', type: 'decimal', nativeType: 'numeric(10,2)' }, false)).toBe(
      'DECIMAL(10,2)',
    );
    expect(columnTypeFor({ name: 'd', type: 'decimal', nativeType: 'NUMERIC(100,40)' }, false)).toBe(
      'DECIMAL(65,30)',
    );
    expect(columnTypeFor({ name: 'd', type: 'decimal' }, false)).toBe('DECIMAL(65,30)');
    expect(columnTypeFor({ name: 't', type: 'time', nativeType: 'TIME(3)' }, false)).toBe('TIME(3)');
    expect(columnTypeFor({ name: 't', type: 'timestamptz' }, false)).toBe('DATETIME(6)');
  });

  it('writes values as SQL literals', () => {
    expect(toSqlLiteral(null)).toBe('NULL');
    expect(toSqlLiteral(true)).toBe('1');
    expect(toSqlLiteral(-9223372036854775808n)).toBe('-9223372036854775808');
    expect(toSqlLiteral("it's \\ \n")).toBe("'it\\'s \\\\ \\n'");
    expect(toSqlLiteral(new Date('2024-01-02T03:04:05.6Z'))).toBe("'2024-01-02 03:04:05.600'");
    expect(toSqlLiteral(Buffer.from([0, 255]))).toBe("X'00ff'");
    expect(toSqlLiteral({ n: 1n })).toBe(`'{\\"n\\":\\"1\\"}'`);
    expect(literalEncoder('json')('a')).toBe(`'\\"a\\"'`);
    expect(() => toSqlLiteral(Number.NaN)).toThrow('NaN cannot be stored in MySQL');
  });

  it('handles dates, zero dates and identifiers', () => {
    expect(formatUtcDateTime(parseUtcDateTime('1999-12-31 23:59:59.5'))).toBe('1999-12-31 23:59:59.500');
    // Microseconds survive the round trip (a PreciseDate).
    expect(formatUtcDateTime(parseUtcDateTime('1999-12-31 23:59:59.123456'))).toBe(
      '1999-12-31 23:59:59.123456',
    );
    expect(isZeroDate('0000-00-00 00:00:00')).toBe(true);
    expect(isZeroDate('0001-01-01')).toBe(false);
    const bytes = (text: string) => Buffer.from(text, 'latin1');
    expect(dateTimeFromBytes(bytes('2024-02-29 23:59:58.123456'))?.toISOString()).toBe(
      '2024-02-29T23:59:58.123Z',
    );
    expect(dateTimeFromBytes(bytes('1970-01-01 00:00:00'))?.getTime()).toBe(0);
    expect(dateTimeFromBytes(bytes('2024-01-02'))?.toISOString()).toBe('2024-01-02T00:00:00.000Z');
    expect(dateTimeFromBytes(bytes('0000-00-00 00:00:00'))).toBeNull();
    expect(dateTimeFromBytes(bytes('2024-00-15 10:00:00'))).toBeNull();
    expect([
      intFromBytes(bytes('0')),
      intFromBytes(bytes('-2147483648')),
      intFromBytes(bytes('4294967295')),
    ]).toEqual([0, -2147483648, 4294967295]);
    expect(quoteIdent('a`b')).toBe('`a``b`');
    expect(quoteTableName('shop.orders')).toBe('`shop`.`orders`');
    expect(splitTableName('orders')).toEqual({ table: 'orders' });
  });

  it('splits rows into statements under the size budget', () => {
    const parts = insertSqlParts(
      't',
      [
        { name: 'id', type: 'int' },
        { name: 'v', type: 'string' },
      ],
      'upsert',
      ['id'],
    );
    expect(parts.tail).toBe(' ON DUPLICATE KEY UPDATE `v` = VALUES(`v`)');
    const tuples = Array.from({ length: 10 }, (_, i) => `(${i}, 'xxxxxxxx')`);
    const statements = insertStatements(parts, tuples, parts.head.length + parts.tail.length + 50);
    expect(statements.length).toBeGreaterThan(1);
    expect(statements.every((s) => s.length <= parts.head.length + parts.tail.length + 50)).toBe(true);
    expect(statements.join(' ').match(/\(\d, 'x+'\)/g)).toHaveLength(10);
  });
});
