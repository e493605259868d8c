import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashMask, maskValue, partialMask } from './masking';

describe('hash masks', () => {
  it('are the first 16 hex digits of the SHA-256 of the value, equal for equal values', () => {
    const expected = createHash('sha256').update('alice@example.com').digest('hex').slice(0, 16);
    expect(hashMask('alice@example.com')).toBe(expected);
    expect(hashMask('alice@example.com')).toMatch(/^[0-9a-f]{16}$/);
    expect(hashMask('bob@example.com')).not.toBe(expected);
  });

  it('hash a non-text value by its JSON and keep NULL', () => {
    expect(maskValue(42, 'hash')).toBe(hashMask('42'));
    expect(maskValue({ a: 1 }, 'hash')).toBe(hashMask('{"a":1}'));
    expect(maskValue(null, 'hash')).toBeNull();
  });
});

describe('partial masks', () => {
  it('keep two characters at each end of longer values and star the middle', () => {
    expect(partialMask('alice@example.com')).toBe('al*************om');
    expect(partialMask('13812345678')).toBe('13*******78');
  });

  it('keep one character at each end of short values, none of the shortest', () => {
    expect(partialMask('Alice')).toBe('A***e');
    expect(partialMask('abc')).toBe('a*c');
    expect(partialMask('ab')).toBe('**');
    expect(partialMask('')).toBe('');
  });

  it('count characters, not UTF-16 units', () => {
    expect(partialMask('张三丰')).toBe('张*丰');
    expect(partialMask('😀abc😀')).toBe('😀***😀');
  });

  it('mask a bytes value by its hex', () => {
    expect(maskValue({ $bytes: '0a0b0c0d', length: 4 }, 'partial')).toBe('0a****0d');
  });
});
