import { describe, expect, it } from 'vitest';
import { textChange } from './text-change';

const apply = (old: string, change: ReturnType<typeof textChange>) =>
  change ? old.slice(0, change.start) + change.text + old.slice(change.oldEnd) : old;

describe('textChange', () => {
  it('keeps what both texts share at the start and the end', () => {
    const old = 'a: 1\nb: 2\nc: 3\n';
    const next = 'a: 1\nb: 20\nx: y\nc: 3\n';
    const change = textChange(old, next);
    expect(change).toEqual({ start: 9, oldEnd: 9, text: '0\nx: y' });
    expect(apply(old, change)).toBe(next);
  });

  it('handles removals, repeated characters and no change', () => {
    for (const [old, next] of [
      ['aaaa', 'aa'],
      ['x\n\n\ny', 'x\n\ny'],
      ['', 'new'],
      ['gone', ''],
    ])
      expect(apply(old, textChange(old, next))).toBe(next);
    expect(textChange('same', 'same')).toBeNull();
  });
});
