import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import type { Column, Row } from '../../src-main/engine/batch';
import { failOnReject } from '../../src-main/engine/component';
import { collectingContext, fieldErrorOf } from '../shared/processor-testing';
import { testContext } from '../shared/test-support';
import { aggregateProcessor } from './spec';

const ctx = testContext();

const orders: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'region', type: 'string' },
  { name: 'qty', type: 'int' },
  { name: 'price', type: 'decimal' },
  { name: 'customer', type: 'string' },
];

type Config = Parameters<typeof aggregateProcessor.create>[0];

const bind = (config: Config, columns: Column[] = orders) =>
  aggregateProcessor.create(config, ctx).bind(columns);

const ROWS: Row[] = [
  [1, 'north', 2, '19.99', 'ann'],
  [2, 'south', 1, '5.00', 'bob'],
  [3, 'north', 3, '0.01', 'ann'],
  [4, null, 5, '1.10', 'cid'],
  [5, 'south', null, '2.50', 'bob'],
  [6, null, 1, null, 'dee'],
  [7, 'north', 4, '10', 'eve'],
];

describe('aggregate processor', () => {
  it('computes one row per group, NULL keys forming a group of their own, NULL values skipped', () => {
    const bound = bind({
      group_by: ['region'],
      aggregates: {
        orders: 'count(*)',
        with_qty: 'count(qty)',
        total_qty: 'sum(qty)',
        avg_price: 'avg(price)',
        cheapest: 'min(price)',
        dearest: 'max(price)',
        first_id: 'first(id)',
        last_id: 'last(id)',
        customers: 'count(DISTINCT customer)',
      },
    });
    expect(bound.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'region:string',
      'orders:bigint',
      'with_qty:bigint',
      'total_qty:bigint',
      'avg_price:decimal',
      'cheapest:decimal',
      'dearest:decimal',
      'first_id:int',
      'last_id:int',
      'customers:bigint',
    ]);
    // Two batches: groups carry over.
    expect(bound.process(ROWS.slice(0, 3), failOnReject)).toEqual([]);
    expect(bound.process(ROWS.slice(3), failOnReject)).toEqual([]);
    expect(bound.flush?.(failOnReject)).toEqual([
      ['north', 3, 3, 9, '10.0000000000000000', '0.01', '19.99', 1, 7, 2],
      ['south', 2, 1, 1, '3.7500000000000000', '2.50', '5.00', 2, 5, 1],
      [null, 2, 2, 6, '1.10000000000000000000', '1.10', '1.10', 4, 6, 2],
    ]);
    // Flushed once: nothing is held any more.
    expect(bound.flush?.(failOnReject)).toEqual([]);
  });

  it('sums decimals exactly, however many and however large', () => {
    const bound = bind({
      aggregates: { total: 'sum(price)', avg: 'avg(price)', revenue: 'sum(qty * price)' },
    });
    const rows: Row[] = [];
    for (let i = 0; i < 1000; i++) rows.push([i, 'x', 3, '0.10', 'c']);
    rows.push([1000, 'x', 1, '12345678901234567.89', 'c']);
    bound.process(rows, failOnReject);
    // A float sum of 0.1 a thousand times is 99.9999999999986; plus 1.2e16 it loses the cents entirely.
    // The average is PostgreSQL's: SELECT avg(x) over the same values gives 12333345555678.9889.
    expect(bound.flush?.(failOnReject)).toEqual([
      ['12345678901234667.89', '12333345555678.9889', '12345678901234867.89'],
    ]);
  });

  it('sums integers past 2^53 without losing a unit', () => {
    const big: Column[] = [{ name: 'n', type: 'bigint' }];
    const bound = bind({ aggregates: { total: 'sum(n)', biggest: 'max(n)' } }, big);
    bound.process([[9007199254740991], [10n], [1], [null]], failOnReject);
    expect(bound.flush?.(failOnReject)).toEqual([[9007199254741002n, 9007199254740991]]);
  });

  it('groups by several fields, decimals equal by value', () => {
    const columns: Column[] = [
      { name: 'a', type: 'string' },
      { name: 'd', type: 'decimal' },
      { name: 'v', type: 'float' },
    ];
    const bound = bind({ group_by: ['a', 'd'], aggregates: { n: 'count(*)', total: 'sum(v)' } }, columns);
    bound.process(
      [
        ['x', '1.50', 0.5],
        ['x', '1.5', 0.25],
        ['x', null, 1],
        [null, null, 2],
        ['x', '2', 4],
      ],
      failOnReject,
    );
    expect(bound.flush?.(failOnReject)).toEqual([
      ['x', '1.50', 2, 0.75],
      ['x', null, 1, 1],
      [null, null, 1, 2],
      ['x', '2', 1, 4],
    ]);
  });

  it('reads numeric text (a CSV column) as exact decimals and rejects a value that is no number', () => {
    const text: Column[] = [
      { name: 'k', type: 'string' },
      { name: 'amount', type: 'string' },
    ];
    const bound = bind({ group_by: ['k'], aggregates: { n: 'count(*)', total: 'sum(amount)' } }, text);
    const ctxWithRejects = collectingContext();
    bound.process(
      [
        ['a', '1.25'],
        ['a', 'twelve'],
        ['a', '2.75'],
      ],
      ctxWithRejects,
    );
    expect(ctxWithRejects.rejected).toEqual([
      { row: ['a', 'twelve'], error: 'total = sum(amount): not a number: "twelve"' },
    ]);
    // The rejected row changed no aggregate, not even the count.
    expect(bound.flush?.(failOnReject)).toEqual([['a', 2, '4.00']]);
  });

  it('rejects a row whose argument fails to evaluate', () => {
    const bound = bind({ aggregates: { ratio: 'sum(price / qty)' } });
    const rejects = collectingContext();
    bound.process(
      [
        [1, 'n', 2, '3.00', 'a'],
        [2, 'n', 0, '1.00', 'b'],
      ],
      rejects,
    );
    expect(rejects.rejected.map((r) => r.row[0])).toEqual([2]);
    expect(rejects.rejected[0].error).toMatch(/^ratio = sum\(price \/ qty\): .*division by zero/);
    expect(bound.flush?.(failOnReject)).toEqual([['1.5000000000000000']]);
  });

  it('has examples that fit its schema and create', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(aggregateProcessor.schema);
    for (const example of aggregateProcessor.examples ?? []) {
      expect(validate(example.config), `${example.title}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(() => aggregateProcessor.create(example.config as never, testContext())).not.toThrow();
    }
  });

  it('says the run needs one lane', () => {
    expect(aggregateProcessor.create({ aggregates: { n: 'count(*)' } }, ctx).oneLaneReason).toMatch(
      /every row/,
    );
  });

  describe('config errors', () => {
    it('names an unknown function with its place and a suggestion', () => {
      const error = fieldErrorOf(() => bind({ aggregates: { total: 'summ(qty)' } }));
      expect(error.path).toBe('aggregates.total');
      expect(error.message).toBe(
        'unknown aggregate function "summ" (did you mean "sum"? use count, sum, avg, min, max, first, last, count_distinct)',
      );
      expect(error.offset).toBe(1);
    });

    it('points at a misspelt column inside the argument', () => {
      const error = fieldErrorOf(() => bind({ aggregates: { total: 'sum( qtty * price)' } }));
      expect(error.path).toBe('aggregates.total');
      expect(error.message).toBe('unknown column "qtty" (did you mean "qty"?)');
      expect(error.offset).toBe(6);
    });

    it('refuses a sum of text that is not numeric by type, and * outside count', () => {
      const dated: Column[] = [{ name: 'day', type: 'date' }];
      expect(fieldErrorOf(() => bind({ aggregates: { s: 'sum(day)' } }, dated)).message).toBe(
        'sum takes numbers (int, bigint, float, decimal or numeric text), not date ("day" is date)',
      );
      expect(fieldErrorOf(() => bind({ aggregates: { s: 'max(*)' } })).message).toMatch(
        /only count\(\*\) counts rows/,
      );
      expect(fieldErrorOf(() => bind({ aggregates: { s: 'qty' } })).message).toMatch(
        /expected a call of an aggregate function/,
      );
    });

    it('names an unknown group_by field and a result that collides with it', () => {
      const unknown = fieldErrorOf(() => bind({ group_by: ['regoin'], aggregates: { n: 'count(*)' } }));
      expect([unknown.path, unknown.message]).toEqual([
        'group_by[0]',
        'unknown column "regoin" (did you mean "region"?)',
      ]);
      const clash = fieldErrorOf(() => bind({ group_by: ['region'], aggregates: { region: 'count(*)' } }));
      expect(clash.path).toBe('aggregates.region');
    });

    it('checks the window size', () => {
      const error = fieldErrorOf(() =>
        bind({ aggregates: { n: 'count(*)' }, window: { field: 'id', size: '5 minutes' } }),
      );
      expect([error.path, error.message]).toEqual([
        'window.size',
        '"5 minutes" is not a duration: write a number and a unit, e.g. 500ms, 30s, 5m, 1h, 1d',
      ]);
    });
  });

  describe('tumbling windows', () => {
    const events: Column[] = [
      { name: 'at', type: 'timestamptz' },
      { name: 'page', type: 'string' },
      { name: 'user', type: 'string' },
    ];
    const at = (time: string) => new Date(`2024-05-01T${time}Z`);
    const windowed = (lateness?: string) =>
      bind(
        {
          group_by: ['page'],
          aggregates: { views: 'count(*)', users: 'count_distinct(user)' },
          window: { field: 'at', size: '5m', ...(lateness ? { allowed_lateness: lateness } : {}) },
        },
        events,
      );

    it('emits a window when a row past its end arrives, the rest at the end', () => {
      const bound = windowed();
      expect(bound.columns.map((c) => c.name)).toEqual([
        'window_start',
        'window_end',
        'page',
        'views',
        'users',
      ]);
      expect(
        bound.process(
          [
            [at('12:00:10'), '/home', 'u1'],
            [at('12:01:00'), '/cart', 'u1'],
            [at('12:04:59.999'), '/home', 'u2'],
            [at('12:03:00'), '/home', 'u1'],
          ],
          failOnReject,
        ),
      ).toEqual([]);
      // 12:05:00 is the end of the first window: it closes.
      expect(bound.process([[at('12:05:00'), '/home', 'u3']], failOnReject)).toEqual([
        [at('12:00:00'), at('12:05:00'), '/home', 3, 2],
        [at('12:00:00'), at('12:05:00'), '/cart', 1, 1],
      ]);
      // A jump over an empty window closes the one before it.
      expect(bound.process([[at('12:17:00'), '/cart', 'u9']], failOnReject)).toEqual([
        [at('12:05:00'), at('12:10:00'), '/home', 1, 1],
      ]);
      expect(bound.flush?.(failOnReject)).toEqual([[at('12:15:00'), at('12:20:00'), '/cart', 1, 1]]);
    });

    it('rejects late rows and rows without an event time', () => {
      const bound = windowed();
      const rejects = collectingContext();
      bound.process(
        [
          [at('12:00:10'), '/home', 'u1'],
          [at('12:06:00'), '/home', 'u1'],
          [at('12:04:00'), '/home', 'late'],
          [null, '/home', 'u2'],
        ],
        rejects,
      );
      expect(rejects.rejected.map((r) => r.error)).toEqual([
        'late row: its event time 2024-05-01T12:04:00.000Z falls in the window 2024-05-01T12:00:00.000Z – 2024-05-01T12:05:00.000Z, already emitted (rows up to 2024-05-01T12:06:00.000Z have arrived, past its end)',
        'event time "at" is NULL',
      ]);
    });

    it('keeps a window open for allowed_lateness after its end', () => {
      const bound = windowed('2m');
      expect(
        bound.process(
          [
            [at('12:00:10'), '/home', 'u1'],
            [at('12:06:00'), '/home', 'u1'],
            [at('12:04:00'), '/home', 'u2'],
          ],
          failOnReject,
        ),
      ).toEqual([]);
      expect(bound.process([[at('12:07:00'), '/home', 'u3']], failOnReject)).toEqual([
        [at('12:00:00'), at('12:05:00'), '/home', 2, 2],
      ]);
    });

    it('refuses an event-time field that holds no time', () => {
      const error = fieldErrorOf(() =>
        bind({ aggregates: { n: 'count(*)' }, window: { field: 'price', size: '1m' } }),
      );
      expect([error.path, error.message]).toEqual([
        'window.field',
        '"price" is decimal: event time needs a timestamp, date, ISO 8601 text or epoch milliseconds',
      ]);
    });
  });
});
