import { describe, expect, it } from 'vitest';
import { cronProblem, isTimeZone, nextRuns } from './schedule';

describe('schedules', () => {
  it('gives the next run times in the time zone', () => {
    const from = new Date('2026-12-06T12:00:00Z');
    expect(nextRuns('0 2 * * 1-5', 'Asia/Shanghai', 3, from).map((d) => d.toISOString())).toEqual([
      '2026-12-06T18:00:00.000Z', // Monday 02:00 in Shanghai
      '2026-12-07T18:00:00.000Z',
      '2026-12-08T18:00:00.000Z',
    ]);
  });

  it('says what is wrong with an expression', () => {
    expect(cronProblem('*/15 * * * *')).toBeUndefined();
    expect(cronProblem('61 * * * *')).toBe('not a cron expression: Invalid value for minute: 61');
  });

  it('knows IANA time zones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Base')).toBe(false);
  });
});
