import { describe, expect, it } from 'vitest';
import type { Column } from '../../src-main/engine/batch';
import { failOnReject, FieldError } from '../../src-main/engine/component';
import { testContext } from '../shared/test-support';
import { mappingProcessor } from './spec';

const ctx = testContext();

const columns: Column[] = [
  { name: 'id', type: 'bigint', nativeType: 'BIGINT' },
  { name: 'user_id', type: 'int' },
  { name: 'price', type: 'decimal' },
  { name: 'secret', type: 'string' },
];
const rows = [
  [1n, 10, '9.99', 'a'],
  [2n, 20, '5.00', 'b'],
];

const fieldErrorOf = (fn: () => unknown): FieldError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof FieldError) return err;
    throw err;
  }
  throw new Error('expected a FieldError');
};

describe('mapping processor', () => {
  it('builds exactly the listed fields, renamed and in order, keeping types', () => {
    const bound = mappingProcessor
      .create({ fields: { price: 'price', order_id: 'id', customer_id: 'user_id' } }, ctx)
      .bind(columns);
    expect(bound.columns).toEqual([
      { name: 'price', type: 'decimal' },
      { name: 'order_id', type: 'bigint', nativeType: 'BIGINT' },
      { name: 'customer_id', type: 'int' },
    ]);
    expect(bound.process(rows, failOnReject)).toEqual([
      ['9.99', 1n, 10],
      ['5.00', 2n, 20],
    ]);
  });

  it('can use one source field twice', () => {
    const bound = mappingProcessor.create({ fields: { a: 'id', b: 'id' } }, ctx).bind(columns);
    expect(bound.process(rows, failOnReject)).toEqual([
      [1n, 1n],
      [2n, 2n],
    ]);
  });

  it('drops the listed columns and keeps the rest in order', () => {
    const bound = mappingProcessor.create({ drop: ['secret', 'user_id'] }, ctx).bind(columns);
    expect(bound.columns.map((c) => c.name)).toEqual(['id', 'price']);
    expect(bound.process(rows, failOnReject)).toEqual([
      [1n, '9.99'],
      [2n, '5.00'],
    ]);
  });

  it('points at the field whose source column is unknown', () => {
    const err = fieldErrorOf(() =>
      mappingProcessor.create({ fields: { order_id: 'id', customer: 'usr_id' } }, ctx).bind(columns),
    );
    expect(err.path).toBe('fields.customer');
    expect(err.message).toBe('unknown column "usr_id" (did you mean "user_id"?)');
    const dropErr = fieldErrorOf(() => mappingProcessor.create({ drop: ['id', 'zzzz'] }, ctx).bind(columns));
    expect(dropErr.path).toBe('drop[1]');
    expect(dropErr.message).toBe('unknown column "zzzz" (columns: id, user_id, price, secret)');
  });

  it('asks for exactly one of fields and drop', () => {
    expect(
      fieldErrorOf(() => mappingProcessor.create({ fields: { a: 'id' }, drop: ['id'] }, ctx)).message,
    ).toBe('give either `fields` or `drop`, not both');
    expect(fieldErrorOf(() => mappingProcessor.create({}, ctx)).path).toBe('fields');
  });

  it('refuses to drop every column', () => {
    const err = fieldErrorOf(() =>
      mappingProcessor.create({ drop: ['id', 'user_id', 'price', 'secret'] }, ctx).bind(columns),
    );
    expect(err.message).toMatch(/drops every column/);
  });
});
