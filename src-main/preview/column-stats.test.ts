import { describe, expect, it } from 'vitest';
import { columnStats } from './column-stats';

describe('column statistics over the sample', () => {
  const rows = [
    ['paid', 1, null],
    ['void', null, { a: 1 }],
    ['paid', 1, { a: 1 }],
    [null, 2, { a: 2 }],
    ['pending', 3, null],
  ];

  it('count NULLs and their share', () => {
    expect(columnStats(rows, 0)).toMatchObject({ nulls: 1, null_ratio: 0.2 });
    expect(columnStats(rows, 2)).toMatchObject({ nulls: 2, null_ratio: 0.4 });
  });

  it('count distinct non-NULL values and list them in the order they first appear', () => {
    expect(columnStats(rows, 0)).toMatchObject({ distinct: 3, samples: ['paid', 'void', 'pending'] });
    expect(columnStats(rows, 2)).toMatchObject({ distinct: 2, samples: [{ a: 1 }, { a: 2 }] });
  });

  it('keep at most five sample values', () => {
    const many = Array.from({ length: 20 }, (_, i) => [i]);
    expect(columnStats(many, 0)).toEqual({ nulls: 0, null_ratio: 0, distinct: 20, samples: [0, 1, 2, 3, 4] });
  });

  it('tell a number from its text', () => {
    expect(columnStats([[1], ['1']], 0).distinct).toBe(2);
  });

  it('say nothing of an empty sample', () => {
    expect(columnStats([], 0)).toEqual({ nulls: 0, null_ratio: 0, distinct: 0, samples: [] });
  });
});
