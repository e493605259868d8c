import { describe, expect, it } from 'vitest';
import { MINUTE_MS, MinuteRing, spreadOverMinutes } from './minute-ring';
import { NO_TOTALS, RunDeltas } from './run-deltas';

const at = (minute: number, second = 0) =>
  Date.parse('2025-05-01T10:00:00Z') + minute * MINUTE_MS + second * 1000;
const rows = (written: number) => ({ ...NO_TOTALS, read: written, written });

describe('MinuteRing', () => {
  it('adds what each progress added to the minute it came in, and keeps the last hour', () => {
    const ring = new MinuteRing(3);
    ring.add('e1', at(0, 10), rows(100));
    ring.add('e1', at(0, 50), rows(50));
    ring.add('e2', at(2, 5), rows(7));
    expect(ring.watches('e1')).toBe(true);
    expect(ring.watches('e3')).toBe(false);
    const series = ring.series(at(2, 30));
    expect(series.startMinute * MINUTE_MS).toBe(at(0));
    expect(series.buckets.map((b) => b.written)).toEqual([150, 0, 7]);
    // Minutes later the first minute has left the window.
    ring.add('e2', at(4), rows(1));
    expect(ring.series(at(4)).buckets.map((b) => b.written)).toEqual([7, 0, 1]);
  });
});

describe('spreadOverMinutes', () => {
  it('spreads a run evenly over the minutes it ran, within the window', () => {
    const series = new MinuteRing(4).series(at(3, 30));
    // 3 minutes from 0:30 to 3:30, 600 rows: 100 in the first half minute, 200 a minute after.
    spreadOverMinutes(rows(600), at(0, 30), at(3, 30), series);
    expect(series.buckets.map((b) => Math.round(b.written))).toEqual([100, 200, 200, 100]);
    // A run that began before the window puts only its part in it.
    const later = new MinuteRing(2).series(at(3, 30));
    spreadOverMinutes(rows(600), at(0, 30), at(3, 30), later);
    expect(later.buckets.map((b) => Math.round(b.written))).toEqual([200, 100]);
    // A run of no length lands in its minute.
    spreadOverMinutes(rows(9), at(3, 10), at(3, 10), later);
    expect(later.buckets[1].written).toBe(109);
  });
});

describe('RunDeltas', () => {
  it('turns running totals into increments and ignores an ended run', () => {
    const deltas = new RunDeltas();
    expect(deltas.add('e1', rows(10))?.written).toBe(10);
    expect(deltas.add('e1', rows(25))?.written).toBe(15);
    expect(deltas.add('e1', rows(25))?.written).toBe(0);
    deltas.end('e1');
    expect(deltas.add('e1', rows(30))).toBeNull();
    expect(deltas.hasEnded('e1')).toBe(true);
  });
});
