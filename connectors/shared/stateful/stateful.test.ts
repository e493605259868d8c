import { describe, expect, it } from 'vitest';
import { PreciseDate } from '../values';
import { accumulatorKind } from './accumulators';
import { formatDuration, parseDuration } from './duration';
import { canonicalDecimal, keyFunction, matchKey } from './keys';

describe('durations', () => {
  it('reads what people write, and says it back shortest', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration(' 2 d ')).toBe(172_800_000);
    expect(parseDuration('5 minutes')).toBeUndefined();
    expect(parseDuration('10')).toBeUndefined();
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(100)).toBe('100ms');
  });
});

describe('keys', () => {
  it('makes SQL-equal values one key', () => {
    expect(['1.50', '1.5', '01.500', '-0.00', '0'].map(canonicalDecimal)).toEqual([
      '1.5',
      '1.5',
      '1.5',
      '0',
      '0',
    ]);
    const bigints = keyFunction([0], ['bigint']);
    expect(bigints([5n])).toBe(bigints([5]));
    const stamps = keyFunction([0], ['timestamp']);
    expect(stamps([new PreciseDate(0, 1)])).not.toBe(stamps([new Date(0)]));
    const pair = keyFunction([0, 1], ['string', 'decimal']);
    expect(pair(['a', '2.0'])).toBe(pair(['a', '2']));
    expect(pair(['a', null])).not.toBe(pair(['a', 'null']));
  });

  it('matches lookup keys by text across types, never on NULL', () => {
    expect(matchKey([42], ['int'])).toBe(matchKey(['42'], ['string']));
    expect(matchKey([42n, 'x'], ['bigint', 'string'])).toBe(matchKey([42, 'x'], ['int', 'string']));
    expect(matchKey([7, null], ['int', 'string'])).toBeNull();
  });
});

describe('accumulators', () => {
  const run = (
    fn: Parameters<typeof accumulatorKind>[0],
    type: Parameters<typeof accumulatorKind>[1],
    values: unknown[],
  ) => {
    const kind = accumulatorKind(fn, type);
    const acc = kind.create();
    for (const v of values) {
      kind.check(v);
      acc.add(v);
    }
    return acc.result();
  };

  it('sums and averages exactly, and gives NULL for no values', () => {
    expect(run('sum', 'decimal', ['0.1', '0.2'])).toBe('0.3');
    expect(run('sum', 'float', [0.1, 0.2])).toBeCloseTo(0.3);
    expect(run('avg', 'int', [1, 2])).toBe('1.5000000000000000');
    expect(run('sum', 'int', [])).toBeNull();
    expect(run('count', 'int', [])).toBe(0);
  });

  it('orders values by type', () => {
    expect(run('max', 'decimal', ['9.5', '10.25', '10.250'])).toBe('10.25');
    expect(run('min', 'timestamp', [new Date(5), new PreciseDate(4, 999), new Date(4)])).toEqual(new Date(4));
    expect(run('max', 'string', ['b', 'ab', 'B'])).toBe('b');
    expect(run('concat', 'string', ['a', 'b'])).toBe('a,b');
    expect(() => accumulatorKind('min', 'json')).toThrow(
      'min needs values with an order, and json values have none',
    );
  });
});
