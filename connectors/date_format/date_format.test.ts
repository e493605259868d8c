import { describe, expect, it } from 'vitest';
import type { Column, Row } from '../../src-main/engine/batch';
import { failOnReject } from '../../src-main/engine/component';
import { collectingContext, fieldErrorOf } from '../shared/processor-testing';
import { testContext } from '../shared/test-support';
import type { Static } from '@sinclair/typebox';
import { dateFormatProcessor, type DateFormatSchema } from './spec';

type Config = Static<typeof DateFormatSchema>;

const ctx = testContext();

const columns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'at', type: 'string' },
];

const convert = (config: Omit<Config, 'field'>, values: unknown[], cols = columns) => {
  const bound = dateFormatProcessor.create({ field: 'at', ...config }, ctx).bind(cols);
  return {
    columns: bound.columns,
    values: bound
      .process(
        values.map((v, i) => [i, v]),
        failOnReject,
      )
      .map((row) => row.at(-1)),
  };
};

describe('date_format processor', () => {
  it('reads text by a % format in a zone and gives the instant', () => {
    const result = convert(
      { from: '%Y年%m月%d日 %H:%i', from_time_zone: 'Asia/Shanghai', to: 'timestamptz' },
      ['2024年03月05日 08:30', null],
    );
    expect(result.columns[1]).toEqual({ name: 'at', type: 'timestamptz' });
    expect(result.values).toEqual([new Date('2024-03-05T00:30:00Z'), null]);
  });

  it('reformats text keeping its wall-clock time unless another zone is asked for', () => {
    const values = ['05/03/2024 23:30'];
    expect(
      convert({ from: '%d/%m/%Y %H:%i', from_time_zone: 'Asia/Shanghai', to: '%Y-%m-%d %H:%i:%s' }, values)
        .values,
    ).toEqual(['2024-03-05 23:30:00']);
    expect(
      convert(
        {
          from: '%d/%m/%Y %H:%i',
          from_time_zone: 'Asia/Shanghai',
          to: '%Y-%m-%d %H:%i',
          to_time_zone: 'Europe/London',
        },
        values,
      ).values,
    ).toEqual(['2024-03-05 15:30']);
  });

  it('reads ISO text with or without an offset, and dates, in the source zone', () => {
    expect(
      convert({ from_time_zone: 'America/New_York', to: 'timestamptz' }, [
        '2024-07-01 12:00:00',
        '2024-07-01T12:00:00Z',
        '2024-07-01T12:00:00+08:00',
        '2024-07-01',
      ]).values,
    ).toEqual([
      new Date('2024-07-01T16:00:00Z'),
      new Date('2024-07-01T12:00:00Z'),
      new Date('2024-07-01T04:00:00Z'),
      new Date('2024-07-01T04:00:00Z'),
    ]);
  });

  it('turns epoch seconds and millis into dates, timestamps and back', () => {
    expect(
      convert({ from: 'epoch_millis', to: 'date', to_time_zone: 'Asia/Tokyo' }, [1709650800000]).values,
    ).toEqual(['2024-03-06']);
    expect(
      convert({ from: 'epoch_seconds', to: 'timestamp', to_time_zone: '+08:00' }, ['1709650800']).values,
    ).toEqual([new Date('2024-03-05T23:00:00Z')]);
    const back = convert({ to: 'epoch_millis' }, ['2024-03-05T14:07:09.123Z']);
    expect(back.columns[1]).toEqual({ name: 'at', type: 'bigint' });
    expect(back.values).toEqual([1709647629123]);
    expect(convert({ to: 'epoch_seconds' }, ['1970-01-01T00:00:01.999Z']).values).toEqual([1]);
  });

  it('converts timestamp fields as wall-clock times and timestamptz fields as instants', () => {
    const typed: Column[] = [
      { name: 'id', type: 'int' },
      { name: 'at', type: 'timestamp' },
    ];
    const wall = new Date('2024-03-05T08:00:00Z');
    expect(convert({ from_time_zone: 'Asia/Shanghai', to: 'timestamptz' }, [wall], typed).values).toEqual([
      new Date('2024-03-05T00:00:00Z'),
    ]);
    const instants: Column[] = [typed[0], { name: 'at', type: 'timestamptz' }];
    expect(
      convert(
        { to: '%Y-%m-%d %H:%i', to_time_zone: 'Asia/Shanghai' },
        [new Date('2024-03-05T00:00:00Z')],
        instants,
      ).values,
    ).toEqual(['2024-03-05 08:00']);
  });

  it('writes to another field with `as`', () => {
    const bound = dateFormatProcessor.create({ field: 'at', to: 'date', as: 'day' }, ctx).bind(columns);
    expect(bound.columns.at(-1)).toEqual({ name: 'day', type: 'date' });
    expect(bound.process([[1, '2024-03-05 10:00:00']], failOnReject)).toEqual([
      [1, '2024-03-05 10:00:00', '2024-03-05'],
    ]);
  });

  it('rejects a row whose value cannot be read', () => {
    const bound = dateFormatProcessor
      .create({ field: 'at', from: '%Y-%m-%d', to: 'date' }, ctx)
      .bind(columns);
    const rows: Row[] = [
      [1, '2024-03-05'],
      [2, '2024-13-01'],
      [3, 'soon'],
    ];
    const collect = collectingContext();
    expect(bound.process(rows, collect)).toEqual([[1, '2024-03-05']]);
    expect(collect.rejected).toEqual([
      { row: rows[1], error: "field: STR_TO_DATE: '2024-13-01' does not match '%Y-%m-%d'" },
      { row: rows[2], error: "field: STR_TO_DATE: 'soon' does not match '%Y-%m-%d'" },
    ]);
    const iso = dateFormatProcessor.create({ field: 'at', to: 'date' }, ctx).bind(columns);
    const isoCollect = collectingContext();
    iso.process([[1, '2024-02-30']], isoCollect);
    expect(isoCollect.rejected[0].error).toBe("field: cannot CAST '2024-02-30' AS TIMESTAMP");
  });

  it('points at the field with a bad format, zone or target', () => {
    expect(
      fieldErrorOf(() => dateFormatProcessor.create({ field: 'at', to: 'datetime' }, ctx)),
    ).toMatchObject({
      path: 'to',
      message: `"datetime" is no target: give timestamp, timestamptz, date, epoch_seconds, epoch_millis or a % format such as '%Y-%m-%d %H:%i:%s'`,
    });
    expect(fieldErrorOf(() => dateFormatProcessor.create({ field: 'at', to: '%H:%M' }, ctx)).path).toBe('to');
    expect(
      fieldErrorOf(() =>
        dateFormatProcessor.create({ field: 'at', to: 'date', to_time_zone: 'Nowhere' }, ctx),
      ).path,
    ).toBe('to_time_zone');
    expect(
      fieldErrorOf(() =>
        dateFormatProcessor.create({ field: 'at', to: 'date', from_time_zone: 'Nowhere' }, ctx).bind(columns),
      ).path,
    ).toBe('from_time_zone');
    expect(
      fieldErrorOf(() =>
        dateFormatProcessor
          .create({ field: 'at', from: '%Y', to: 'date' }, ctx)
          .bind([columns[0], { name: 'at', type: 'timestamp' }]),
      ),
    ).toMatchObject({
      path: 'from',
      message: 'column "at" is a timestamp already: read it with from: iso (the default)',
    });
  });
});
