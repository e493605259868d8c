import { describe, expect, it } from 'vitest';
import { missedDetail, missedFires } from './missed-runs';

describe('missedFires', () => {
  it('counts the fire times after the last fire, up to and including now', () => {
    const missed = missedFires(
      '0 2 * * *',
      'UTC',
      new Date('2026-03-01T02:00:00.000Z'),
      new Date('2026-03-04T02:00:00.000Z'),
    );
    expect(missed).toEqual({
      count: 3,
      capped: false,
      first: new Date('2026-03-02T02:00:00.000Z'),
      last: new Date('2026-03-04T02:00:00.000Z'),
    });
    expect(missed && missedDetail(missed)).toBe('missed 3 runs since 2026-03-02T02:00:00.000Z');
  });

  it('finds none when no fire time passed', () => {
    expect(
      missedFires('0 2 * * *', 'UTC', new Date('2026-03-01T02:00:00Z'), new Date('2026-03-02T01:59:59Z')),
    ).toBe(undefined);
  });

  it('reads the schedule in its time zone', () => {
    // 02:00 in Shanghai is 18:00 UTC the day before.
    const missed = missedFires(
      '0 2 * * *',
      'Asia/Shanghai',
      new Date('2026-03-01T12:00:00Z'),
      new Date('2026-03-02T12:00:00Z'),
    );
    expect(missed?.count).toBe(1);
    expect(missed?.first.toISOString()).toBe('2026-03-01T18:00:00.000Z');
    expect(missed && missedDetail(missed)).toBe('missed 1 run since 2026-03-01T18:00:00.000Z');
  });

  it('stops counting at the cap and says there were more', () => {
    const missed = missedFires(
      '* * * * * *',
      null,
      new Date('2026-03-01T00:00:00Z'),
      new Date('2026-03-01T01:00:00Z'),
      100,
    );
    expect(missed).toMatchObject({ count: 100, capped: true });
    expect(missed && missedDetail(missed)).toBe('missed more than 100 runs since 2026-03-01T00:00:01.000Z');
    // Exactly the cap is not "more than".
    expect(
      missedFires('* * * * * *', null, new Date('2026-03-01T00:00:00Z'), new Date('2026-03-01T00:00:05Z'), 5),
    ).toMatchObject({ count: 5, capped: false });
  });

  it('counts a one-off date that passed while closed', () => {
    expect(
      missedFires(
        '2026-03-01T09:00:00',
        'UTC',
        new Date('2026-02-28T00:00:00Z'),
        new Date('2026-03-02T00:00:00Z'),
      )?.count,
    ).toBe(1);
  });
});
