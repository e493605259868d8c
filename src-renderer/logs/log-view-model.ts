import type { LogEntry } from '../../src-shared/api/log-model';
import type { LogLevel, StudioEvent } from '../../src-shared/api/model';

/*
 * What the log viewer shows, apart from React: the filter, how live lines are matched and merged
 * into what a query returned, and how a keyword is highlighted.
 */

export const LOG_LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Lines kept on screen while following; older ones are dropped (and found again by querying). */
export const MAX_SHOWN = 3000;

export interface LogViewFilter {
  /** Minimum level. */
  level: LogLevel;
  job_id: string | null;
  execution_id: string | null;
  q: string;
  /** ISO times; null: open. */
  from: string | null;
  to: string | null;
}

export const EMPTY_FILTER: LogViewFilter = {
  level: 'info',
  job_id: null,
  execution_id: null,
  q: '',
  from: null,
  to: null,
};

/** The filter as `queryLogs` / `exportLogs` take it (empty fields left out). */
export function queryInput(filter: LogViewFilter): {
  level: LogLevel;
  job_id?: string;
  execution_id?: string;
  q?: string;
  from?: string;
  to?: string;
} {
  const q = filter.q.trim();
  return {
    level: filter.level,
    ...(filter.job_id ? { job_id: filter.job_id } : {}),
    ...(filter.execution_id ? { execution_id: filter.execution_id } : {}),
    ...(q ? { q } : {}),
    ...(filter.from ? { from: filter.from } : {}),
    ...(filter.to ? { to: filter.to } : {}),
  };
}

/** Whether new lines can still arrive for the filter (not when the range ends in the past). */
export function isLive(filter: LogViewFilter, now = Date.now()): boolean {
  return filter.to === null || Date.parse(filter.to) > now;
}

/** A `log_entry` event as a log entry; null for other events. */
export function entryOfEvent(event: StudioEvent): LogEntry | null {
  if (event.type !== 'log_entry') return null;
  return {
    time: event.time,
    level: event.level,
    message: event.message,
    job_id: event.job_id,
    execution_id: event.execution_id,
  };
}

/** Whether a live line belongs in the view, as the query would have decided. */
export function matchesFilter(entry: LogEntry, filter: LogViewFilter): boolean {
  if (RANK[entry.level] < RANK[filter.level]) return false;
  if (filter.execution_id && entry.execution_id !== filter.execution_id) return false;
  if (filter.job_id && entry.job_id !== filter.job_id) return false;
  const time = Date.parse(entry.time);
  if (filter.from && time < Date.parse(filter.from)) return false;
  if (filter.to && time > Date.parse(filter.to)) return false;
  const q = filter.q.trim().toLowerCase();
  if (!q) return true;
  if (entry.message.toLowerCase().includes(q)) return true;
  return entry.detail !== undefined && JSON.stringify(entry.detail).toLowerCase().includes(q);
}

/**
 * Whether two entries are the same line: a run's line announced live carries the time the host
 * received it, which may differ from the time in the file by a little.
 */
function sameLine(a: LogEntry, b: LogEntry): boolean {
  return (
    a.message === b.message &&
    a.level === b.level &&
    a.execution_id === b.execution_id &&
    a.job_id === b.job_id &&
    Math.abs(Date.parse(a.time) - Date.parse(b.time)) < 1000
  );
}

/**
 * Live lines (oldest first, as they arrived) put on top of what is shown (newest first); keeps at
 * most `max`. Returns whether older lines were dropped. `overlap`: the lines arrived while the
 * shown ones were being queried, so some may be among them already, and those are left out.
 */
export function addLive(
  shown: LogEntry[],
  arrived: LogEntry[],
  { max = MAX_SHOWN, overlap = false }: { max?: number; overlap?: boolean } = {},
): { entries: LogEntry[]; dropped: boolean } {
  const recent = overlap ? shown.slice(0, 200) : [];
  const fresh = arrived.filter((entry) => !recent.some((seen) => sameLine(seen, entry)));
  const entries = [...fresh.reverse(), ...shown];
  return entries.length > max
    ? { entries: entries.slice(0, max), dropped: true }
    : { entries, dropped: false };
}

/** A text cut into the parts that match `q` (ignoring case) and those that do not. */
export function highlightParts(text: string, q: string): { text: string; match: boolean }[] {
  const needle = q.trim().toLowerCase();
  if (!needle) return [{ text, match: false }];
  const lower = text.toLowerCase();
  const parts: { text: string; match: boolean }[] = [];
  let at = 0;
  for (let found = lower.indexOf(needle); found !== -1; found = lower.indexOf(needle, at)) {
    if (found > at) parts.push({ text: text.slice(at, found), match: false });
    parts.push({ text: text.slice(found, found + needle.length), match: true });
    at = found + needle.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false });
  return parts;
}

/** `2025-03-01T10:00` (an `<input type="datetime-local">` value, local time) for an ISO time. */
export function localInputOf(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The ISO time of a `datetime-local` value; null when empty or unreadable. */
export function isoOfLocalInput(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** `14:05:09.123` with the date before it when not today, in local time. */
export function formatLogTime(iso: string, language: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  if (date.toDateString() === now.toDateString()) return clock;
  const day = date.toLocaleDateString(language, { year: 'numeric', month: '2-digit', day: '2-digit' });
  return `${day} ${clock}`;
}

/** The filter in the page's address (`#/logs?job=…&execution=…&level=…&q=…`), and back. */
export function filterOfSearch(search: string): LogViewFilter {
  const params = new URLSearchParams(search);
  const level = params.get('level');
  return {
    level: LOG_LEVELS.includes(level as LogLevel) ? (level as LogLevel) : EMPTY_FILTER.level,
    job_id: params.get('job') || null,
    execution_id: params.get('execution') || null,
    q: params.get('q') ?? '',
    from: params.get('from') || null,
    to: params.get('to') || null,
  };
}

export function searchOfFilter(filter: LogViewFilter): string {
  const params = new URLSearchParams();
  if (filter.job_id) params.set('job', filter.job_id);
  if (filter.execution_id) params.set('execution', filter.execution_id);
  if (filter.level !== EMPTY_FILTER.level) params.set('level', filter.level);
  if (filter.q.trim()) params.set('q', filter.q.trim());
  if (filter.from) params.set('from', filter.from);
  if (filter.to) params.set('to', filter.to);
  return params.toString();
}
