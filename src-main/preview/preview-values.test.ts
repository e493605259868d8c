import { describe, expect, it } from 'vitest';
import { PreciseDate } from '../../connectors/shared/values';
import { MAX_PREVIEW_BYTES, MAX_PREVIEW_CHARS, previewValue, valueText } from './preview-values';

const convert = (value: unknown) => previewValue(value, { shortened: 0 });

describe('preview values', () => {
  it('are JSON-safe without losing digits', () => {
    expect(convert(9007199254740993n)).toBe('9007199254740993');
    expect(convert('12345678901234567890.123456789')).toBe('12345678901234567890.123456789');
    expect(convert(1.5)).toBe(1.5);
    expect(convert(true)).toBe(true);
    expect(convert(null)).toBeNull();
    expect(convert(undefined)).toBeNull();
  });

  it('write timestamps as ISO 8601 in UTC with their microseconds', () => {
    expect(convert(new Date(Date.UTC(2024, 1, 29, 13, 4, 5, 123)))).toBe('2024-02-29T13:04:05.123Z');
    expect(convert(new PreciseDate(Date.UTC(2024, 1, 29, 13, 4, 5, 123), 456))).toBe(
      '2024-02-29T13:04:05.123456Z',
    );
  });

  it('mark bytes as hex with their length', () => {
    expect(convert(Buffer.from([0, 1, 254, 255]))).toEqual({ $bytes: '0001feff', length: 4 });
    const big = convert(Buffer.alloc(MAX_PREVIEW_BYTES + 10, 0xab)) as { $bytes: string; length: number };
    expect(big.length).toBe(MAX_PREVIEW_BYTES + 10);
    expect(big.$bytes).toHaveLength(MAX_PREVIEW_BYTES * 2);
  });

  it('spell the floats JSON has no numbers for', () => {
    expect(convert(Number.NaN)).toBe('NaN');
    expect(convert(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(convert(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });

  it('keep JSON documents as JSON, their big integers as text', () => {
    expect(convert({ tags: ['a', 'b'], n: 10n })).toEqual({ tags: ['a', 'b'], n: '10' });
    expect(JSON.parse(JSON.stringify(convert({ a: [1, { b: null }] })))).toEqual({ a: [1, { b: null }] });
  });

  it('shorten very long text and count it, unless asked for the whole value', () => {
    const notes = { shortened: 0 };
    const long = 'x'.repeat(MAX_PREVIEW_CHARS + 5);
    expect(previewValue(long, notes)).toBe(`${'x'.repeat(MAX_PREVIEW_CHARS)}…`);
    expect(notes.shortened).toBe(1);
    expect(previewValue(long, notes, true)).toBe(long);
  });

  it('compare and mask by text: strings as they are, others by JSON, bytes by hex', () => {
    expect(valueText('a')).toBe('a');
    expect(valueText(12)).toBe('12');
    expect(valueText({ $bytes: 'ff', length: 1 })).toBe('ff');
  });
});
