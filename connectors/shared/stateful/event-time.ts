import type { Column, Row } from '../../../src-main/engine/batch';
import { FieldError } from '../../../src-main/engine/component';
import { columnAt } from '../processor-kit';

/*
 * Event time for windows (aggregate's tumbling windows, deduplicate's time window): the
 * instant a row says it happened, read from one of its fields.
 */

const TIME_TYPES = new Set(['timestamp', 'timestamptz', 'date', 'string', 'int', 'bigint']);

/** Thrown for a row whose event time is missing or unreadable: a per-row error. */
export class EventTimeError extends Error {
  override name = 'EventTimeError';
}

/**
 * Reads the event time of a row, in epoch milliseconds, from field `name`: timestamps as they
 * are, dates at midnight UTC, text in ISO 8601, integers as epoch milliseconds. Throws a
 * `FieldError` at `path` when the field is missing or of another type, and `EventTimeError`
 * per row when the value is NULL or not a time.
 */
export function eventTimeReader(columns: Column[], name: string, path: string): (row: Row) => number {
  const index = columnAt(path, columns, name);
  const column = columns[index];
  if (!TIME_TYPES.has(column.type))
    throw new FieldError(
      path,
      `"${column.name}" is ${column.type}: event time needs a timestamp, date, ISO 8601 text or epoch milliseconds`,
    );
  return (row) => {
    const value = row[index];
    let ms: number;
    if (value instanceof Date) ms = value.getTime();
    else if (typeof value === 'number') ms = value;
    else if (typeof value === 'bigint') ms = Number(value);
    else if (typeof value === 'string') ms = Date.parse(value);
    else if (value === null || value === undefined)
      throw new EventTimeError(`event time "${column.name}" is NULL`);
    else ms = NaN;
    if (!Number.isFinite(ms))
      throw new EventTimeError(`event time "${column.name}" is not a time: ${JSON.stringify(String(value))}`);
    return ms;
  };
}
