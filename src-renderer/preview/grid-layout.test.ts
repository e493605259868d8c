import { describe, expect, it } from 'vitest';
import { columnWidth, OVERSCAN, ROW_HEIGHT, rowWindow } from './grid-layout';

describe('the grid window', () => {
  it('renders the rows in view and a few around them', () => {
    expect(rowWindow(0, 10 * ROW_HEIGHT, 5000)).toEqual({ from: 0, to: 11 + OVERSCAN });
    expect(rowWindow(1000 * ROW_HEIGHT, 10 * ROW_HEIGHT, 5000)).toEqual({
      from: 1000 - OVERSCAN,
      to: 1011 + OVERSCAN,
    });
  });

  it('stays inside the rows there are', () => {
    expect(rowWindow(4995 * ROW_HEIGHT, 20 * ROW_HEIGHT, 5000)).toEqual({ from: 4995 - OVERSCAN, to: 5000 });
    expect(rowWindow(-50, 100, 3)).toEqual({ from: 0, to: 3 });
    expect(rowWindow(0, 0, 0)).toEqual({ from: 0, to: 0 });
  });
});

describe('column widths', () => {
  it('fit the header and the values, within bounds', () => {
    expect(columnWidth(['id', 'int'], [1, 2, 3], 'int')).toBe(72);
    expect(columnWidth(['total', 'numeric(10,2) decimal'], ['1.25'], 'decimal')).toBeGreaterThan(160);
    const wide = columnWidth(['email', 'text string'], ['someone.with.a.long.address@example.com'], 'string');
    expect(wide).toBeGreaterThan(250);
    expect(columnWidth(['doc', 'jsonb json'], ['x'.repeat(500)], 'string')).toBe(320);
  });
});
