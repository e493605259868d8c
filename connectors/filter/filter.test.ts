import { describe, expect, it } from 'vitest';
import type { Column } from '../../src-main/engine/batch';
import { failOnReject, FieldError } from '../../src-main/engine/component';
import { collectingContext } from '../shared/processor-testing';
import { testContext } from '../shared/test-support';
import { filterProcessor } from './spec';

const ctx = testContext();

const columns: Column[] = [
  { name: 'id', type: 'int' },
  { name: 'qty', type: 'string' },
  { name: 'status', type: 'string' },
];

const bind = (condition: string) => filterProcessor.create({ condition }, ctx).bind(columns);

describe('filter processor', () => {
  it('keeps the rows whose condition is true and passes columns through', () => {
    const bound = bind("qty > 0 AND status <> 'void'");
    expect(bound.columns).toBe(columns);
    const rows = [
      [1, '3', 'paid'],
      [2, '0', 'paid'],
      [3, '5', 'void'],
      [4, null, 'paid'],
      [5, '12', null],
      [6, '1', 'pending'],
    ];
    expect(bound.process(rows, failOnReject).map((r) => r[0])).toEqual([1, 6]);
  });

  it('keeps rows unchanged (same values, same order) across batches', () => {
    const bound = bind('id % 2 = 0');
    expect(
      bound.process(
        [
          [1, 'a', 'x'],
          [2, 'b', 'y'],
        ],
        failOnReject,
      ),
    ).toEqual([[2, 'b', 'y']]);
    expect(
      bound.process(
        [
          [4, 'c', 'z'],
          [3, 'd', 'w'],
        ],
        failOnReject,
      ),
    ).toEqual([[4, 'c', 'z']]);
    expect(bound.process([], failOnReject)).toEqual([]);
  });

  it('reports a misspelt column as a field error on condition', () => {
    expect(() => bind('qtty > 0')).toThrow(FieldError);
    try {
      bind('qtty > 0');
    } catch (err) {
      expect((err as FieldError).path).toBe('condition');
      expect((err as FieldError).message).toBe('unknown column "qtty" (did you mean "qty"?)');
      expect((err as FieldError).offset).toBe(1);
    }
  });

  it('reports a syntax error with its place', () => {
    expect(() => bind('qty > AND id = 1')).toThrow(
      expect.objectContaining({ message: "syntax error near 'AND'", offset: 7 }),
    );
  });

  it('mode exclude drops the rows where the condition is TRUE and keeps FALSE and NULL ones', () => {
    const rows = [
      [1, '3', 'paid'],
      [2, '0', 'void'],
      [3, '5', null],
    ];
    const include = filterProcessor.create({ condition: "status = 'void'" }, ctx).bind(columns);
    const exclude = filterProcessor
      .create({ condition: "status = 'void'", mode: 'exclude' }, ctx)
      .bind(columns);
    expect(include.process(rows, failOnReject).map((r) => r[0])).toEqual([2]);
    expect(exclude.process(rows, failOnReject).map((r) => r[0])).toEqual([1, 3]);
  });

  it('hands a row the condition cannot be evaluated on to the run, and goes on', () => {
    const bound = bind('100 / CAST(qty AS INT) > 10');
    const rows = [
      [1, '5', 'paid'],
      [2, '0', 'paid'],
      [3, 'x', 'paid'],
      [4, '20', 'paid'],
    ];
    const collect = collectingContext();
    expect(bound.process(rows, collect).map((r) => r[0])).toEqual([1]);
    expect(collect.rejected.map((r) => r.row[0])).toEqual([2, 3]);
    expect(collect.rejected[1].error).toBe("cannot CAST 'x' AS INT");
  });
});
