import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache';

describe('LruCache', () => {
  it('keeps at most size entries, pushing out the least recently used', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3); // pushes out b
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.count).toBe(2);
  });

  it('forgets entries older than the time to live', () => {
    let now = 1000;
    const cache = new LruCache<string, string | null>(10, 500, () => now);
    cache.set('k', 'v');
    cache.set('miss', null);
    now = 1499;
    expect(cache.get('k')).toBe('v');
    expect(cache.get('miss')).toBeNull();
    now = 1500;
    expect(cache.get('k')).toBeUndefined();
    expect(cache.count).toBe(1);
  });

  it('replaces a value in place and holds nothing with size 0', () => {
    const cache = new LruCache<number, string>(3);
    cache.set(1, 'x');
    cache.set(1, 'y');
    expect([cache.get(1), cache.count]).toEqual(['y', 1]);
    const none = new LruCache<number, string>(0);
    none.set(1, 'x');
    expect(none.get(1)).toBeUndefined();
  });
});
