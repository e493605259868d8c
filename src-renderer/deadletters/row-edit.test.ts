import { describe, expect, it } from 'vitest';
import { draftOf, rowOf, valueOf } from './row-edit';

const text = (value: string) => ({ text: value, isNull: false });

describe('row edits', () => {
  it('shows values as text with a null switch', () => {
    expect(draftOf(null)).toEqual({ text: '', isNull: true });
    expect(draftOf('Ada')).toEqual({ text: 'Ada', isNull: false });
    expect(draftOf(3.5)).toEqual({ text: '3.5', isNull: false });
    expect(draftOf({ a: [1] })).toEqual({ text: '{"a":[1]}', isNull: false });
  });

  it('turns text into the value of the recorded type, as the dead-letter file keeps it', () => {
    expect(valueOf(text(' 42 '), null, 'int')).toEqual({ value: 42 });
    expect(valueOf(text('4.2'), null, 'int')).toEqual({ problem: 'int' });
    expect(valueOf(text('9007199254740993'), null, 'int')).toEqual({ problem: 'int' });
    expect(valueOf(text('9007199254740993'), null, 'bigint')).toEqual({ value: '9007199254740993' });
    expect(valueOf(text('12.50'), null, 'decimal')).toEqual({ value: '12.50' });
    expect(valueOf(text('12,50'), null, 'decimal')).toEqual({ problem: 'decimal' });
    expect(valueOf(text('1e3'), null, 'float')).toEqual({ value: 1000 });
    expect(valueOf(text('yes'), null, 'bool')).toEqual({ value: true });
    expect(valueOf(text('maybe'), null, 'bool')).toEqual({ problem: 'bool' });
    expect(valueOf(text('{"a":1}'), null, 'json')).toEqual({ value: { a: 1 } });
    expect(valueOf(text('{a:1}'), null, 'json')).toEqual({ problem: 'json' });
    expect(valueOf(text('2025-01-01T00:00:00Z'), null, 'timestamptz')).toEqual({
      value: '2025-01-01T00:00:00Z',
    });
    expect(valueOf({ text: 'x', isNull: true }, 'x', 'string')).toEqual({ value: null });
  });

  it('without a recorded type, keeps the kind of the value the run wrote', () => {
    expect(valueOf(text('7'), 3, undefined)).toEqual({ value: 7 });
    expect(valueOf(text('seven'), 3, undefined)).toEqual({ problem: 'float' });
    expect(valueOf(text('false'), true, undefined)).toEqual({ value: false });
    expect(valueOf(text('[1,2]'), [1], undefined)).toEqual({ value: [1, 2] });
    expect(valueOf(text('7'), null, undefined)).toEqual({ value: '7' });
    expect(valueOf(text('7'), 'x', undefined)).toEqual({ value: '7' });
  });

  it('builds the row in its column order, or names the first bad field', () => {
    const original = { id: 1, name: null, qty: 2 };
    const types = { id: 'int', name: 'string', qty: 'int' };
    expect(rowOf({ name: text('Ada') }, original, types)).toEqual({ row: { id: 1, name: 'Ada', qty: 2 } });
    expect(rowOf({ qty: text('two') }, original, types)).toEqual({ column: 'qty', problem: 'int' });
  });
});
