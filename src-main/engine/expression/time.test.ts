import { describe, expect, it } from 'vitest';
import { PreciseDate } from '../../../connectors/shared/values';
import { addInterval, extract, fromWallClock, timeZone, toWallClock, truncate, type Zone } from './time';
import { compileMysqlFormat, compilePgFormat, readByFormat } from './time-parse';
import { timestampText, toDate } from './values';

const at = (text: string) => toDate(text) as Date;
const zone = (name: string) => timeZone(name) as Zone;
const text = (date: Date | undefined) => (date ? timestampText(date) : undefined);

describe('time zones', () => {
  it('reads IANA names, UTC and fixed offsets, and refuses unknown names', () => {
    expect(zone('Asia/Shanghai')(Date.UTC(2024, 0, 1))).toBe(480);
    expect(zone('UTC')(0)).toBe(0);
    expect(zone('+05:30')(0)).toBe(330);
    expect(zone('-0800')(0)).toBe(-480);
    expect(timeZone('Mars/Olympus')).toBeUndefined();
    expect(timeZone('+16:00')).toBeUndefined();
  });

  it('follows daylight saving time', () => {
    const paris = zone('Europe/Paris');
    expect(text(toWallClock(at('2024-01-15 12:00:00'), paris))).toBe('2024-01-15 13:00:00');
    expect(text(toWallClock(at('2024-07-15 12:00:00'), paris))).toBe('2024-07-15 14:00:00');
    expect(text(fromWallClock(at('2024-07-15 14:00:00'), paris))).toBe('2024-07-15 12:00:00');
  });

  it('reads a wall-clock time that does not exist or exists twice as PostgreSQL does', () => {
    const berlin = zone('Europe/Berlin');
    // 2024-03-31 02:30 does not exist in Berlin (02:00 → 03:00): read with the offset before, +01.
    expect(text(fromWallClock(at('2024-03-31 02:30:00'), berlin))).toBe('2024-03-31 01:30:00');
    // 2024-10-27 02:30 happens twice (03:00 → 02:00): the offset after the change, +01.
    expect(text(fromWallClock(at('2024-10-27 02:30:00'), berlin))).toBe('2024-10-27 01:30:00');
  });

  it('keeps microseconds through zone conversions', () => {
    const instant = new PreciseDate(Date.parse('2024-03-05T14:07:09.123Z'), 456);
    expect(text(toWallClock(instant, zone('Asia/Tokyo')))).toBe('2024-03-05 23:07:09.123456');
  });
});

describe('truncation, intervals and fields', () => {
  it('truncates on calendar boundaries', () => {
    const date = at('2024-03-05 14:07:09.123');
    expect(text(truncate(date, 'week'))).toBe('2024-03-04 00:00:00');
    expect(text(truncate(at('2024-03-10 23:00:00'), 'week'))).toBe('2024-03-04 00:00:00');
    expect(text(truncate(date, 'decade'))).toBe('2020-01-01 00:00:00');
    expect(text(truncate(at('2000-06-01'), 'millennium'))).toBe('1001-01-01 00:00:00');
    expect(text(truncate(at('0050-06-01'), 'year'))).toBe('0050-01-01 00:00:00');
  });

  it('adds months by the calendar, clamping the day', () => {
    expect(text(addInterval(at('2024-01-31 10:00:00'), 1, 'MONTH'))).toBe('2024-02-29 10:00:00');
    expect(text(addInterval(at('2024-03-31'), -1, 'MONTH'))).toBe('2024-02-29 00:00:00');
    expect(text(addInterval(at('2024-02-29'), 4, 'YEAR'))).toBe('2028-02-29 00:00:00');
    expect(text(addInterval(at('2024-12-15'), 1, 'QUARTER'))).toBe('2025-03-15 00:00:00');
    expect(text(addInterval(at('2024-03-05 00:00:00'), 1.5, 'DAY'))).toBe('2024-03-07 00:00:00');
    expect(text(addInterval(at('2024-03-05 00:00:00'), 0.0000015, 'SECOND'))).toBe(
      '2024-03-05 00:00:00.000002',
    );
  });

  it('extracts ISO weeks across year ends', () => {
    expect(extract(at('2024-12-30'), 'WEEK')).toBe(1);
    expect(extract(at('2024-12-30'), 'ISOYEAR')).toBe(2025);
    expect(extract(at('2027-01-01'), 'WEEK')).toBe(53);
    expect(extract(at('1969-12-31 23:59:59.5'), 'EPOCH')).toBe('-0.500000');
  });
});

describe('reading text by a format', () => {
  it.each([
    ['2024-03-05 14:07:09', 'YYYY-MM-DD HH24:MI:SS', '2024-03-05 14:07:09'],
    ['05/03/24', 'DD/MM/YY', '2024-03-05 00:00:00'],
    ['05/03/99', 'DD/MM/YY', '1999-03-05 00:00:00'],
    ['20240305 1407', 'YYYYMMDD HH24MI', '2024-03-05 14:07:00'],
    ['March 5 2024', 'Month DD YYYY', '2024-03-05 00:00:00'],
    ['tue 05 mar 2024', 'Dy DD Mon YYYY', '2024-03-05 00:00:00'],
    ['12:30 AM', 'HH12:MI AM', '1970-01-01 00:30:00'],
    ['12:30 p.m.', 'HH12:MI A.M.', '1970-01-01 12:30:00'],
    ['2024-03-05 14:07:09.5', 'YYYY-MM-DD HH24:MI:SS.FF3', '2024-03-05 14:07:09.5'],
    ['2024-03-05 14:07 -05:30', 'YYYY-MM-DD HH24:MI TZH:TZM', '2024-03-05 19:37:00'],
    ['2024 day 366', 'YYYY "day" DDD', '2024-12-31 00:00:00'],
    ['  2024-3-5  ', 'YYYY-MM-DD', '2024-03-05 00:00:00'],
  ])('%s by %s → %s', (input, format, expected) => {
    expect(text(readByFormat(input, compilePgFormat(format)))).toBe(expected);
  });

  it.each([
    ['2024-02-30', 'YYYY-MM-DD'],
    ['2024-13-01', 'YYYY-MM-DD'],
    ['25:00', 'HH24:MI'],
    ['13:00 PM', 'HH12:MI PM'],
    ['2024-03-05 extra', 'YYYY-MM-DD'],
    ['2024/03', 'YYYY-MM-DD'],
    ['Smarch 5 2024', 'Month DD YYYY'],
  ])('%s does not match %s', (input, format) => {
    expect(readByFormat(input, compilePgFormat(format))).toBeUndefined();
  });

  it("reads MySQL's % specifiers for STR_TO_DATE", () => {
    expect(text(readByFormat('05.03.2024 14:07:09', compileMysqlFormat('%d.%m.%Y %T')))).toBe(
      '2024-03-05 14:07:09',
    );
    expect(text(readByFormat('Tue, Mar 5 2024 02:07:09 PM', compileMysqlFormat('%a, %b %e %Y %r')))).toBe(
      '2024-03-05 14:07:09',
    );
    expect(text(readByFormat('2024-065', compileMysqlFormat('%Y-%j')))).toBe('2024-03-05 00:00:00');
    expect(text(readByFormat('100%', compileMysqlFormat('%%')))).toBeUndefined();
  });
});
