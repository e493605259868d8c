import { describe, expect, it } from 'vitest';
import { cellDisplay, cellTitle } from './cell-format';

describe('grid cells', () => {
  it('show NULL apart from empty text', () => {
    expect(cellDisplay(null, 'string')).toEqual({ text: 'NULL', kind: 'null' });
    expect(cellDisplay('', 'string')).toEqual({ text: '', kind: 'text' });
    expect(cellDisplay('NULL', 'string')).toEqual({ text: 'NULL', kind: 'text' });
  });

  it('align numbers, decimals and big integers kept as text', () => {
    expect(cellDisplay('12345678901234567890.123456789', 'decimal')).toEqual({
      text: '12345678901234567890.123456789',
      kind: 'number',
    });
    expect(cellDisplay(42, 'int').kind).toBe('number');
  });

  it('show bytes as hex, cut with their size', () => {
    expect(cellDisplay({ $bytes: '00ff', length: 2 }, 'bytes').text).toBe('0x00ff');
    const long = cellDisplay({ $bytes: 'ab'.repeat(100), length: 100 }, 'bytes').text;
    expect(long).toBe(`0x${'ab'.repeat(24)}… (100 B)`);
  });

  it('show JSON compact on one line and whole in the tooltip', () => {
    expect(cellDisplay({ tags: ['a'] }, 'json')).toEqual({ text: '{"tags":["a"]}', kind: 'json' });
    expect(cellDisplay('a string', 'json').text).toBe('"a string"');
    expect(cellTitle({ a: 1 }, 'json')).toBe('{\n  "a": 1\n}');
  });

  it('keep a multi-line text on one line', () => {
    expect(cellDisplay('line 1\nline 2', 'string').text).toBe('line 1↵line 2');
    expect(cellTitle('line 1\nline 2', 'string')).toBe('line 1\nline 2');
  });
});
