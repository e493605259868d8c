import { describe, expect, it } from 'vitest';
import { durationBetween, formatCount, formatDuration } from './format';

describe('formatDuration', () => {
  it('picks a unit that fits the length', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4m 05s');
    expect(formatDuration(7_380_000)).toBe('2h 03m');
    expect(formatDuration(null)).toBe('—');
  });
});

describe('durationBetween', () => {
  it('measures finished runs and running ones up to now', () => {
    expect(durationBetween('2025-01-01T00:00:00Z', '2025-01-01T00:00:02.5Z')).toBe(2500);
    expect(durationBetween('2025-01-01T00:00:00Z', null, Date.parse('2025-01-01T00:01:00Z'))).toBe(60_000);
    expect(durationBetween(null, null)).toBeNull();
  });
});

describe('formatCount', () => {
  it('groups thousands', () => {
    expect(formatCount(1234567, 'en')).toBe('1,234,567');
  });
});
