import { describe, expect, it } from 'vitest';
import type { ColumnInfo } from '../../connectors/shared/sql/introspection';
import { compareColumn, integerBytes, type CompareOptions } from './column-rules';
import { column } from './test-columns';

const enforced: CompareOptions = { enforcesSizes: true, targetIsKey: false, sourceNullableKnown: false };

/** The level and reason codes of a comparison. */
function verdict(source: ColumnInfo, target: ColumnInfo, options: Partial<CompareOptions> = {}) {
  const found = compareColumn(source, target, { ...enforced, ...options });
  return {
    level: found.level,
    codes: found.reasons.map((r) => r.code),
    changeType: found.changeType,
    allowNull: found.allowNull,
  };
}

describe('compareColumn', () => {
  it('finds a wider or equal target compatible', () => {
    expect(
      verdict(column('a', 'string', 'varchar(50)'), column('a', 'string', 'character varying(100)')),
    ).toEqual({
      level: 'compatible',
      codes: ['fits'],
      changeType: false,
      allowNull: false,
    });
    expect(verdict(column('a', 'int', 'int'), column('a', 'bigint', 'bigint')).level).toBe('compatible');
    expect(verdict(column('a', 'int', 'INTEGER'), column('a', 'int', 'integer')).codes).toEqual([
      'same_type',
    ]);
    expect(verdict(column('a', 'int', 'int unsigned'), column('a', 'bigint', 'bigint')).level).toBe(
      'compatible',
    );
    expect(
      verdict(column('a', 'decimal', 'decimal(10,2)'), column('a', 'decimal', 'numeric(12,2)')).level,
    ).toBe('compatible');
    expect(verdict(column('a', 'int', 'integer'), column('a', 'decimal', 'numeric(10,0)')).level).toBe(
      'compatible',
    );
    expect(verdict(column('a', 'date', 'date'), column('a', 'timestamp', 'timestamp(6)')).codes).toEqual([
      'date_to_timestamp',
    ]);
  });

  it('warns of a shorter varchar, and of text without a limit into one', () => {
    const shorter = compareColumn(
      column('name', 'string', 'varchar(100)'),
      column('name', 'string', 'varchar(50)'),
      enforced,
    );
    expect(shorter.level).toBe('warning');
    expect(shorter.changeType).toBe(true);
    expect(shorter.reasons[0].text).toBe('values longer than 50 are refused (the source allows 100)');
    expect(verdict(column('a', 'string', 'text'), column('a', 'string', 'varchar(50)')).codes).toEqual([
      'length_unbounded',
    ]);
  });

  it('warns of decimal digits and scale that do not fit', () => {
    const found = compareColumn(
      column('price', 'decimal', 'decimal(14,4)'),
      column('price', 'decimal', 'numeric(10,2)'),
      enforced,
    );
    expect(found.level).toBe('warning');
    expect(found.reasons.map((r) => r.text)).toEqual([
      'numbers with more than 8 digits before the point do not fit (the source allows 10)',
      'digits past 2 decimal places are rounded (the source has 4)',
    ]);
    expect(verdict(column('a', 'decimal', 'numeric'), column('a', 'decimal', 'numeric(10,2)')).codes).toEqual(
      ['decimal_unbounded'],
    );
    expect(verdict(column('a', 'bigint', 'bigint'), column('a', 'decimal', 'numeric(10,0)')).codes).toEqual([
      'decimal_digits',
    ]);
  });

  it('warns of narrower integers and of signedness', () => {
    expect(verdict(column('a', 'int', 'int'), column('a', 'int', 'smallint')).codes).toEqual([
      'int_narrower',
    ]);
    expect(verdict(column('a', 'bigint', 'bigint'), column('a', 'int', 'integer')).codes).toEqual([
      'int_narrower',
    ]);
    expect(verdict(column('a', 'bigint', 'bigint unsigned'), column('a', 'bigint', 'bigint')).codes).toEqual([
      'unsigned_to_signed',
    ]);
    expect(verdict(column('a', 'int', 'integer'), column('a', 'int', 'int unsigned')).codes).toEqual([
      'signed_to_unsigned',
    ]);
  });

  it('warns of a lost time zone, fractional seconds, and floats into decimals', () => {
    expect(
      verdict(
        column('t', 'timestamptz', 'timestamp with time zone', { precision: 6 }),
        column('t', 'timestamp', 'timestamp without time zone', { precision: 6 }),
      ),
    ).toMatchObject({ level: 'warning', codes: ['zone_dropped'] });
    expect(
      verdict(
        column('t', 'timestamp', 'datetime(6)', { precision: 6 }),
        column('t', 'timestamp', 'datetime(3)', { precision: 3 }),
      ).codes,
    ).toEqual(['fraction_digits']);
    expect(
      verdict(
        column('t', 'timestamp', 'datetime(6)', { precision: 6 }),
        column('t', 'timestamptz', 'timestamptz(6)', { precision: 6 }),
      ),
    ).toMatchObject({ level: 'compatible', codes: ['timestamp_as_utc'] });
    expect(verdict(column('f', 'float', 'double'), column('f', 'decimal', 'numeric(10,2)')).codes).toEqual([
      'float_to_decimal',
    ]);
    expect(verdict(column('f', 'decimal', 'decimal(10,2)'), column('f', 'int', 'integer')).codes).toEqual([
      'fraction_lost',
    ]);
    expect(verdict(column('f', 'float', 'double precision'), column('f', 'float', 'real')).codes).toEqual([
      'float_narrower',
    ]);
  });

  it('finds text into an integer and JSON into an integer incompatible', () => {
    const text = compareColumn(
      column('qty', 'string', 'varchar(10)'),
      column('qty', 'int', 'integer'),
      enforced,
    );
    expect(text.level).toBe('incompatible');
    expect(text.changeType).toBe(true);
    expect(text.reasons[0].text).toBe(
      'text goes into integer only where every value parses as one: change the target type or convert in the pipeline',
    );
    expect(verdict(column('doc', 'json', 'json'), column('doc', 'int', 'integer'))).toMatchObject({
      level: 'incompatible',
      codes: ['not_convertible'],
    });
    expect(verdict(column('t', 'time', 'time'), column('t', 'timestamp', 'timestamp(6)')).level).toBe(
      'incompatible',
    );
  });

  it('writes other types into text, within its length', () => {
    expect(verdict(column('n', 'int', 'int'), column('n', 'string', 'text'))).toMatchObject({
      level: 'compatible',
      codes: ['as_text'],
    });
    expect(verdict(column('n', 'int', 'int'), column('n', 'string', 'varchar(5)')).codes).toEqual([
      'length_shorter',
    ]);
    expect(verdict(column('n', 'uuid', 'uuid'), column('n', 'string', 'char(36)')).level).toBe('compatible');
    expect(verdict(column('b', 'bytes', 'blob'), column('b', 'string', 'text')).codes).toEqual([
      'bytes_as_text',
    ]);
  });

  it('warns of NULLs into NOT NULL where the source says it has them, and drops NOT NULL only off the key', () => {
    const source = column('a', 'int', 'int', { nullable: true });
    const target = column('a', 'int', 'integer', { nullable: false });
    expect(verdict(source, target)).toMatchObject({ level: 'compatible', allowNull: false });
    expect(verdict(source, target, { sourceNullableKnown: true })).toEqual({
      level: 'warning',
      codes: ['null_into_not_null'],
      changeType: false,
      allowNull: true,
    });
    expect(verdict(source, target, { sourceNullableKnown: true, targetIsKey: true })).toMatchObject({
      codes: ['null_into_not_null', 'key_stays_not_null'],
      allowNull: false,
    });
  });

  it('leaves sizes alone where the database does not enforce them (SQLite)', () => {
    expect(
      verdict(column('a', 'string', 'VARCHAR(100)'), column('a', 'string', 'VARCHAR(50)'), {
        enforcesSizes: false,
      }).level,
    ).toBe('compatible');
    expect(
      verdict(column('a', 'string', 'TEXT'), column('a', 'int', 'INTEGER'), { enforcesSizes: false }).level,
    ).toBe('incompatible');
  });

  it('says the output leaves a generated target column out', () => {
    expect(
      verdict(
        column('total', 'decimal', 'decimal(10,2)'),
        column('total', 'decimal', 'numeric(10,2)', { generated: true }),
      ),
    ).toEqual({
      level: 'warning',
      codes: ['target_generated'],
      changeType: false,
      allowNull: false,
    });
  });

  it('reads integer widths from any database’s spelling', () => {
    expect(
      ['tinyint(1)', 'int2', 'mediumint', 'int4', 'INTEGER', 'int8', 'bigint unsigned'].map((t) =>
        integerBytes(column('a', 'int', t)),
      ),
    ).toEqual([1, 2, 3, 4, 4, 8, 8]);
    expect(integerBytes(column('a', 'bigint', ''))).toBe(8);
  });
});
