import { describe, expect, it } from 'vitest';
import { closestNames, editDistance } from './similar';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('qty', 'qty')).toBe(0);
    expect(editDistance('qtty', 'qty')).toBe(1);
  });
});

describe('closestNames', () => {
  const columns = ['id', 'user_id', 'qty', 'price', 'status', 'created_at'];

  it('suggests the nearest name first', () => {
    expect(closestNames(columns, 'qtty', 1)).toEqual(['qty']);
    expect(closestNames(['generate', 'file', 'sqlite'], 'sqlit')).toEqual(['sqlite']);
    expect(closestNames(['mysql', 'postgresql', 'sqlite'], 'postgres', 1)).toEqual(['postgresql']);
  });

  it('ignores case', () => {
    expect(closestNames(columns, 'STATUS')).toEqual(['status']);
  });

  it('returns nothing when no name is plausibly meant', () => {
    expect(closestNames(columns, 'warehouse_location')).toEqual([]);
  });

  it('ranks by distance, keeps list order on ties, and honours max', () => {
    expect(closestNames(['cat', 'bat', 'hat', 'cart'], 'cat', 2)).toEqual(['bat', 'hat']);
    expect(closestNames(['cab', 'cat'], 'car', 5)).toEqual(['cab', 'cat']);
  });

  it('finds a name that contains the word', () => {
    expect(closestNames(columns, 'created')).toContain('created_at');
  });
});
