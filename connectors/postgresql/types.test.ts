import { types as pgTypes } from 'pg';
import { describe, expect, it } from 'vitest';
import { isoUtc, PreciseDate } from '../shared/values';
import { parseIsoTimestamp, parseTimestampAsUtc } from './types';

const slowParse = pgTypes.getTypeParser(pgTypes.builtins.TIMESTAMPTZ, 'text') as (text: string) => Date;

/** A timestamp as PostgreSQL prints it (DateStyle ISO), `fraction` digits of its microseconds. */
function pgText(ms: number, micros: number, fraction: number, offset?: string): string {
  const iso = new Date(ms).toISOString();
  const digits = `${iso.slice(20, 23)}${String(micros).padStart(3, '0')}`
    .slice(0, fraction)
    .replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${digits ? `.${digits}` : ''}${offset ?? ''}`;
}

/** A timestamp text without trailing zeros in its fraction (nor a bare point). */
const shortest = (text: string) => (text.includes('.') ? text.replace(/\.?0+$/, '') : text);

describe('parseIsoTimestamp', () => {
  it('reads what pg-types reads, plus the microseconds, for timestamps and every offset form', () => {
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const offsets = ['+00', '+05:30', '-08', '+14', '-03:30', '+05:45:10'];
    for (let i = 0; i < 5000; i++) {
      const ms = (next(2_000_000) - 500_000) * 86_400_000 + next(86_400_000);
      const micros = next(1000);
      const fraction = next(7);
      const plain = pgText(ms, micros, fraction);
      const fast = parseIsoTimestamp(plain, false);
      expect(fast?.getTime(), plain).toBe(slowParse(`${plain}+00`).getTime());
      expect(shortest(isoUtc(fast!).replace('T', ' ').replace('Z', '')), plain).toBe(shortest(plain));
      const offset = offsets[next(offsets.length)];
      const zoned = parseIsoTimestamp(pgText(ms, micros, fraction, offset), true);
      expect(zoned?.getTime(), `${plain}${offset}`).toBe(slowParse(`${plain}${offset}`).getTime());
    }
  });

  it('keeps microseconds in a PreciseDate and leaves unusual text to the slow path', () => {
    const value = parseIsoTimestamp('2024-01-02 03:04:05.678901', false);
    expect(value).toBeInstanceOf(PreciseDate);
    expect(isoUtc(value!)).toBe('2024-01-02T03:04:05.678901Z');
    expect(parseIsoTimestamp('2024-01-02 03:04:05', false)).not.toBeInstanceOf(PreciseDate);
    for (const text of [
      'infinity',
      '-infinity',
      '0044-03-15 12:00:00 BC',
      '10000-01-01 00:00:00',
      '2024-01-02',
    ])
      expect(parseIsoTimestamp(text, false), text).toBeUndefined();
    expect(parseIsoTimestamp('2024-01-02 03:04:05', true)).toBeUndefined();
    expect(parseTimestampAsUtc('0044-03-15 12:00:00 BC')).toEqual(new Date('-000043-03-15T12:00:00Z'));
    expect(parseTimestampAsUtc('infinity')).toBe('infinity');
  });
});
