import { describe, expect, it } from 'vitest';
import type { Column, Row } from '../../src-main/engine/batch';
import { failOnReject } from '../../src-main/engine/component';
import { collectingContext, fieldErrorOf } from '../shared/processor-testing';
import { testContext } from '../shared/test-support';
import { transformProcessor } from './spec';

const ctx = testContext();

/** Orders as a CSV file gives them: every value text. */
const csvColumns: Column[] = [
  { name: 'id', type: 'string' },
  { name: 'name', type: 'string' },
  { name: 'price', type: 'string' },
  { name: 'qty', type: 'string' },
  { name: 'ordered_at', type: 'string' },
];

const bind = (config: Record<string, unknown>, columns = csvColumns) =>
  transformProcessor.create(config, ctx).bind(columns);

describe('transform processor', () => {
  it('sets computed fields: replacing one where it stands, appending new ones in order', () => {
    const bound = bind({ fields: { total: 'price * qty', name: 'UPPER(TRIM(name))', is_big: 'qty > 2' } });
    expect(bound.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'string'],
      ['name', 'string'],
      ['price', 'string'],
      ['qty', 'string'],
      ['ordered_at', 'string'],
      ['total', 'decimal'],
      ['is_big', 'bool'],
    ]);
    const rows: Row[] = [
      ['1', ' ada ', '9.99', '3', '2024-03-05'],
      ['2', 'grace', '0.10', '1', null],
    ];
    expect(bound.process(rows, failOnReject)).toEqual([
      ['1', 'ADA', '9.99', '3', '2024-03-05', '29.97', true],
      ['2', 'GRACE', '0.10', '1', null, '0.10', false],
    ]);
    // The incoming rows are left as they were (a rejected row is dead-lettered as received).
    expect(rows[0]).toEqual(['1', ' ada ', '9.99', '3', '2024-03-05']);
  });

  it('evaluates every expression against the incoming row, not against the other fields', () => {
    const bound = bind({ fields: { qty: 'CAST(qty AS INT) * 2', doubled: 'qty' } });
    expect(bound.process([['1', 'a', '1', '5', null]], failOnReject)).toEqual([
      ['1', 'a', '1', 10, null, '5'],
    ]);
  });

  it('accepts `set` as another name for `fields`, but not both', () => {
    expect(
      bind({ set: { n: 'LENGTH(name)' } }).process([['1', 'abc', '1', '1', null]], failOnReject),
    ).toEqual([['1', 'abc', '1', '1', null, 3]]);
    expect(fieldErrorOf(() => bind({ set: { a: '1' }, fields: { b: '2' } })).path).toBe('set');
    expect(fieldErrorOf(() => bind({})).message).toBe(
      'give `fields` (computed fields) and/or `cast` (type conversions)',
    );
  });

  it('casts text to decimals at a scale, integers, dates and timestamps with formats and zones', () => {
    const bound = bind({
      cast: {
        id: { type: 'bigint' },
        price: { type: 'decimal', scale: 2 },
        qty: { type: 'int' },
        ordered_at: { type: 'timestamptz', format: '%d/%m/%Y %H:%i', time_zone: 'Asia/Shanghai' },
      },
      fields: { total: 'price * qty', day: "DATE_FORMAT(ordered_at, '%Y-%m-%d', 'Asia/Shanghai')" },
    });
    expect(bound.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'id:bigint',
      'name:string',
      'price:decimal',
      'qty:int',
      'ordered_at:timestamptz',
      'total:decimal',
      'day:string',
    ]);
    const [row] = bound.process(
      [['9007199254740993', 'ada', '12.345', ' 4 ', '05/03/2024 01:30']],
      failOnReject,
    );
    expect(row).toEqual([
      9007199254740993n,
      'ada',
      '12.35',
      4,
      new Date('2024-03-04T17:30:00Z'),
      '49.40',
      '2024-03-05',
    ]);
  });

  it('reads ISO text, epoch seconds and millis, and gives dates in the zone asked for', () => {
    const columns: Column[] = [
      { name: 'a', type: 'string' },
      { name: 'b', type: 'string' },
      { name: 'c', type: 'string' },
      { name: 'd', type: 'string' },
    ];
    const bound = bind(
      {
        cast: {
          a: { type: 'timestamp', time_zone: '+08:00' },
          b: { type: 'timestamptz', format: 'epoch_seconds' },
          c: { type: 'timestamptz', format: 'epoch_millis' },
          d: { type: 'date', time_zone: 'America/New_York' },
        },
      },
      columns,
    );
    expect(
      bound.process(
        [
          ['2024-03-05 08:00:00', '1709647629', '1709647629123', '2024-03-05T03:00:00Z'],
          ['2024-03-05T08:00:00Z', '0', '-1000', '2024-03-05'],
        ],
        failOnReject,
      ),
    ).toEqual([
      [
        new Date('2024-03-05T00:00:00Z'),
        new Date('2024-03-05T14:07:09Z'),
        new Date('2024-03-05T14:07:09.123Z'),
        '2024-03-04',
      ],
      // Text with its own offset is read as written; a plain date stays that date.
      [new Date('2024-03-05T08:00:00Z'), new Date(0), new Date(-1000), '2024-03-05'],
    ]);
  });

  it('casts to the other logical types', () => {
    const columns: Column[] = ['b', 'f', 'j', 'u', 't'].map((name) => ({ name, type: 'string' as const }));
    const bound = bind(
      {
        cast: {
          b: { type: 'bool' },
          f: { type: 'float' },
          j: { type: 'json' },
          u: { type: 'uuid' },
          t: { type: 'time' },
        },
      },
      columns,
    );
    expect(
      bound.process(
        [['yes', '1e3', '{"a":[1,2]}', '0E8B0C37-8E6C-4C9F-9A47-2B1F4A8E0C11', '7:05']],
        failOnReject,
      ),
    ).toEqual([[true, 1000, { a: [1, 2] }, '0e8b0c37-8e6c-4c9f-9a47-2b1f4a8e0c11', '07:05:00']]);
  });

  it('rejects a row whose value does not convert or whose expression fails, naming the field', () => {
    const bound = bind({
      cast: {
        price: { type: 'decimal', precision: 5, scale: 2 },
        qty: { type: 'int' },
        ordered_at: { type: 'date', format: '%Y-%m-%d' },
      },
      fields: { unit: 'ROUND(price / qty, 2)' },
    });
    const rows: Row[] = [
      ['1', 'ok', '2.50', '2', '2024-03-05'],
      ['2', 'bad price', 'abc', '2', '2024-03-05'],
      ['3', 'too big', '12345.6', '2', '2024-03-05'],
      ['4', 'half a unit', '2.50', '1.5', '2024-03-05'],
      ['5', 'no such day', '2.50', '1', '2024-02-30'],
      ['6', 'zero', '2.50', '0', '2024-03-05'],
      ['7', 'nulls pass', null, null, null],
    ];
    const collect = collectingContext();
    const out = bound.process(rows, collect);
    expect(out.map((r) => r[0])).toEqual(['1', '7']);
    expect(out[0]).toEqual(['1', 'ok', '2.50', 2, '2024-03-05', '1.25']);
    expect(collect.rejected.map((r) => [r.row[0], r.error])).toEqual([
      ['2', "cast.price: cannot CAST 'abc' AS DECIMAL(5, 2)"],
      ['3', "cast.price: cannot CAST '12345.6' AS DECIMAL(5, 2): out of range for DECIMAL(5, 2)"],
      ['4', 'cast.qty: "1.5" is not a whole number'],
      ['5', "cast.ordered_at: STR_TO_DATE: '2024-02-30' does not match '%Y-%m-%d'"],
      ['6', expect.stringMatching(/^fields\.unit: .*division by zero/)],
    ]);
    // Rejected rows are handed over exactly as they came in.
    expect(collect.rejected[0].row).toBe(rows[1]);
  });

  it('points at the config field that names an unknown column, a bad format or zone', () => {
    expect(fieldErrorOf(() => bind({ fields: { total: 'price * qtty' } }))).toMatchObject({
      path: 'fields.total',
      message: 'unknown column "qtty" (did you mean "qty"?)',
      offset: 9,
    });
    expect(fieldErrorOf(() => bind({ cast: { prise: { type: 'decimal' } } }))).toMatchObject({
      path: 'cast.prise',
      message: 'unknown column "prise" (did you mean "price"?)',
    });
    expect(
      fieldErrorOf(() => bind({ cast: { ordered_at: { type: 'timestamp', format: '%Y-%m-%d %H:%M:%S' } } })),
    ).toMatchObject({
      path: 'cast.ordered_at.format',
      message: `"%Y-%m-%d %H:%M:%S": %M is the month name (MySQL's specifiers); minutes are %i, e.g. '%H:%i:%s'`,
    });
    expect(
      fieldErrorOf(() => bind({ cast: { ordered_at: { type: 'date', format: 'YYYY-MM-DD' } } })).message,
    ).toBe(
      `"YYYY-MM-DD" is no format: give iso, epoch_seconds, epoch_millis or a % format such as '%d/%m/%Y %H:%i'`,
    );
    expect(
      fieldErrorOf(() => bind({ cast: { ordered_at: { type: 'timestamp', time_zone: 'Mars/Olympus' } } })),
    ).toMatchObject({
      path: 'cast.ordered_at.time_zone',
      message:
        'unknown time zone "Mars/Olympus" (use an IANA name such as Asia/Shanghai, or an offset such as +08:00)',
    });
    expect(fieldErrorOf(() => bind({ cast: { qty: { type: 'int', scale: 2 } } }))).toMatchObject({
      path: 'cast.qty.scale',
      message: 'applies to decimal, not int',
    });
    expect(fieldErrorOf(() => bind({ cast: { qty: { type: 'int', format: '%Y' } } })).path).toBe(
      'cast.qty.format',
    );
  });
});
