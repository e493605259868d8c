import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src-shared/api/log-model';
import {
  EMPTY_FILTER,
  addLive,
  entryOfEvent,
  filterOfSearch,
  formatLogTime,
  highlightParts,
  isLive,
  isoOfLocalInput,
  localInputOf,
  matchesFilter,
  queryInput,
  searchOfFilter,
} from './log-view-model';

const entry = (fields: Partial<LogEntry> = {}): LogEntry => ({
  time: '2025-03-01T10:00:00.000000Z',
  level: 'info',
  message: 'read 5000 rows from Orders',
  job_id: 'job-1',
  execution_id: 'exec-1',
  ...fields,
});

describe('the log view model', () => {
  it('turns the filter into a query, leaving out what is empty', () => {
    expect(queryInput(EMPTY_FILTER)).toEqual({ level: 'info' });
    expect(
      queryInput({
        ...EMPTY_FILTER,
        level: 'warn',
        job_id: 'j',
        q: '  orders ',
        to: '2025-01-01T00:00:00.000Z',
      }),
    ).toEqual({
      level: 'warn',
      job_id: 'j',
      q: 'orders',
      to: '2025-01-01T00:00:00.000Z',
    });
  });

  it('matches live lines as the query would', () => {
    expect(matchesFilter(entry(), EMPTY_FILTER)).toBe(true);
    expect(matchesFilter(entry({ level: 'debug' }), EMPTY_FILTER)).toBe(false);
    expect(matchesFilter(entry({ level: 'debug' }), { ...EMPTY_FILTER, level: 'debug' })).toBe(true);
    expect(matchesFilter(entry(), { ...EMPTY_FILTER, level: 'warn' })).toBe(false);
    expect(matchesFilter(entry(), { ...EMPTY_FILTER, job_id: 'job-2' })).toBe(false);
    expect(matchesFilter(entry(), { ...EMPTY_FILTER, execution_id: 'exec-1' })).toBe(true);
    expect(matchesFilter(entry(), { ...EMPTY_FILTER, q: 'ORDERS' })).toBe(true);
    expect(matchesFilter(entry({ detail: { table: 'customers' } }), { ...EMPTY_FILTER, q: 'custom' })).toBe(
      true,
    );
    expect(matchesFilter(entry(), { ...EMPTY_FILTER, q: 'customers' })).toBe(false);
    expect(matchesFilter(entry(), { ...EMPTY_FILTER, from: '2025-03-01T10:00:01.000Z' })).toBe(false);
    expect(matchesFilter(entry(), { ...EMPTY_FILTER, to: '2025-03-01T09:59:59.000Z' })).toBe(false);
  });

  it('follows only while the range is open', () => {
    const now = Date.parse('2025-03-01T10:00:00Z');
    expect(isLive(EMPTY_FILTER, now)).toBe(true);
    expect(isLive({ ...EMPTY_FILTER, to: '2025-03-01T09:00:00Z' }, now)).toBe(false);
    expect(isLive({ ...EMPTY_FILTER, to: '2025-03-01T11:00:00Z' }, now)).toBe(true);
  });

  it('reads log_entry events and nothing else', () => {
    expect(
      entryOfEvent({
        type: 'log_entry',
        job_id: null,
        execution_id: null,
        level: 'warn',
        message: 'disk almost full',
        time: '2025-03-01T10:00:00.000Z',
      }),
    ).toEqual({
      time: '2025-03-01T10:00:00.000Z',
      level: 'warn',
      message: 'disk almost full',
      job_id: null,
      execution_id: null,
    });
    expect(entryOfEvent({ type: 'job_changed', job_id: 'j', change: 'created' })).toBeNull();
  });

  it('puts live lines on top, newest first, without those the query returned as they arrived', () => {
    const queried = [entry({ message: 'b', time: '2025-03-01T10:00:01.000123Z' }), entry({ message: 'a' })];
    // The same line announced live carries a slightly different time.
    const arrived = [
      entry({ message: 'b', time: '2025-03-01T10:00:01.004Z' }),
      entry({ message: 'c' }),
      entry({ message: 'd' }),
    ];
    const { entries, dropped } = addLive(queried, arrived, { overlap: true });
    expect(entries.map((e) => e.message)).toEqual(['d', 'c', 'b', 'a']);
    expect(dropped).toBe(false);
    // Lines arriving later are new, however alike.
    expect(addLive(entries, [entry({ message: 'd' })]).entries.map((e) => e.message)).toEqual([
      'd',
      'd',
      'c',
      'b',
      'a',
    ]);
    const capped = addLive(entries, [entry({ message: 'e' })], { max: 3 });
    expect(capped.entries.map((e) => e.message)).toEqual(['e', 'd', 'c']);
    expect(capped.dropped).toBe(true);
  });

  it('highlights every match of the keyword, ignoring case', () => {
    expect(highlightParts('Orders to orders', 'ORDERS')).toEqual([
      { text: 'Orders', match: true },
      { text: ' to ', match: false },
      { text: 'orders', match: true },
    ]);
    expect(highlightParts('nothing here', 'x')).toEqual([{ text: 'nothing here', match: false }]);
    expect(highlightParts('text', ' ')).toEqual([{ text: 'text', match: false }]);
  });

  it('keeps the filter in the address and reads it back', () => {
    const filter = {
      ...EMPTY_FILTER,
      level: 'debug' as const,
      execution_id: 'exec-1',
      q: 'slow writer',
      from: '2025-03-01T00:00:00.000Z',
    };
    const search = searchOfFilter(filter);
    expect(search).toBe('execution=exec-1&level=debug&q=slow+writer&from=2025-03-01T00%3A00%3A00.000Z');
    expect(filterOfSearch(search)).toEqual(filter);
    expect(filterOfSearch('level=loud')).toEqual(EMPTY_FILTER);
    expect(searchOfFilter(EMPTY_FILTER)).toBe('');
  });

  it('converts between datetime-local values and ISO times, and shows times to the millisecond', () => {
    const iso = isoOfLocalInput('2025-03-01T10:05') as string;
    expect(localInputOf(iso)).toBe('2025-03-01T10:05');
    expect(isoOfLocalInput('')).toBeNull();
    expect(localInputOf(null)).toBe('');
    const at = new Date(2025, 2, 1, 14, 5, 9, 123);
    expect(formatLogTime(at.toISOString(), 'en', new Date(2025, 2, 1, 20))).toBe('14:05:09.123');
    expect(formatLogTime(at.toISOString(), 'en', new Date(2025, 2, 2))).toMatch(/2025.* 14:05:09\.123$/);
  });
});
